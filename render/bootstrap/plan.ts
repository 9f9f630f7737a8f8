// The bootstrap of a fresh cluster as data: ordered steps of kubectl calls built from the
// rendered objects of one environment. Nothing here runs anything (see run.ts); `--dry-run`
// prints exactly these calls.
//
// Why each step is there, in order:
//   preflight  the cluster answers (read only).
//   namespaces every namespace the next steps write into, before anything namespaced in it
//              (`kubectl apply -f rendered/<env>/flannel/` took files alphabetically: the
//              ConfigMap before its Namespace, NotFound).
//   cni        flannel, so nodes become Ready and pods get addresses.
//   argocd     the upstream install at the environment's pinned tag, the settings owned here.
//   sealed-secrets  the operator's sealing key first, then the CRD and the controller: values
//              sealed before the cluster existed decrypt on its first start.
//   root       the AppProjects and the root app-of-apps: Argo CD takes over from here.
//
// Every write is a server-side apply (`--server-side --force-conflicts`): Argo CD's CRDs are too
// large for client-side apply's last-applied annotation, and re-running after Argo CD took over
// must not fail on fields its controller now also manages — the values come from the same
// rendered files, so forcing moves ownership, never a value. Two field managers: the upstream
// installs and this repository's objects both describe argocd-cm & co.; with one manager,
// re-applying upstream's empty copy would drop the settings for a moment. With two, each apply
// re-states only its own fields, so a second run changes nothing.
import { ARGOCD_NAMESPACE as ARGOCD, PARAMS_READERS } from '../../platform/argocd.ts';
import type { BuiltEnvironment, RenderedObject } from '../build.ts';
import { objectId } from '../build.ts';
import { isClusterScoped } from '../scope.ts';
import { RenderError, type KubeObject } from '../types.ts';

export const FIELD_MANAGER = 'gitops-bootstrap';
export const UPSTREAM_FIELD_MANAGER = 'gitops-bootstrap-upstream';
/** Components the bootstrap installs itself before Argo CD exists. */
export const BOOTSTRAP_COMPONENTS = { cni: 'flannel', argocd: 'argocd', sealedSecrets: 'sealed-secrets' } as const;
const ARGOCD_CRDS = ['applications.argoproj.io', 'applicationsets.argoproj.io', 'appprojects.argoproj.io'];
const SEALED_SECRETS_CRD = 'sealedsecrets.bitnami.com';
/** The label the controller finds its key pairs by (Sealed Secrets' bring-your-own-certificate). */
export const SEALING_KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key';
import { sealingKeySecretName } from '../../platform/sealed-secrets.ts';
export const SEALING_KEY_SECRET = sealingKeySecretName;

/** What a call reads on stdin: rendered objects (listed by path in the plan) or the sealing key. */
export type Stdin =
  | { kind: 'objects'; objects: Array<{ path: string; object: KubeObject }> }
  | { kind: 'sealing-key'; namespace: string; name: string };

export interface KubectlCall {
  /** Arguments after `kubectl [--context <ctx>]`. */
  args: string[];
  stdin?: Stdin;
  /** A read whose failure is reported, not fatal (the preflight). */
  optional?: boolean;
}

export interface Step {
  name: string;
  title: string;
  calls: KubectlCall[];
}

export interface PlanOptions {
  /** Seconds each wait may take. */
  timeoutSeconds: number;
  /** The operator passed a sealing key (required when the environment commits a sealing cert). */
  sealingKey: 'given' | 'none';
}

// Kinds in the order a namespace's objects can be created without dangling references.
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'ServiceAccount', 'Secret', 'ConfigMap',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Deployment', 'StatefulSet',
  'AppProject', 'Application',
];
const ROLLOUT_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

