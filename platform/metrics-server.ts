// metrics-server, the provider of the resource metrics API (metrics.k8s.io) that every HPA on
// CPU or memory reads: as upstream ships it in the release's components.yaml (written against
// v0.8.1; the environment pins the release, see `metricsServerRelease`). Without it an HPA
// reports FailedGetResourceMetric and never scales; validation refuses such an HPA
// (`ref/metrics-api`), and the Application syncs in a wave before every app's.
//
// Kubelet TLS. metrics-server scrapes every kubelet on :10250 over HTTPS. kubeadm's kubelets
// serve a certificate they signed themselves, which nothing can verify. The choice is the
// cluster's, recorded as the fact `cluster.kubeletServingCerts`:
// - `cluster-ca` (prod): kubelets run with `serverTLSBootstrap: true` and their serving CSRs are
//   approved, so the certificate chains to the cluster CA that metrics-server already trusts
//   (its service account's ca.crt). Nothing to add; a forged kubelet cannot feed the HPAs nor
//   receive metrics-server's token. Costs one approval per node and per renewal.
// - `self-signed` (the lab, kubeadm's default): `--kubelet-insecure-tls`, upstream's documented
//   escape hatch. Anyone able to answer on a node's IP could then see metrics-server's bearer
//   token (read-only on pods, nodes, nodes/metrics) and fake usage figures; acceptable on the
//   lab's isolated Hyper-V switch, not on a shared network.
// The API server → metrics-server leg keeps upstream's `insecureSkipTLSVerify` APIService: the
// server's certificate is self-generated in /tmp at every start, and callers are authenticated by
// the front-proxy client certificate (RoleBinding to extension-apiserver-authentication-reader).
import { APIService, ClusterRole, ClusterRoleBinding, Deployment, NetworkPolicy, RoleBinding, Service, ServiceAccount } from './kinds.ts';
import type { ClusterFacts, PlatformVersions } from '../environments/types.ts';
import { RenderError, type Component } from '../render/types.ts';
import type { MetricsApiFacts } from './facts.ts';
import { fromApiServer, toApiServer, toKubelets } from './network-policies.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';

/** The releases this model was written for: v0.8.1 (its args, RBAC, probes) and its patches. */
export const metricsServerRelease = {
  pin: 'metrics-server',
  component: 'metrics-server',
  supported: '>=0.8.1 <0.9.0',
  prefix: 'v',
} as const satisfies ReleaseLine;

/** metrics-server 0.8.x serves Kubernetes 1.31 and later (upstream compatibility matrix). */
const MIN_KUBERNETES = { major: 1, minor: 31 };

export type MetricsServerVersions = Pick<PlatformVersions, 'metrics-server'>;

export const metricsServerImage = (versions: MetricsServerVersions): string =>
  `registry.k8s.io/metrics-server/metrics-server:${pinnedRelease(metricsServerRelease, versions['metrics-server'])}`;

/** Upstream installs it next to the control plane; its auth-reader RoleBinding must live there anyway. */
export const metricsServerNamespace = 'kube-system';
const name = 'metrics-server';
/** Upstream's secure port: the kubelet's too, but metrics-server is not on the host network. */
const securePort = 10250;
const labels = { 'k8s-app': name };

/** The flags of upstream's Deployment, plus the kubelet-TLS choice of the cluster. */
export function metricsServerArgs(cluster: Pick<ClusterFacts, 'kubeletServingCerts'>): string[] {
  return [
    '--cert-dir=/tmp',
    `--secure-port=${securePort}`,
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    '--kubelet-use-node-status-port',
    '--metric-resolution=15s',
    ...(cluster.kubeletServingCerts === 'self-signed' ? ['--kubelet-insecure-tls'] : []),
  ];
}

export interface MetricsServer {
  component: Component;
  /** What the HPAs of the cluster depend on. */
  facts: MetricsApiFacts;
}

