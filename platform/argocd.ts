// Argo CD: the upstream release at the environment's pinned tag (`platform.argocd`, not
// re-modelled), its settings owned by this repo, a root app-of-apps per environment, and one
// Application per component.
import { AppProject, Application, ConfigMap, IngressRoute } from './kinds.ts';
import { createHash } from 'node:crypto';
import type { Environment } from '../environments/types.ts';
import { PROVIDED_BY_ANNOTATION, RenderError, type Component, type IgnoreDifference, type KubeObject, type Resource, type UpstreamSource } from '../render/types.ts';
import type { PlatformFacts } from './facts.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';

/**
 * The releases this model was written for: v3.3.6 (the owned ConfigMaps, the workloads reading
 * argocd-cmd-params-cm, the Application health check) and its patches.
 */
export const argocdRelease = {
  pin: 'argocd',
  component: 'argocd',
  supported: '>=3.3.6 <3.4.0',
  prefix: 'v',
} as const satisfies ReleaseLine;
export const ARGOCD_NAMESPACE = 'argocd';
const ARGOCD_REPO = 'https://github.com/argoproj/argo-cd';
const IN_CLUSTER = 'https://kubernetes.default.svc';
/**
 * Who administers Argo CD: this GitHub team of the organisation owning the repository (the
 * CODEOWNERS team). Other members of the organisation get read-only access.
 */
export const ADMIN_TEAM = 'ops';
/** Secret in argocd (label app.kubernetes.io/part-of: argocd) with the GitHub OAuth App's clientID and clientSecret. */
export const DEX_GITHUB_SECRET = 'argocd-dex-github';
/** The ConfigMaps this repo owns; the upstream install must not manage them too. */
const OWNED_CONFIGMAPS = ['argocd-cm', 'argocd-cmd-params-cm', 'argocd-rbac-cm'] as const;
/** Upstream workloads that read argocd-cmd-params-cm at start. */
export const PARAMS_READERS = [
  { kind: 'Deployment', name: 'argocd-server' },
  { kind: 'Deployment', name: 'argocd-repo-server' },
  { kind: 'Deployment', name: 'argocd-applicationset-controller' },
  { kind: 'StatefulSet', name: 'argocd-application-controller' },
] as const;

type ApplicationSpec = Application['spec'];
type SyncPolicy = NonNullable<ApplicationSpec['syncPolicy']>;

// Retry with backoff: a sync that fails on a commit is otherwise never retried for that commit.
const RETRY: SyncPolicy['retry'] = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };

// Since Argo CD 1.8 an Application's health is not computed for its parent, so sync waves in an
// app-of-apps would not wait for a child to be Healthy. This restores it (Argo CD docs, "App of Apps").
const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * @param extra Argo CD objects other features add to this cluster's config (the pull request
 *   preview ApplicationSet on the cluster that hosts previews).
 */
