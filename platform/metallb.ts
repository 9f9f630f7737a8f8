// MetalLB in layer-2 mode, as upstream ships it in config/manifests/metallb-native.yaml (written
// against v0.16.1; native speaker, no FRR), plus this environment's address pool and its L2
// advertisement. The environment pins the release (`platform.metallb`), within `metallbRelease`.
// The CRDs are synced by Argo CD straight from the upstream tag; the memberlist Secret and the
// webhook certificate are generated in the cluster by the controller, never rendered with data.
//
// Facts about the cluster the operator must keep true (nothing here can set them):
// - kube-proxy in IPVS mode must run with `strictARP: true` (KubeProxyConfiguration), or every
//   node answers ARP for every Service IP (metallb#153). In iptables mode nothing is needed.
// - kubeadm labels control-plane nodes `node.kubernetes.io/exclude-from-external-load-balancers`
//   and the speakers honour it (upstream behaviour, kept): the pool is announced by workers.
// - TCP and UDP 7946 open between nodes (memberlist).
import type { MetricsFacts } from './facts.ts';
import { ClusterRole, ClusterRoleBinding, ConfigMap, DaemonSet, Deployment, Namespace, Role, RoleBinding, Secret, Service, ServiceAccount, ValidatingWebhookConfiguration, type NetworkPolicy } from './kinds.ts';
import type { IIoK8sApiAdmissionregistrationV1ValidatingWebhook } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhook';
import type { IIoK8sApiRbacV1PolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import type { ClusterFacts, Ipv4, LoadBalancerFacts, PlatformVersions } from '../environments/types.ts';
import { PROVIDED_BY_ANNOTATION, RenderError, type Component, type UpstreamSource } from '../render/types.ts';
import { IPAddressPool, L2Advertisement } from './metallb-types.ts';
import { ipToInt, rangeOf } from './network.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';
import { fromApiServer, fromScraper, namespaceBaseline, tcp, toApiServer, workloadPolicy } from './network-policies.ts';

/** An address MetalLB will hand out: only obtainable from `metallb(...).assign`, so it is known to be in a pool. */
export interface LoadBalancerIp {
  address: Ipv4;
  pool: string;
}

export interface MetalLB {
  component: Component;
  /**
   * Reserve an address of the pool (throws when it is not in the pool or already taken).
   * `owner` names the requester in the error when two ask for the same address.
   */
  assign(address: Ipv4, owner?: string): LoadBalancerIp;
}

/** The releases this model was written for: v0.16.1's manifests, and its later patches. */
export const metallbRelease = {
  pin: 'metallb',
  component: 'metallb',
  supported: '>=0.16.1 <0.17.0',
  prefix: 'v',
} as const satisfies ReleaseLine;

export type MetalLBVersions = Pick<PlatformVersions, 'metallb'>;

/** Every image MetalLB runs: one tag, the release's. */
export function metallbImages(version: string): { controller: string; speaker: string } {
  return { controller: `quay.io/metallb/controller:${version}`, speaker: `quay.io/metallb/speaker:${version}` };
}

export const metallbNamespace = 'metallb-system';

/** Secret the controller creates (key `secretkey`) and speakers mount; name as upstream. */
const memberlistSecret = 'memberlist';
const webhookCertSecret = 'metallb-webhook-cert';
const webhookService = 'metallb-webhook-service';
const webhookConfiguration = 'metallb-webhook-configuration';
const excludeL2ConfigMap = 'metallb-excludel2';
const metricsPort = 9120;
const healthPort = 17472;
/** The controller's admission webhook (the Service's targetPort). */
const webhookPort = 9443;

/** Interfaces speakers never announce on (upstream's list: bridges, CNI and tunnel devices). */
const announcedInterfacesToExclude = [
  '^docker.*', '^cbr.*', '^dummy.*', '^virbr.*', '^lxcbr.*', '^veth.*', '^lo$', '^cali.*',
  '^tunl.*', '^flannel.*', '^kube-ipvs.*', '^cni.*', '^nodelocaldns.*', '^lxc.*',
];

/** The CRDs at the same tag as the images: Argo CD applies them server-side before this component. */
export const metallbCrds = (version: string): UpstreamSource => ({
  label: 'crds',
  repoURL: 'https://github.com/metallb/metallb',
  targetRevision: version,
  // A kustomization: the 9 CRDs plus the bgppeers conversion-webhook patch.
  path: 'config/crd',
  crdGroups: ['metallb.io'],
  kustomize: true,
  serverSideApply: true,
  ignoreDifferences: [
    {
      group: 'apiextensions.k8s.io',
      kind: 'CustomResourceDefinition',
      // The controller injects its self-signed CA into the bgppeers conversion webhook.
      jsonPointers: ['/spec/conversion/webhook/clientConfig/caBundle'],
    },
  ],
});

const crdNames = ['bfdprofiles', 'bgpadvertisements', 'bgppeers', 'ipaddresspools', 'l2advertisements', 'communities', 'configurationstates'];
const readConfig = ['get', 'list', 'watch'];
const fullRights = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const controllerRoleRules: IIoK8sApiRbacV1PolicyRule[] = [
  // Creates the memberlist Secret and the webhook certificate.
  { apiGroups: [''], resources: ['secrets'], verbs: fullRights },
  { apiGroups: [''], resources: ['secrets'], resourceNames: [memberlistSecret], verbs: ['list'] },
  // Owner reference of the memberlist Secret.
  { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['controller'], verbs: ['get'] },
  { apiGroups: ['metallb.io'], resources: ['bgppeers'], verbs: ['get', 'list'] },
  { apiGroups: ['metallb.io'], resources: ['bfdprofiles'], verbs: readConfig },
  { apiGroups: ['metallb.io'], resources: ['ipaddresspools'], verbs: readConfig },
  { apiGroups: ['metallb.io'], resources: ['ipaddresspools/status'], verbs: ['update'] },
  { apiGroups: ['metallb.io'], resources: ['bgpadvertisements'], verbs: readConfig },
  { apiGroups: ['metallb.io'], resources: ['l2advertisements'], verbs: readConfig },
  { apiGroups: ['metallb.io'], resources: ['communities'], verbs: readConfig },
];

const podListerRules: IIoK8sApiRbacV1PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get'] },
  { apiGroups: [''], resources: ['secrets'], verbs: readConfig },
  { apiGroups: [''], resources: ['configmaps'], verbs: readConfig },
  ...['bfdprofiles', 'bgppeers', 'l2advertisements', 'bgpadvertisements', 'ipaddresspools', 'communities'].map(
    (resource): IIoK8sApiRbacV1PolicyRule => ({ apiGroups: ['metallb.io'], resources: [resource], verbs: readConfig }),
  ),
  { apiGroups: ['metallb.io'], resources: ['servicebgpstatuses', 'servicebgpstatuses/status'], verbs: ['*'] },
];