export function planBootstrap(built: BuiltEnvironment, options: PlanOptions): Step[] {
  const env = built.env.name;
  const timeout = `--timeout=${options.timeoutSeconds}s`;
  const of = (component: string): RenderedObject[] => {
    const objects = built.objects.filter((o) => o.component === component);
    if (objects.length === 0) throw new RenderError({ env, component }, `the bootstrap needs component "${component}", which this environment does not render`);
    return objects;
  };
  const cni = of(BOOTSTRAP_COMPONENTS.cni);
  const argo = of(BOOTSTRAP_COMPONENTS.argocd);
  const sealed = of(BOOTSTRAP_COMPONENTS.sealedSecrets);
  const file = (o: RenderedObject) => ({ path: o.path.startsWith('(') ? o.path : `rendered/${env}/${o.path}`, object: o.object });

  const argocdNamespace: RenderedObject = {
    env,
    component: BOOTSTRAP_COMPONENTS.argocd,
    path: '(made by the bootstrap) Namespace/argocd',
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD } },
  };
  const namespaces = [...cni, ...sealed].filter((o) => o.object.kind === 'Namespace');
  const written = new Set([...cni, ...sealed].map((o) => o.object.metadata.namespace).filter((n): n is string => n !== undefined));
  for (const ns of written) {
    if (!namespaces.some((o) => o.object.metadata.name === ns)) {
      throw new RenderError({ env, resource: `Namespace/${ns}` }, 'the bootstrap writes into this namespace but no component renders it');
    }
  }

  const installApp = application(argo, 'argocd-install', env);
  const crdApp = application(argo, `${BOOTSTRAP_COMPONENTS.sealedSecrets}-crds`, env);
  const settings = argo.filter((o) => o.object.kind === 'ConfigMap');
  const root = argo.filter((o) => o.object.kind === 'AppProject' || (o.object.kind === 'Application' && o.object.metadata.name === 'root'));
  if (!root.some((o) => o.object.kind === 'Application')) throw new RenderError({ env, component: 'argocd', resource: 'Application/argocd/root' }, 'no root Application is rendered');

  const apply = (objects: RenderedObject[]): KubectlCall => ({
    args: ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-f', '-'],
    stdin: { kind: 'objects', objects: ordered(objects).map(file) },
  });
  const applyUpstream = (how: '-k' | '-f', url: string, namespace?: string): KubectlCall => ({
    args: ['apply', '--server-side', `--field-manager=${UPSTREAM_FIELD_MANAGER}`, '--force-conflicts', ...(namespace ? ['-n', namespace] : []), how, url],
  });
  const rollouts = (objects: RenderedObject[]): KubectlCall[] =>
    ordered(objects)
      .filter((o) => ROLLOUT_KINDS.has(o.object.kind))
      .map((o) => ({ args: ['-n', o.object.metadata.namespace!, 'rollout', 'status', `${o.object.kind.toLowerCase()}/${o.object.metadata.name}`, timeout] }));
  const established = (crds: string[]): KubectlCall => ({
    args: ['wait', '--for', 'condition=established', timeout, ...crds.map((c) => `crd/${c}`)],
  });
  const withoutNamespaces = (objects: RenderedObject[]) => objects.filter((o) => o.object.kind !== 'Namespace');

  const sealedNamespace = sealed.find((o) => o.object.kind === 'Namespace')!.object.metadata.name;
  const keyCalls: KubectlCall[] =
    options.sealingKey === 'given'
      ? [{ args: ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-f', '-'], stdin: { kind: 'sealing-key', namespace: sealedNamespace, name: SEALING_KEY_SECRET } }]
      : [];

  return [
    { name: 'preflight', title: 'the cluster answers and lists its nodes', calls: [{ args: ['get', 'nodes', '-o', 'name'], optional: true }] },
    {
      name: 'namespaces',
      title: `the namespaces the next steps write into (${[...namespaces.map((o) => o.object.metadata.name), ARGOCD].join(', ')})`,
      calls: [apply([...namespaces, argocdNamespace])],
    },
    {
      name: 'cni',
      title: 'flannel, the pod network; then every node Ready',
      calls: [apply(withoutNamespaces(cni)), ...rollouts(cni), { args: ['wait', '--for=condition=Ready', 'node', '--all', timeout] }],
    },
    {
      name: 'argocd',
      title: `Argo CD ${installApp.source.targetRevision} (upstream install) and the settings owned here`,
      calls: [
        applyUpstream('-k', kustomizeUrl(installApp.source, env), ARGOCD),
        established(ARGOCD_CRDS),
        apply(settings),
        ...PARAMS_READERS.map(({ kind, name }) => ({ args: ['-n', ARGOCD, 'rollout', 'status', `${kind.toLowerCase()}/${name}`, timeout] })),
      ],
    },
    {
      name: 'sealed-secrets',
      title: options.sealingKey === 'given'
        ? 'the sealing key (before the controller starts), the SealedSecret CRD and the controller'
        : 'the SealedSecret CRD and the controller (no --sealing-key: it generates its own key)',
      calls: [
        ...keyCalls,
        // A CRD: cluster-scoped, no namespace.
        applyUpstream('-f', rawFileUrl(crdApp.source, env)),
        established([SEALED_SECRETS_CRD]),
        apply(withoutNamespaces(sealed)),
        ...rollouts(sealed),
      ],
    },
    { name: 'root', title: 'the AppProjects and the root app-of-apps: Argo CD takes over', calls: [apply(root)] },
  ];
}

/** Objects in creation order: cluster-scoped first within a kind, then by kind, then by name. */
function ordered(objects: RenderedObject[]): RenderedObject[] {
  const rank = (kind: string) => {
    const i = KIND_ORDER.indexOf(kind);
    return i === -1 ? KIND_ORDER.indexOf('Service') : i;
  };
  return [...objects].sort((a, b) => {
    const r = rank(a.object.kind) - rank(b.object.kind);
    if (r !== 0) return r;
    const scope = Number(!isClusterScoped(a.object.kind)) - Number(!isClusterScoped(b.object.kind));
    if (scope !== 0) return scope;
    return objectId(a.object) < objectId(b.object) ? -1 : objectId(a.object) > objectId(b.object) ? 1 : 0;
  });
}

interface GitSource {
  repoURL: string;
  targetRevision: string;
  path?: string;
  directory?: { include?: string };
}

function application(objects: RenderedObject[], name: string, env: string): { source: GitSource } {
  const app = objects.find((o) => o.object.kind === 'Application' && o.object.metadata.name === name);
  const source = (app?.object.spec as { source?: GitSource } | undefined)?.source;
  if (!source?.repoURL || !source.targetRevision) throw new RenderError({ env, component: 'argocd', resource: `Application/argocd/${name}` }, 'the bootstrap reads its upstream source from this Application, which is not rendered');
  return { source };
}

const GITHUB = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/;

/** The same pinned kustomization the Application syncs, as a kubectl remote target. */
function kustomizeUrl(source: GitSource, env: string): string {
  const m = GITHUB.exec(source.repoURL);
  if (!m || !source.path) throw new RenderError({ env, component: 'argocd', field: 'spec.source' }, `cannot bootstrap from ${source.repoURL} (a GitHub repository path is expected)`);
  return `https://github.com/${m[1]}/${m[2]}/${source.path}?ref=${source.targetRevision}`;
}

/** One pinned file of a GitHub repository (an Application with `directory.include` of one file). */
function rawFileUrl(source: GitSource, env: string): string {
  const m = GITHUB.exec(source.repoURL);
  const include = source.directory?.include;
  if (!m || !source.path || !include || /[*{,]/.test(include)) {
    throw new RenderError({ env, component: 'argocd', field: 'spec.source' }, `cannot bootstrap from ${source.repoURL} (one file of a GitHub repository is expected)`);
  }
  return `https://raw.githubusercontent.com/${m[1]}/${m[2]}/${source.targetRevision}/${source.path}/${include}`;
}
