// Traefik v3.7, the cluster's only ingress: the objects chart v41.3.0 renders for one
// Deployment with the CRD and Ingress providers, modelled here so the ACME resolver, the
// MetalLB address and the storage class are typed values instead of Helm strings.
// The traefik.io CRDs are synced by Argo CD from the chart's crds/ folder at the pinned chart
// tag (`platform.traefik-chart`); the proxy image is `platform.traefik`.
import { createHash } from 'node:crypto';
import { ClusterRole, ClusterRoleBinding, ConfigMap, Deployment, IngressClass, Namespace, PersistentVolumeClaim, Service, ServiceAccount, type NetworkPolicy } from './kinds.ts';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { ClusterFacts, PlatformVersions } from '../environments/types.ts';
import { scrapeAnnotations } from './scrape.ts';
import { type Component, RenderError, type UpstreamSource } from '../render/types.ts';
import type { CaTrust } from './acme.ts';
import type { AcmeFacts, IngressFacts, StorageClassRef, MetricsFacts } from './facts.ts';
import type { LoadBalancerIp } from './metallb.ts';
import { entryPoints, traefikArgs } from './traefik-args.ts';
import { traefikClusterRules } from './traefik-rbac.ts';
import { traefikDashboard } from './traefik-dashboard.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';
import { fromScraper, inNamespace, namespaceBaseline, tcp, toApiServer, workloadPolicy } from './network-policies.ts';

export type TraefikVersions = Pick<PlatformVersions, 'traefik' | 'traefik-chart'>;

export interface TraefikInput {
  loadBalancerIp: LoadBalancerIp;
  /** acme.json lives on a PVC of this class. */
  storageClass: StorageClassRef;
  acme: AcmeFacts;
  trust?: CaTrust;
  email: string;
  dashboardHost: string;
  versions: TraefikVersions;
}

export interface Traefik {
  component: Component;
  ingress: IngressFacts;
}

/**
 * The releases this model was written for: proxy v3.7.11 (its flags and RBAC) as chart v41.3.0
 * deploys it (that chart's default proxy), and their patches.
 */
export const traefikReleases = {
  proxy: { pin: 'traefik', component: 'traefik', supported: '>=3.7.11 <3.8.0', prefix: 'v' },
  chart: { pin: 'traefik-chart', component: 'traefik', supported: '>=41.3.0 <41.4.0', prefix: 'v' },
} as const satisfies Record<string, ReleaseLine>;

export function traefikImage(version: string): string {
  return `docker.io/traefik:${version}`;
}

/**
 * The ten traefik.io/v1alpha1 CRDs of the chart at `version`.
 * Only those: the folder's kustomization would add fifteen Traefik Hub CRDs we never use.
 * Server-side apply, as upstream does: the largest CRDs are close to the annotation limit.
 */
export const traefikCrds = (version: string): UpstreamSource => ({
  label: 'crds',
  repoURL: 'https://github.com/traefik/traefik-helm-chart',
  targetRevision: version,
  path: 'traefik/crds',
  include: 'traefik.io_*.yaml',
  crdGroups: ['traefik.io'],
  serverSideApply: true,
});
export const traefikNamespace = 'traefik';
export const traefikIngressClass = 'traefik';
/** The controller value Traefik's Ingress provider claims IngressClasses by. */
const ingressController = 'traefik.io/ingress-controller';
/** The image's `nonroot` user; the chart's default too. */
const traefikUid = 65532;

const name = 'traefik';
const dataClaim = 'traefik-data';
const dataPath = '/data';
const caConfigMap = 'traefik-acme-ca';
const caMountPath = '/certs/acme-ca';