const controllerClusterRules: IIoK8sApiRbacV1PolicyRule[] = [
  { apiGroups: [''], resources: ['services', 'namespaces'], verbs: readConfig },
  { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
  { apiGroups: [''], resources: ['services/status'], verbs: ['update'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  // Kept as upstream ships it; PodSecurityPolicy no longer exists, so this grants nothing.
  { apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['controller'], verbs: ['use'] },
  // The controller injects its CA bundle into the webhook configuration and the CRDs.
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    resourceNames: [webhookConfiguration],
    verbs: fullRights,
  },
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['list', 'watch'] },
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions'],
    resourceNames: crdNames.map((name) => `${name}.metallb.io`),
    verbs: fullRights,
  },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list', 'watch'] },
  { apiGroups: ['metallb.io'], resources: ['configurationstates'], verbs: fullRights },
  { apiGroups: ['metallb.io'], resources: ['configurationstates/status'], verbs: ['get', 'patch', 'update'] },
];

const speakerClusterRules: IIoK8sApiRbacV1PolicyRule[] = [
  {
    apiGroups: ['metallb.io'],
    resources: ['servicel2statuses', 'servicel2statuses/status', 'configurationstates', 'configurationstates/status'],
    verbs: ['*'],
  },
  { apiGroups: [''], resources: ['services', 'endpoints', 'nodes', 'namespaces'], verbs: readConfig },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: readConfig },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['speaker'], verbs: ['use'] },
];