export function argocd(env: Environment, components: Component[], facts: PlatformFacts, extra: Resource[] = []): Component {
  const repoURL = env.gitops.repoURL;
  const org = env.gitops.githubOrg ?? githubOwnerOf(repoURL);
  const renderedPath = (component: string) => `rendered/${env.name}/${component}`;
  const upstreamRepos = [...new Set(components.flatMap((c) => (c.upstream ?? []).map((u) => u.repoURL)))].sort();

  const projects = [
    // Cluster components: may manage cluster-scoped objects (CRDs, RBAC, StorageClasses).
    new AppProject({
      metadata: { name: 'platform', namespace: ARGOCD_NAMESPACE },
      spec: {
        sourceRepos: [repoURL, ARGOCD_REPO, ...upstreamRepos.filter((r) => r !== ARGOCD_REPO)],
        destinations: [{ server: IN_CLUSTER, namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        orphanedResources: { warn: false },
      },
    }),
    // Applications: namespaced objects in their own namespaces only.
    new AppProject({
      metadata: { name: 'apps', namespace: ARGOCD_NAMESPACE },
      spec: {
        sourceRepos: [repoURL],
        destinations: components
          .filter((c) => c.layer === 'app')
          .map((c) => ({ server: IN_CLUSTER, namespace: c.namespace }))
          .filter((d, i, all) => all.findIndex((x) => x.namespace === d.namespace) === i),
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }, { group: '', kind: 'LimitRange' }],
      },
    }),
  ];

  const root = new Application({
    metadata: { name: 'root', namespace: ARGOCD_NAMESPACE },
    spec: {
      project: 'platform',
      source: { repoURL, targetRevision: env.gitops.targetRevision, path: renderedPath('argocd') },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      // No resources finalizer: deleting the root must never cascade into the whole cluster.
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
    },
  });

  // Argo CD's own install and settings sync first (it is already running: the bootstrap applied
  // it). argocd-cm carries the Application health check that makes the waves below wait.
  const firstWave = Math.min(...components.map((c) => c.syncWave));
  const first = { 'argocd.argoproj.io/sync-wave': String(firstWave - 1) };
  const settings = [
    new ConfigMap({
      metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE, labels: partOfArgo('argocd-cm'), annotations: first },
      data: {
        url: `https://${env.gitops.argocdHost}`,
        'application.resourceTrackingMethod': 'annotation',
        'timeout.reconciliation': '180s',
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
        // The UI is public: no local password to guess. People sign in with GitHub through Dex;
        // break-glass is `argocd --core` with a kubeconfig (docs/delivery.md, "Signing in to Argo CD").
        'admin.enabled': 'false',
        'dex.config': dexConfig(org),
        'statusbadge.enabled': 'false',
      },
    }),
    new ConfigMap({
      metadata: { name: 'argocd-cmd-params-cm', namespace: ARGOCD_NAMESPACE, labels: partOfArgo('argocd-cmd-params-cm'), annotations: first },
      // TLS ends at Traefik; argocd-server speaks plain HTTP inside the cluster.
      data: { 'server.insecure': 'true' },
    }),
    new ConfigMap({
      metadata: { name: 'argocd-rbac-cm', namespace: ARGOCD_NAMESPACE, labels: partOfArgo('argocd-rbac-cm'), annotations: first },
      data: { 'policy.default': 'role:readonly', 'policy.csv': `g, ${org}:${ADMIN_TEAM}, role:admin\n`, scopes: '[groups]' },
    }),
  ];

  // Argo CD reads argocd-cmd-params-cm only at start: a checksum of it on the pod templates
  // rolls the components when it changes (e.g. server.insecure taking effect after bootstrap).
  const paramsChecksum = checksum(settings[1]!.data ?? {});
  const install = upstreamApplication(
    { name: 'argocd', namespace: ARGOCD_NAMESPACE, layer: 'platform', syncWave: firstWave, resources: [] },
    {
      label: 'install',
      repoURL: ARGOCD_REPO,
      targetRevision: pinnedRelease(argocdRelease, env.platform.argocd, env.name),
      path: 'manifests/cluster-install',
      kustomize: true,
      serverSideApply: true,
    },
    {
      patches: [
        ...OWNED_CONFIGMAPS.map((name) => ({
          target: { kind: 'ConfigMap', name },
          patch: `$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`,
        })),
        ...PARAMS_READERS.map(({ kind, name }) => ({
          target: { kind, name },
          patch: `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  template:\n    metadata:\n      annotations:\n        checksum/argocd-cmd-params-cm: ${paramsChecksum}\n`,
        })),
      ],
    },
  );

  const children: Resource[] = [];
  for (const component of components) {
    for (const upstream of component.upstream ?? []) children.push(upstreamApplication(component, upstream));
    children.push(componentApplication(env, component, renderedPath(component.name)));
  }


  // The route's CRD arrives with Traefik, which this same root Application deploys: apply it
  // after every platform component is healthy, and let the dry run skip the kind until then.
  const afterPlatform = Math.max(...components.filter((c) => c.layer === 'platform').map((c) => c.syncWave)) + 1;
  const ui = new IngressRoute({
    metadata: {
      name: 'argocd-server',
      namespace: ARGOCD_NAMESPACE,
      annotations: {
        'argocd.argoproj.io/sync-wave': String(afterPlatform),
        'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
      },
    },
    spec: {
      entryPoints: [facts.ingress.entryPoints.websecure],
      routes: [
        {
          kind: 'Rule',
          match: `Host(\`${env.gitops.argocdHost}\`)`,
          services: [{ name: 'argocd-server', port: 80 }],
        },
      ],
      tls: { certResolver: facts.ingress.certResolver },
    },
  });

  return {
    name: 'argocd',
    namespace: ARGOCD_NAMESPACE,
    layer: 'platform',
    syncWave: -50,
    resources: [...projects, root, install, ...settings, ui, ...children, ...extra],
    // Created by the upstream install, referenced by the UI route; and the Secrets Argo CD makes
    // for itself (listed in the secret inventory, never sealed here).
    runtimeObjects: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'argocd-server', namespace: ARGOCD_NAMESPACE }, spec: { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] } },
      argocdSecret('argocd-secret', "Argo CD's install (argocd-server fills in its server.secretkey)"),
      argocdSecret('argocd-initial-admin-secret', 'argocd-server at its first start (the admin password: change it, then delete this Secret)'),
      argocdSecret('argocd-redis', "the install's argocd-redis-secret-init Job"),
    ],
  };
}