const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${traefikNamespace}` };
const labels = { ...selector, 'app.kubernetes.io/component': 'ingress' };

export function traefik(input: TraefikInput): Traefik {
  const namespace = traefikNamespace;
  checkInput(input);
  const image = traefikImage(pinnedRelease(traefikReleases.proxy, input.versions.traefik));
  const crds = traefikCrds(pinnedRelease(traefikReleases.chart, input.versions['traefik-chart']));
  const resolverName = input.acme.issuer;
  const { metrics, traefik: internal, web, websecure } = entryPoints;

  const ingressClass = new IngressClass({
    metadata: {
      name: traefikIngressClass,
      labels,
      // Ingresses without a class get this one from the API server, so Traefik (which only
      // serves its class) still sees them.
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: ingressController },
  });

  const service = new Service({
    metadata: {
      name,
      labels,
      // MetalLB ≥ 0.13 reads the wanted address from this annotation (spec.loadBalancerIP is deprecated).
      annotations: { 'metallb.io/loadBalancerIPs': input.loadBalancerIp.address },
    },
    spec: {
      type: 'LoadBalancer',
      // Keeps client source addresses (access logs, IP allow-lists) and skips a second hop.
      // With MetalLB layer 2 the address is then announced from the node running Traefik,
      // which is what one replica needs anyway; Cluster would SNAT every request.
      externalTrafficPolicy: 'Local',
      selector,
      ports: [web, websecure].map((ep) => ({ name: ep.name, port: ep.exposedPort, targetPort: ep.name, protocol: 'TCP' })),
    },
  });

  const data = new PersistentVolumeClaim({
    metadata: {
      name: dataClaim,
      labels,
      // acme.json holds the ACME account key and every issued certificate: losing it means
      // re-issuing everything (and Let's Encrypt rate limits).
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: input.storageClass.name,
      resources: { requests: { storage: '128Mi' } },
    },
  });

  const caConfig = input.trust
    ? new ConfigMap({
        // Mounted ConfigMaps cannot come from another namespace: a copy of the CA the ACME server's HTTPS uses.
        metadata: { name: caConfigMap, labels },
        data: { [input.trust.key]: input.trust.pem },
      })
    : undefined;

  const volumes: IVolume[] = [
    { name: 'data', persistentVolumeClaim: { claimName: dataClaim } },
    { name: 'tmp', emptyDir: {} },
  ];
  const mounts: IVolumeMount[] = [
    { name: 'data', mountPath: dataPath },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (caConfig) {
    volumes.push({ name: 'acme-ca', configMap: { name: caConfigMap } });
    mounts.push({ name: 'acme-ca', mountPath: caMountPath, readOnly: true });
  }

  const args = traefikArgs({
    publishedService: `${namespace}/${service.metadata!.name!}`,
    ingressClass: ingressClass.metadata!.name!,
    logLevel: 'INFO',
    resolver: {
      name: resolverName,
      email: input.email,
      caServer: input.acme.caServer,
      storage: `${dataPath}/acme.json`,
      // Needs only port 80, which stays open for the redirect anyway.
      challenge: { type: 'http', entryPoint: web.name },
      caCertificates: input.trust ? [`${caMountPath}/${input.trust.key}`] : undefined,
    },
  });

  const probe = (failureThreshold: number): IProbe => ({
    httpGet: { path: '/ping', port: internal.port, scheme: 'HTTP' },
    failureThreshold,
    initialDelaySeconds: 2,
    periodSeconds: 10,
    successThreshold: 1,
    timeoutSeconds: 2,
  });

  const deployment = new Deployment({
    metadata: { name, labels },
    spec: {
      // acme.json is a single file on a ReadWriteOnce volume: Traefik instances cannot share it,
      // so one replica, and Recreate so the old pod has let go of the volume (and the file)
      // before the new one starts. The chart's RollingUpdate (maxSurge 1) would run two writers.
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: {
            // Scraped by the `annotated-pods` PodMonitor where the environment runs Prometheus.
            ...scrapeAnnotations(metrics.port),
            // The CA is read at start-up only: a new PEM must restart the pod.
            ...(input.trust ? { 'checksum/acme-ca': sha256(input.trust.pem) } : {}),
          },
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: true,
          terminationGracePeriodSeconds: 60,
          securityContext: {
            runAsUser: traefikUid,
            runAsGroup: traefikUid,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
            // No init container to chmod acme.json: Traefik creates it 0600 and refuses it when
            // group/other bits are set. On NFS the kubelet ignores fsGroup and the provisioner
            // makes the directory 0777, so 65532 can create the file. On block volumes fsGroup
            // makes /data writable, and OnRootMismatch stops the kubelet from re-adding group
            // bits to acme.json on every later mount.
            fsGroup: traefikUid,
            fsGroupChangePolicy: 'OnRootMismatch',
          },
          containers: [
            {
              name,
              image,
              imagePullPolicy: 'IfNotPresent',
              args,
              ports: [metrics, internal, web, websecure].map((ep) => ({ name: ep.name, containerPort: ep.port, protocol: 'TCP' })),
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'USER', value: 'traefik' },
                // The Go runtime then collects before the kernel kills the pod at the limit.
                { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1' } } },
              ],
              readinessProbe: probe(1),
              livenessProbe: probe(3),
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                readOnlyRootFilesystem: true,
              },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  });

  const ingress: IngressFacts = {
    className: ingressClass.metadata!.name!,
    namespace,
    entryPoints: { web: web.name, websecure: websecure.name },
    certResolver: resolverName,
    loadBalancerIp: service.metadata!.annotations!['metallb.io/loadBalancerIPs']!,
  };

  const clusterRole = `${name}-${namespace}`;
  const resources = [
    new Namespace({
      // The pod meets the restricted level: non-root, no capabilities, RuntimeDefault seccomp.
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    }),
    // The token is mounted by the pod spec only, as the chart does.
    new ServiceAccount({ metadata: { name, labels }, automountServiceAccountToken: false }),
    new ClusterRole({ metadata: { name: clusterRole, labels }, rules: traefikClusterRules() }),
    new ClusterRoleBinding({
      metadata: { name: clusterRole, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    }),
    ...(caConfig ? [caConfig] : []),
    data,
    deployment,
    service,
    ingressClass,
    ...traefikDashboard({ host: input.dashboardHost, entryPoint: ingress.entryPoints.websecure, certResolver: ingress.certResolver, labels }),
  ];

  return {
    component: { name: 'traefik', namespace, layer: 'platform', syncWave: -10, resources, upstream: [crds] },
    ingress,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkInput(input: TraefikInput): void {
  if (!EMAIL.test(input.email)) {
    throw new RenderError({ component: 'traefik', field: 'acme.email' }, `ACME account email "${input.email}" is not an email address`);
  }
  if (input.trust) {
    const { key, pem } = input.trust;
    const resource = `ConfigMap/${traefikNamespace}/${caConfigMap}`;
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
      throw new RenderError({ component: 'traefik', resource, field: 'data' }, `"${key}" is not a valid ConfigMap key`);
    }
    // A ConfigMap is plaintext in Git: only a certificate may go there, never key material.
    if (/PRIVATE KEY/.test(pem) || !pem.trimStart().startsWith('-----BEGIN CERTIFICATE-----')) {
      throw new RenderError({ component: 'traefik', resource, field: `data.${key}` }, 'the trusted CA must be PEM certificates only (no private key)');
    }
  }
}

/**
 * Traefik's namespace denies by default. Clients reach web and websecure from anywhere (the
 * LoadBalancer keeps their addresses: externalTrafficPolicy Local); Traefik dials the backends'
 * pods in any namespace (on their own ports), the API server for routes, and its ACME server.
 * The metrics and internal entry points stay closed to other pods (the kubelet's probes come
 * from the node, which NetworkPolicies always allow).
 */
export function traefikNetworkPolicies(cluster: ClusterFacts, acme: AcmeFacts, scraper?: MetricsFacts): NetworkPolicy[] {
  const acmeEndpoint = acme.endpoint;
  const acmePeer = 'internet' in acmeEndpoint ? { ipBlock: { cidr: '0.0.0.0/0' } } : inNamespace(acmeEndpoint.namespace);
  return [
    ...namespaceBaseline(),
    workloadPolicy(name, selector, {
      ingress: [{ ports: tcp(entryPoints.web.port, entryPoints.websecure.port) }, ...fromScraper(scraper, entryPoints.metrics.port)],
      egress: [
        { to: [{ namespaceSelector: {} }] },
        ...toApiServer(cluster),
        { to: [acmePeer], ports: tcp(acmeEndpoint.port) },
      ],
    }),
  ];
}