/** Upstream's six validating webhooks (one per config kind; bgppeers at its storage version). */
const webhooks: IIoK8sApiAdmissionregistrationV1ValidatingWebhook[] = (
  [
    // [webhook name, path kind, resource, version, operations]: upstream's names are not regular.
    ['bgppeersvalidationwebhook', 'bgppeer', 'bgppeers', 'v1beta2', ['CREATE', 'UPDATE']],
    ['bfdprofilevalidationwebhook', 'bfdprofile', 'bfdprofiles', 'v1beta1', ['CREATE', 'DELETE']],
    ['bgpadvertisementvalidationwebhook', 'bgpadvertisement', 'bgpadvertisements', 'v1beta1', ['CREATE', 'UPDATE']],
    ['communityvalidationwebhook', 'community', 'communities', 'v1beta1', ['CREATE', 'UPDATE']],
    ['ipaddresspoolvalidationwebhook', 'ipaddresspool', 'ipaddresspools', 'v1beta1', ['CREATE', 'UPDATE']],
    ['l2advertisementvalidationwebhook', 'l2advertisement', 'l2advertisements', 'v1beta1', ['CREATE', 'UPDATE']],
  ] as const
).map(([name, kind, resource, version, operations]) => ({
  admissionReviewVersions: ['v1'],
  clientConfig: {
    service: { name: webhookService, namespace: metallbNamespace, path: `/validate-metallb-io-${version}-${kind}` },
  },
  failurePolicy: 'Fail',
  name: `${name}.metallb.io`,
  rules: [{ apiGroups: ['metallb.io'], apiVersions: [version], operations: [...operations], resources: [resource] }],
  sideEffects: 'None',
}));

const httpProbe = (path: string, host?: string) => ({
  httpGet: { ...(host ? { host } : {}), path, port: healthPort },
  initialDelaySeconds: 10,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
});

const fieldRef = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

const scrapeAnnotations = { 'prometheus.io/port': String(metricsPort), 'prometheus.io/scrape': 'true' };

/** Config objects must reach the API only once the controller's webhook answers. */
const afterController = {
  'argocd.argoproj.io/sync-wave': '1',
  'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
};

function checkAnnouncers(cluster: ClusterFacts): void {
  // Upstream speakers skip nodes labelled exclude-from-external-load-balancers, which kubeadm
  // puts on every control-plane node: with no other node, the pool is assigned but never announced.
  if (cluster.nodes.length > 0 && cluster.nodes.every((node) => node.controlPlane)) {
    throw new RenderError(
      { component: 'metallb', field: 'cluster.nodes' },
      `every node (${cluster.nodes.map((n) => n.name).join(', ')}) is a control-plane node: kubeadm labels them node.kubernetes.io/exclude-from-external-load-balancers and MetalLB speakers will not announce the pool from them; add a worker node`,
    );
  }
}