function argocdSecret(name: string, providedBy: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ARGOCD_NAMESPACE, annotations: { [PROVIDED_BY_ANNOTATION]: providedBy } } };
}

/** The GitHub organisation (or user) owning the repository, from its URL. */
function githubOwnerOf(repoURL: string): string {
  const m = /^https:\/\/github\.com\/([^/]+)\//.exec(repoURL);
  if (!m) throw new RenderError({ field: 'gitops.repoURL' }, `Argo CD signs people in with GitHub: the repository must be on github.com, got "${repoURL}" (or name the organisation in gitops.githubOrg)`);
  return m[1];
}

/** Dex with the GitHub connector: members of the organisation may sign in; groups are `<org>:<team>`. */
function dexConfig(org: string): string {
  return [
    'connectors:',
    '  - type: github',
    '    id: github',
    '    name: GitHub',
    '    config:',
    `      clientID: $${DEX_GITHUB_SECRET}:clientID`,
    `      clientSecret: $${DEX_GITHUB_SECRET}:clientSecret`,
    '      orgs:',
    `        - name: ${org}`,
    '',
  ].join('\n');
}

function checksum(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

function partOfArgo(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'argocd' };
}

function componentApplication(env: Environment, c: Component, path: string): Application {
  const ownsNamespace = c.resources.some((r) => (r as { kind?: string }).kind === 'Namespace');
  const syncOptions = [
    ...(ownsNamespace ? [] : ['CreateNamespace=true']),
    'PruneLast=true',
    ...(c.ignoreDifferences?.length ? ['RespectIgnoreDifferences=true'] : []),
  ];
  return new Application({
    metadata: {
      name: c.name,
      namespace: ARGOCD_NAMESPACE,
      annotations: { 'argocd.argoproj.io/sync-wave': String(c.syncWave) },
      labels: { 'app.kubernetes.io/part-of': 'root', 'gitops/layer': c.layer },
      // Deleting the Application deletes what it deployed (PVCs carry Delete=false and survive).
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: c.layer === 'app' ? 'apps' : 'platform',
      source: { repoURL: env.gitops.repoURL, targetRevision: env.gitops.targetRevision, path },
      destination: { server: IN_CLUSTER, namespace: c.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY, syncOptions },
      ...(c.ignoreDifferences?.length ? { ignoreDifferences: c.ignoreDifferences.map(ignore) } : {}),
    },
  });
}

type KustomizeOptions = NonNullable<NonNullable<ApplicationSpec['source']>['kustomize']>;

function upstreamApplication(c: Component, u: UpstreamSource, kustomize?: KustomizeOptions): Application {
  const source: NonNullable<ApplicationSpec['source']> = { repoURL: u.repoURL, targetRevision: u.targetRevision };
  if (u.path !== undefined) source.path = u.path;
  if (u.chart !== undefined) {
    source.chart = u.chart;
    source.helm = { releaseName: u.chart, ...(u.skipCrds ? { skipCrds: true } : {}), ...(u.helmValues ? { valuesObject: u.helmValues } : {}) };
  }
  if (u.include !== undefined) source.directory = { include: u.include };
  if (kustomize) source.kustomize = kustomize;
  const syncOptions = [
    'CreateNamespace=true',
    ...(u.serverSideApply ? ['ServerSideApply=true'] : []),
    ...(u.ignoreDifferences?.length ? ['RespectIgnoreDifferences=true'] : []),
  ];
  // CRDs and installs come first: one wave before the component that needs them.
  const crdsOnly = u.label === 'crds';
  return new Application({
    metadata: {
      name: `${c.name}-${u.label}`,
      namespace: ARGOCD_NAMESPACE,
      annotations: { 'argocd.argoproj.io/sync-wave': String(c.syncWave - 1) },
      labels: { 'app.kubernetes.io/part-of': 'root', 'gitops/layer': 'upstream' },
    },
    spec: {
      project: 'platform',
      source,
      destination: { server: IN_CLUSTER, namespace: u.namespace ?? c.namespace },
      syncPolicy: {
        // Pruning a CRD deletes every object of its kind: CRDs are never pruned automatically.
        automated: { prune: !crdsOnly, selfHeal: true },
        retry: RETRY,
        syncOptions,
      },
      ...(u.ignoreDifferences?.length ? { ignoreDifferences: u.ignoreDifferences.map(ignore) } : {}),
    },
  });
}

function ignore(d: IgnoreDifference): NonNullable<ApplicationSpec['ignoreDifferences']>[number] {
  return { ...d };
}