export function metricsServer(cluster: ClusterFacts, versions: MetricsServerVersions): MetricsServer {
  const [major, minor] = cluster.kubernetesVersion.split('.').map(Number) as [number, number];
  if (major < MIN_KUBERNETES.major || (major === MIN_KUBERNETES.major && minor < MIN_KUBERNETES.minor)) {
    throw new RenderError(
      { component: name, field: 'cluster.kubernetesVersion' },
      `metrics-server ${versions['metrics-server']} needs Kubernetes ${MIN_KUBERNETES.major}.${MIN_KUBERNETES.minor} or later (the cluster runs ${cluster.kubernetesVersion})`,
    );
  }
  const namespace = metricsServerNamespace;
  const meta = (objectName: string) => ({ name: objectName, labels });
  const subject = { kind: 'ServiceAccount', name, namespace };
  const apiService = new APIService({
    metadata: meta('v1beta1.metrics.k8s.io'),
    spec: {
      service: { name, namespace },
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });

  const resources = [
    new ServiceAccount({ metadata: { ...meta(name), namespace } }),
    // Lets view/edit/admin users run `kubectl top`.
    new ClusterRole({
      metadata: {
        name: 'system:aggregated-metrics-reader',
        labels: {
          ...labels,
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        },
      },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    }),
    new ClusterRole({
      metadata: meta('system:metrics-server'),
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    }),
    // Reads the front-proxy CA (configmap extension-apiserver-authentication) to authenticate the API server.
    new RoleBinding({
      metadata: { ...meta('metrics-server-auth-reader'), namespace: 'kube-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [subject],
    }),
    new ClusterRoleBinding({
      metadata: meta('metrics-server:system:auth-delegator'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [subject],
    }),
    new ClusterRoleBinding({
      metadata: meta('system:metrics-server'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:metrics-server' },
      subjects: [subject],
    }),
    new Service({
      metadata: { ...meta(name), namespace },
      spec: {
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', appProtocol: 'https' }],
        selector: labels,
      },
    }),
    new Deployment({
      metadata: {
        ...meta(name),
        namespace,
        annotations: {
          'validation.gitops/opt-out':
            'policy/resources=upstream requests 100m/200Mi (sized for up to 100 nodes) and sets no limit: an OOM-killed metrics-server stops every HPA, so no memory limit, as upstream',
        },
      },
      spec: {
        selector: { matchLabels: labels },
        // The metrics API must not go away during a rollout: the new pod is ready first.
        strategy: { rollingUpdate: { maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            // Mounted at /tmp: the image is distroless and the root filesystem read-only.
            volumes: [{ name: 'tmp-dir', emptyDir: {} }],
            priorityClassName: 'system-cluster-critical',
            containers: [
              {
                name,
                image: metricsServerImage(versions),
                imagePullPolicy: 'IfNotPresent',
                args: metricsServerArgs(cluster),
                resources: { requests: { cpu: '100m', memory: '200Mi' } },
                ports: [{ name: 'https', containerPort: securePort, protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 10,
                  failureThreshold: 3,
                  initialDelaySeconds: 20,
                },
                livenessProbe: {
                  httpGet: { path: '/livez', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                securityContext: {
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  runAsUser: 1000,
                  allowPrivilegeEscalation: false,
                  seccompProfile: { type: 'RuntimeDefault' },
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp-dir', mountPath: '/tmp' }],
              },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
          },
        },
      },
    }),
    apiService,
    metricsServerPolicy(cluster),
  ];

  return {
    // After the pod network (flannel, -30), before everything that may hold an HPA.
    component: { name, namespace, layer: 'platform', syncWave: -25, resources },
    facts: { apiService: apiService.metadata!.name!, group: 'metrics.k8s.io', syncWave: -25 },
  };
}

/**
 * kube-system holds CoreDNS, kube-proxy and the control plane: a namespace-wide default deny
 * would cut them off, so only metrics-server's pods are isolated, with exactly what they use.
 * No DNS: kubelets are dialled by IP and the API server through KUBERNETES_SERVICE_HOST.
 */
function metricsServerPolicy(cluster: ClusterFacts): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress', 'Egress'],
      // The API server proxies metrics.k8s.io requests to the pod's secure port.
      ingress: [{ from: fromApiServer(cluster), ports: [{ protocol: 'TCP', port: securePort }] }],
      // Scrapes each kubelet at its InternalIP; watches nodes and pods.
      egress: [toKubelets(cluster), ...toApiServer(cluster)],
    },
  });
}

/**
 * Every component holding an HPA syncs after the metrics API's provider: an HPA applied first
 * reports FailedGetResourceMetric until metrics-server is Ready.
 */
export function checkMetricsWaves(components: readonly Component[], metricsApi: MetricsApiFacts): void {
  for (const c of components) {
    const hpa = c.resources.find((r) => (r as { kind?: string }).kind === 'HorizontalPodAutoscaler');
    if (hpa && c.syncWave <= metricsApi.syncWave) {
      const hpaName = (hpa as { metadata?: { name?: string } }).metadata?.name ?? '<unnamed>';
      throw new RenderError(
        { component: c.name, resource: `HorizontalPodAutoscaler/${c.namespace}/${hpaName}` },
        `sync wave ${c.syncWave} is not after the metrics API's (${metricsApi.apiService}, wave ${metricsApi.syncWave}): the HPA would be applied before anything serves its metrics`,
      );
    }
  }
}