export function metallb(cluster: ClusterFacts, lb: LoadBalancerFacts, versions: MetalLBVersions): MetalLB {
  const version = pinnedRelease(metallbRelease, versions.metallb);
  const images = metallbImages(version);
  checkAnnouncers(cluster);
  const namespace = metallbNamespace;
  const app = { app: 'metallb' };
  const controllerLabels = { app: 'metallb', component: 'controller' };
  const speakerLabels = { app: 'metallb', component: 'speaker' };
  const pool = lb.pool;
  const poolResource = `IPAddressPool/${namespace}/${pool.name}`;

  const resources = [
    new Namespace({
      metadata: {
        name: namespace,
        // The speaker needs hostNetwork and NET_RAW.
        labels: {
          'pod-security.kubernetes.io/audit': 'privileged',
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
        },
      },
    }),
    new ServiceAccount({ metadata: { name: 'controller', namespace, labels: app } }),
    new ServiceAccount({ metadata: { name: 'speaker', namespace, labels: app } }),
    new Role({ metadata: { name: 'controller', namespace, labels: app }, rules: controllerRoleRules }),
    new Role({ metadata: { name: 'pod-lister', namespace, labels: app }, rules: podListerRules }),
    new ClusterRole({ metadata: { name: 'metallb-system:controller', labels: app }, rules: controllerClusterRules }),
    new ClusterRole({ metadata: { name: 'metallb-system:speaker', labels: app }, rules: speakerClusterRules }),
    new RoleBinding({
      metadata: { name: 'controller', namespace, labels: app },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'controller' },
      subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace }],
    }),
    new RoleBinding({
      metadata: { name: 'pod-lister', namespace, labels: app },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-lister' },
      subjects: [
        { kind: 'ServiceAccount', name: 'controller', namespace },
        { kind: 'ServiceAccount', name: 'speaker', namespace },
      ],
    }),
    new ClusterRoleBinding({
      metadata: { name: 'metallb-system:controller', labels: app },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metallb-system:controller' },
      subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace }],
    }),
    new ClusterRoleBinding({
      metadata: { name: 'metallb-system:speaker', labels: app },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metallb-system:speaker' },
      subjects: [{ kind: 'ServiceAccount', name: 'speaker', namespace }],
    }),
    new ConfigMap({
      metadata: { name: excludeL2ConfigMap, namespace },
      data: {
        'excludel2.yaml': `announcedInterfacesToExclude: [${announcedInterfacesToExclude.map((re) => JSON.stringify(re)).join(', ')}]\n`,
      },
    }),
    // Shipped empty by upstream so the controller's volume mounts; the controller writes the
    // self-signed serving certificate into it at runtime (never in Git).
    new Secret({ metadata: { name: webhookCertSecret, namespace } }),
    new Service({
      metadata: { name: webhookService, namespace },
      spec: { ports: [{ port: 443, targetPort: webhookPort }], selector: { component: 'controller' } },
    }),
    new Deployment({
      metadata: {
        name: 'controller',
        namespace,
        labels: controllerLabels,
        annotations: {
          'validation.gitops/opt-out':
            'policy/resources=upstream v0.16.1 sets no requests or limits and publishes no sizing, so measure before inventing numbers',
        },
      },
      spec: {
        revisionHistoryLimit: 3,
        selector: { matchLabels: controllerLabels },
        template: {
          metadata: { annotations: scrapeAnnotations, labels: controllerLabels },
          spec: {
            containers: [
              {
                name: 'controller',
                image: images.controller,
                args: [`--port=${metricsPort}`, '--log-level=info'],
                env: [
                  fieldRef('METALLB_POD_NAME', 'metadata.name'),
                  // The controller creates this Secret (random key) when it is missing.
                  { name: 'METALLB_ML_SECRET_NAME', value: memberlistSecret },
                  { name: 'METALLB_DEPLOYMENT', value: 'controller' },
                ],
                livenessProbe: httpProbe('/healthz'),
                readinessProbe: httpProbe('/readyz'),
                ports: [
                  { containerPort: metricsPort, name: 'metricshttps' },
                  { containerPort: webhookPort, name: 'webhook-server', protocol: 'TCP' },
                ],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['all'] },
                  readOnlyRootFilesystem: true,
                },
                volumeMounts: [{ mountPath: '/tmp/k8s-webhook-server/serving-certs', name: 'cert', readOnly: true }],
              },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
            serviceAccountName: 'controller',
            terminationGracePeriodSeconds: 0,
            volumes: [{ name: 'cert', secret: { defaultMode: 0o644, secretName: webhookCertSecret } }],
          },
        },
      },
    }),
    new DaemonSet({
      metadata: {
        name: 'speaker',
        namespace,
        labels: speakerLabels,
        annotations: {
          'validation.gitops/opt-out': [
            'policy/privileged=not privileged: layer 2 answers ARP/NDP for the pool on the node network, which needs hostNetwork and NET_RAW (all other capabilities dropped)',
            'policy/run-as-non-root=upstream runs the speaker as root to open raw sockets on host interfaces, the root filesystem is read-only and privilege escalation is off',
            'policy/resources=upstream v0.16.1 sets no requests or limits and publishes no sizing, so measure before inventing numbers',
          ].join('; '),
        },
      },
      spec: {
        selector: { matchLabels: speakerLabels },
        template: {
          metadata: { annotations: scrapeAnnotations, labels: speakerLabels },
          spec: {
            containers: [
              {
                name: 'speaker',
                image: images.speaker,
                args: [`--port=${metricsPort}`, '--log-level=info'],
                env: [
                  fieldRef('METALLB_NODE_NAME', 'spec.nodeName'),
                  fieldRef('METALLB_POD_NAME', 'metadata.name'),
                  fieldRef('METALLB_HOST', 'status.hostIP'),
                  fieldRef('METALLB_ML_BIND_ADDR', 'status.podIP'),
                  { name: 'METALLB_ML_LABELS', value: 'app=metallb,component=speaker' },
                  { name: 'METALLB_ML_SECRET_KEY_PATH', value: '/etc/ml_secret_key' },
                ],
                livenessProbe: httpProbe('/healthz', '127.0.0.1'),
                readinessProbe: httpProbe('/readyz', '127.0.0.1'),
                ports: [
                  { containerPort: metricsPort, name: 'metricshttps' },
                  { containerPort: 7946, name: 'memberlist-tcp' },
                  { containerPort: 7946, name: 'memberlist-udp', protocol: 'UDP' },
                ],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { add: ['NET_RAW'], drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                },
                volumeMounts: [
                  { mountPath: '/etc/ml_secret_key', name: 'memberlist', readOnly: true },
                  { mountPath: '/etc/metallb', name: excludeL2ConfigMap, readOnly: true },
                  { mountPath: '/etc/metallb/memberlist', name: 'memberlist-config', readOnly: true },
                ],
              },
            ],
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            serviceAccountName: 'speaker',
            terminationGracePeriodSeconds: 2,
            tolerations: [
              { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' },
              { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
            ],
            volumes: [
              // Created by the controller; the speaker retries until it exists.
              { name: 'memberlist', secret: { defaultMode: 0o644, secretName: memberlistSecret } },
              { name: excludeL2ConfigMap, configMap: { defaultMode: 0o400, name: excludeL2ConfigMap } },
              { name: 'memberlist-config', configMap: { name: 'metallb-memberlist-config', optional: true } },
            ],
          },
        },
      },
    }),
    new ValidatingWebhookConfiguration({ metadata: { name: webhookConfiguration }, webhooks }),
    new IPAddressPool({
      metadata: { name: pool.name, namespace, annotations: afterController },
      spec: { addresses: [`${pool.first}-${pool.last}`] },
    }),
    // Layer 2 announces nothing without an advertisement naming the pool.
    new L2Advertisement({
      metadata: { name: pool.name, namespace, annotations: afterController },
      spec: { ipAddressPools: [pool.name] },
    }),
  ];

  const component: Component = {
    name: 'metallb',
    namespace,
    layer: 'platform',
    syncWave: -20,
    resources,
    upstream: [metallbCrds(version)],
    // The controller generates the memberlist key the speakers mount; it is never committed.
    runtimeObjects: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: memberlistSecret, namespace, annotations: { [PROVIDED_BY_ANNOTATION]: 'the MetalLB controller (at its first start)' } } }],
    ignoreDifferences: [
      {
        group: 'admissionregistration.k8s.io',
        kind: 'ValidatingWebhookConfiguration',
        name: webhookConfiguration,
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      },
      // The controller fills the certificate Secret we ship empty.
      { group: '', kind: 'Secret', name: webhookCertSecret, namespace, jsonPointers: ['/data'] },
    ],
  };

  const range = rangeOf(pool.first, pool.last);
  const assigned = new Map<number, { address: Ipv4; owner?: string }>();
  const assign = (address: Ipv4, owner?: string): LoadBalancerIp => {
    const where = { component: 'metallb', resource: poolResource, field: 'loadBalancer.ingressIp' };
    let n: number;
    try {
      n = ipToInt(address);
    } catch (e) {
      throw new RenderError(where, `${(e as Error).message}; MetalLB pool ${pool.name} is ${pool.first}-${pool.last}`);
    }
    if (n < range.first || n > range.last) {
      throw new RenderError(where, `address ${address} is not in MetalLB pool ${pool.name} (${pool.first}-${pool.last})`);
    }
    const earlier = assigned.get(n);
    if (earlier !== undefined) {
      throw new RenderError(
        where,
        `address ${address} of MetalLB pool ${pool.name} (${pool.first}-${pool.last}) is assigned twice: ` +
          `first to ${earlier.owner ?? 'an earlier request'}, again to ${owner ?? 'this request'}; two LoadBalancer Services cannot share one address`,
      );
    }
    assigned.set(n, { address, owner });
    return { address, pool: pool.name };
  };

  return { component, assign };
}

/**
 * metallb-system denies by default. The controller (pod network) takes the API server's webhook
 * calls and talks to the API server; the speakers run on the host network, which NetworkPolicies
 * do not reach, so their memberlist and ARP traffic is unaffected.
 */
export function metallbNetworkPolicies(cluster: ClusterFacts, scraper?: MetricsFacts): NetworkPolicy[] {
  return [
    ...namespaceBaseline(),
    workloadPolicy('controller', { app: 'metallb', component: 'controller' }, {
      ingress: [{ from: fromApiServer(cluster), ports: tcp(webhookPort) }, ...fromScraper(scraper, metricsPort)],
      egress: toApiServer(cluster),
    }),
  ];
}
