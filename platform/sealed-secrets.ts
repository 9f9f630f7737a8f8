// Bitnami Sealed Secrets: the controller that turns committed SealedSecrets (encrypted with its
// public key by `kubeseal`) into Secrets. Objects follow upstream controller.yaml (controller.jsonnet
// + controller-norbac.jsonnet) of release 0.36.1, moved from kube-system into its own namespace;
// the CRD is synced from the pinned release's tag. Operators: docs/secrets.md.
import type { MetricsFacts } from './facts.ts';
import { ClusterRole, ClusterRoleBinding, Deployment, Namespace, Role, RoleBinding, SealedSecret, Service, ServiceAccount, type NetworkPolicy } from './kinds.ts';
import type { ClusterFacts, PlatformVersions } from '../environments/types.ts';
import type { SealedEntry } from '../environments/sealed.ts';
import { PROVIDED_BY_ANNOTATION, type Component, type UpstreamSource } from '../render/types.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';
import { fromApiServer, fromScraper, namespaceBaseline, tcp, toApiServer, workloadPolicy } from './network-policies.ts';

/** The releases this model was written for: 0.36.1's controller.yaml and its patches. Images are tagged without `v`. */
export const sealedSecretsRelease = {
  pin: 'sealed-secrets',
  component: 'sealed-secrets',
  supported: '>=0.36.1 <0.37.0',
  prefix: '',
} as const satisfies ReleaseLine;

export type SealedSecretsVersions = Pick<PlatformVersions, 'sealed-secrets'>;
export const sealedSecretsNamespace = 'sealed-secrets';
/** kubeseal's default `--controller-name`; the namespace must be passed (`--controller-namespace`). */
export const sealedSecretsControllerName = 'sealed-secrets-controller';
/**
 * The operator's sealing key pair (whose certificate is environments/<env>.sealing-cert.pem),
 * installed by the bootstrap in the controller's namespace before the controller starts.
 */
export const sealingKeySecretName = 'sealed-secrets-bootstrap-key';

/** The CRD from the release's git tag, which is the image tag with a `v`. */
export const sealedSecretsCrd = (version: string): UpstreamSource => ({
  label: 'crds',
  repoURL: 'https://github.com/bitnami-labs/sealed-secrets',
  targetRevision: `v${version}`,
  path: 'helm/sealed-secrets/crds',
  include: 'bitnami.com_sealedsecrets.yaml',
  crdGroups: ['bitnami.com'],
});

export function sealedSecrets(versions: SealedSecretsVersions): Component {
  const version = pinnedRelease(sealedSecretsRelease, versions['sealed-secrets']);
  const namespace = sealedSecretsNamespace;
  const name = sealedSecretsControllerName;
  const labels = { name };
  const sa = { kind: 'ServiceAccount', name, namespace };
  const resources = [
    new Namespace({ metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }),
    new ServiceAccount({ metadata: { name, namespace, labels } }),
    // Cluster-wide: SealedSecrets may live in any namespace, and so do the Secrets it writes.
    new ClusterRole({
      metadata: { name: 'secrets-unsealer', labels },
      rules: [
        { apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['bitnami.com'], resources: ['sealedsecrets/status'], verbs: ['update'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
      ],
    }),
    new ClusterRoleBinding({
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secrets-unsealer' },
      subjects: [sa],
    }),
    // The sealing key pairs: Secrets created on the fly in the controller's namespace.
    new Role({
      metadata: { name: 'sealed-secrets-key-admin', namespace, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'list'] }],
    }),
    new RoleBinding({
      metadata: { name, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sealed-secrets-key-admin' },
      subjects: [sa],
    }),
    // `kubeseal --fetch-cert` / `--validate` / `--re-encrypt` reach the controller through the API
    // server's service proxy: any authenticated user may use exactly this Service's proxy.
    new Role({
      metadata: { name: 'sealed-secrets-service-proxier', namespace, labels },
      rules: [
        { apiGroups: [''], resources: ['services'], resourceNames: [name], verbs: ['get'] },
        { apiGroups: [''], resources: ['services/proxy'], resourceNames: [`http:${name}:`, `http:${name}:http`, name], verbs: ['create', 'get'] },
      ],
    }),
    new RoleBinding({
      metadata: { name: 'sealed-secrets-service-proxier', namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sealed-secrets-service-proxier' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
    }),
    new Deployment({
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 10,
        minReadySeconds: 30,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name,
                image: `docker.io/bitnami/sealed-secrets-controller:${version}`,
                imagePullPolicy: 'IfNotPresent',
                command: ['controller'],
                // Upstream defaults: key prefix `sealed-secrets-key`, a new sealing key every 30 days, status updates on.
                ports: [
                  { name: 'http', containerPort: 8080 },
                  { name: 'metrics', containerPort: 8081 },
                ],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
                // Upstream sets no resources; these fit one controller watching a small cluster.
                resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    }),
    new Service({
      metadata: { name, namespace, labels },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    }),
    new Service({
      metadata: { name: `${name}-metrics`, namespace, labels },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'metrics', port: 8081, targetPort: 'metrics', protocol: 'TCP' }] },
    }),
  ];
  // Right after the CNI (-30; the CRD one wave before this): every later component may read a
  // sealed value — Traefik's dashboard htpasswd (-10), Velero's store credentials (-5), the alert
  // webhook (-3), the apps (0) — and the controller itself needs nothing but the API server.
  const key = { apiVersion: 'v1', kind: 'Secret', metadata: { name: sealingKeySecretName, namespace, annotations: { [PROVIDED_BY_ANNOTATION]: 'npm run bootstrap (--sealing-key: the operator-held key pair)' } } };
  return { name: 'sealed-secrets', namespace, layer: 'platform', syncWave: -27, resources, upstream: [sealedSecretsCrd(version)], runtimeObjects: [key] };
}

/** The annotations that tell the controller a ciphertext was sealed with a wider scope than strict. */
const SCOPE_ANNOTATIONS: Record<SealedEntry['scope'], Record<string, string>> = {
  strict: {},
  'namespace-wide': { 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
  'cluster-wide': { 'sealedsecrets.bitnami.com/cluster-wide': 'true' },
};

/**
 * The SealedSecret the controller turns into Secret `namespace/name` (type Opaque). `partOf`
 * labels both with the component that first reads it.
 */
export function sealedSecret(namespace: string, name: string, entry: SealedEntry, partOf: string): SealedSecret {
  const labels = { 'app.kubernetes.io/part-of': partOf };
  const annotations = SCOPE_ANNOTATIONS[entry.scope];
  const withAnnotations = Object.keys(annotations).length ? { annotations } : {};
  return new SealedSecret({
    metadata: { name, namespace, labels, ...withAnnotations },
    spec: {
      encryptedData: Object.fromEntries(Object.keys(entry.encryptedData).sort().map((k) => [k, entry.encryptedData[k]!])),
      template: { metadata: { name, namespace, labels, ...withAnnotations }, type: 'Opaque' },
    },
  });
}

/**
 * The controller watches SealedSecrets and writes Secrets through the API server; `kubeseal
 * --fetch-cert` reaches its http port through the API server's service proxy.
 */
export function sealedSecretsNetworkPolicies(cluster: ClusterFacts, scraper?: MetricsFacts): NetworkPolicy[] {
  return [
    ...namespaceBaseline(),
    workloadPolicy(sealedSecretsControllerName, { name: sealedSecretsControllerName }, {
      ingress: [{ from: fromApiServer(cluster), ports: tcp(8080) }, ...fromScraper(scraper, 8081)],
      egress: toApiServer(cluster),
    }),
  ];
}
