// A small, clean bundle (an app "web" with everything wired) that every rule test mutates:
// one defect per failing case, a near-identical control that must pass.
import type { KubeObject } from '../../render/types.ts';
import { validateBundle, type Finding, type ValidateOptions } from '../../render/validate/index.ts';
import { parseYamlSource } from '../../render/validate/yaml-source.ts';

// Test fixtures are mutated freely; a loose type keeps every case one line.
export type Json = Record<string, any>;

export function cleanBundle(): Json[] {
  // One labels object shared by metadata, selector and template, as TypeScript models often do.
  const labels = { 'app.kubernetes.io/name': 'web' };
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'web' }, data: { LOG_LEVEL: 'info' } },
    {
      apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'web-db', namespace: 'web' },
      spec: { encryptedData: { password: 'AgBfakeciphertextonlyfortests==' }, template: { metadata: { name: 'web-db', namespace: 'web' } } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'web' } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'web',
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            containers: [{
              name: 'web',
              image: 'registry.example.org/web:1.2.3',
              securityContext: { readOnlyRootFilesystem: true },
              ports: [{ name: 'http', containerPort: 8080 }],
              envFrom: [{ configMapRef: { name: 'web-config' } }],
              env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { tcpSocket: { port: 8080 } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/web' }],
            }],
            volumes: [{ name: 'config', configMap: { name: 'web-config', items: [{ key: 'LOG_LEVEL', path: 'level' }] } }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'web' }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'web' },
      spec: {
        ingressClassName: 'traefik',
        tls: [{ hosts: ['web.example.org'], secretName: 'web-tls' }],
        rules: [{ host: 'web.example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }],
      },
    },
    { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: 'web-headers', namespace: 'web' }, spec: { headers: { stsSeconds: 31536000 } } },
    {
      apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'web', namespace: 'web' },
      spec: {
        entryPoints: ['websecure'],
        routes: [{ kind: 'Rule', match: 'Host(`web.example.org`)', services: [{ name: 'web', port: 80 }], middlewares: [{ name: 'web-headers' }] }],
      },
    },
    {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'web' },
      spec: { storageClassName: 'nfs-client', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: labels } } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'web' },
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }] }] },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web', namespace: 'argocd' },
      spec: {
        project: 'apps',
        source: { repoURL: 'https://git.example.org/cluster.git', targetRevision: 'main', path: 'rendered/dev/web' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
      },
    },
  ];
}

/** The metrics API the clean HPA reads (metrics-server's APIService). */
export const metricsApi: KubeObject = {
  apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.metrics.k8s.io' },
  spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { name: 'metrics-server', namespace: 'kube-system' }, groupPriorityMinimum: 100, versionPriority: 100 },
};

/** A NetworkPolicy enforcer on every node (flannel's kube-network-policies container). */
export const policyEnforcer: KubeObject = {
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-flannel-ds', namespace: 'kube-flannel' },
  spec: {
    selector: { matchLabels: { app: 'flannel' } },
    template: {
      metadata: { labels: { app: 'flannel' } },
      spec: { containers: [{ name: 'kube-network-policies', image: 'registry.k8s.io/networking/kube-network-policies:v1.0.0' }] },
    },
  },
};

export const inventory: KubeObject[] = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'traefik' } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs-client' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', namespace: 'web' } },
  metricsApi,
  policyEnforcer,
];

export const baseOptions: ValidateOptions = {
  kubeVersion: '1.33',
  inventory,
  repoPaths: new Set(['rendered/dev/web']),
  repoURL: 'https://git.example.org/cluster',
};

export function validate(objects: Json[], options: Partial<ValidateOptions> = {}): Finding[] {
  return validateBundle(objects.map((object) => ({ object: object as KubeObject })), { ...baseOptions, ...options });
}

/** The clean bundle with one change applied to the object of that kind (and name). */
export function mutate(change: (o: Json) => void, kind: string, name?: string): Json[] {
  const bundle = cleanBundle();
  const target = bundle.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!target) throw new Error(`no ${kind} in the clean bundle`);
  change(target);
  return bundle;
}

export function container(d: Json): Json {
  return d.spec.template.spec.containers[0];
}

/** Findings of YAML text run through the file reader and the validator, as the CLI does. */
export function validateYaml(text: string, options: Partial<ValidateOptions> = {}): Finding[] {
  const parsed = parseYamlSource(text, 'test.yaml');
  return [...parsed.findings, ...validateBundle(parsed.items, { ...baseOptions, ...options })];
}

export function rules(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}
