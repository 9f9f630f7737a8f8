// flannel, the pod network, as upstream ships it in Documentation/kube-flannel.yml (written
// against v0.28.9; the environment pins the release, see `flannelReleases`). flannel itself
// ignores NetworkPolicies: with `network.enforcePolicies` the DaemonSet also runs the
// kube-network-policies container, RBAC and /lib/modules mount exactly as flannel's chart does
// with `netpol.enabled` (Documentation/netpol.md).
// Only the pod network is ours: `Network` comes from the cluster facts so it always equals
// kubeadm's --pod-network-cidr (flanneld loops on "pod cidr not assigned" otherwise).
import { ClusterRole, ClusterRoleBinding, ConfigMap, DaemonSet, Namespace, ServiceAccount } from './kinds.ts';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import type { ClusterFacts, NetworkSwitches, PlatformVersions } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';

/**
 * The releases this model was written for: from v0.28.9 (--healthz-port) up to the next minor;
 * that manifest ships cni-plugin v1.9.1-flannel3.
 */
export const flannelReleases = {
  flannel: { pin: 'flannel', component: 'flannel', supported: '>=0.28.9 <0.29.0', prefix: 'v' },
  cniPlugin: { pin: 'flannel-cni-plugin', component: 'flannel', supported: '>=1.9.1 <1.10.0', prefix: 'v', suffixed: true },
  /** The chart's `netpol.image` at v0.28.9: its flags and RBAC below are that release's. */
  networkPolicies: { pin: 'kube-network-policies', component: 'flannel', supported: '>=1.0.0 <1.1.0', prefix: 'v' },
} as const satisfies Record<string, ReleaseLine>;

export type FlannelVersions = Pick<PlatformVersions, 'flannel' | 'flannel-cni-plugin' | 'kube-network-policies'>;

/** Every image flannel runs, from the pinned releases. */
export function flannelImages(versions: FlannelVersions): { flannel: string; cniPlugin: string; networkPolicies: string } {
  return {
    flannel: `ghcr.io/flannel-io/flannel:${pinnedRelease(flannelReleases.flannel, versions.flannel)}`,
    cniPlugin: `ghcr.io/flannel-io/flannel-cni-plugin:${pinnedRelease(flannelReleases.cniPlugin, versions['flannel-cni-plugin'])}`,
    networkPolicies: `registry.k8s.io/networking/kube-network-policies:${pinnedRelease(flannelReleases.networkPolicies, versions['kube-network-policies'])}`,
  };
}

/**
 * The chart's `kube-network-policies` container (templates/daemonset.yaml with `netpol.enabled`):
 * it runs in flannel's pods on the host network and filters pod traffic in the node's nftables,
 * so it needs privileged mode and the kernel modules of the host.
 */
export function networkPolicyContainer(image: string): IContainer {
  return {
    name: 'kube-network-policies',
    image,
    // The chart writes `netpol.args` into `command` after the binary.
    command: ['/bin/netpol', '--hostname-override=$(MY_NODE_NAME)', '--v=2'],
    env: [{ name: 'MY_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    volumeMounts: [{ name: 'lib-modules', mountPath: '/lib/modules', readOnly: true }],
    resources: { requests: { cpu: '100m', memory: '50Mi' } },
    securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'] } },
  };
}

/** The manifest's ClusterRole, or the chart's with `netpol.enabled` (the enforcer watches pods, namespaces and policies). */
export function flannelClusterRules(network: NetworkSwitches): IPolicyRule[] {
  // --kube-subnet-mgr records the node's VTEP in annotations and clears NetworkUnavailable.
  const nodeStatus: IPolicyRule = { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] };
  if (!network.enforcePolicies) {
    return [
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      nodeStatus,
    ];
  }
  return [
    { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] },
    nodeStatus,
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
    { apiGroups: ['policy.networking.k8s.io'], resources: ['adminnetworkpolicies', 'baselineadminnetworkpolicies'], verbs: ['list', 'watch'] },
  ];
}

export const flannelNamespace = 'kube-flannel';
const configMapName = 'kube-flannel-cfg';
const serviceAccountName = 'flannel';
const healthzPort = 8081;

/** The CNI config the install-cni init container copies to /etc/cni/net.d on every node. */
interface CniConfList {
  name: string;
  cniVersion: string;
  plugins: Array<
    | { type: 'flannel'; delegate: { hairpinMode: boolean; isDefaultGateway: boolean } }
    | { type: 'portmap'; capabilities: { portMappings: boolean } }
  >;
}

/** flanneld's own config (/etc/kube-flannel/net-conf.json). */
interface NetConf {
  Network: string;
  EnableNFTables: boolean;
  /** Must not change on a running cluster (nodes keep the old interfaces). */
  Backend: { Type: 'vxlan' };
}

const cniConf: CniConfList = {
  name: 'cbr0',
  cniVersion: '0.3.1',
  plugins: [
    { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
};

/** Upstream's layout: two-space JSON with a final newline (a YAML block scalar). */
const prettyJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function flannelNetConf(cluster: ClusterFacts): NetConf {
  return { Network: cluster.podCidr, EnableNFTables: false, Backend: { Type: 'vxlan' } };
}

/** @param network NetworkPolicy enforcement is on unless the environment turns it off. */
export function flannel(cluster: ClusterFacts, versions: FlannelVersions, network: NetworkSwitches = { enforcePolicies: true }): Component {
  const images = flannelImages(versions);
  const enforce = network.enforcePolicies;
  const namespace = flannelNamespace;
  const appLabels = { 'k8s-app': 'flannel' };
  const nodeLabels = { tier: 'node', 'k8s-app': 'flannel', app: 'flannel' };

  const resources = [
    new Namespace({
      metadata: {
        name: namespace,
        // hostNetwork, hostPath and NET_ADMIN are rejected by the baseline level.
        labels: { ...appLabels, 'pod-security.kubernetes.io/enforce': 'privileged' },
      },
    }),
    new ClusterRole({
      metadata: { name: 'flannel', labels: appLabels },
      rules: flannelClusterRules(network),
    }),
    new ClusterRoleBinding({
      metadata: { name: 'flannel', labels: appLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flannel' },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace }],
    }),
    new ServiceAccount({ metadata: { name: serviceAccountName, namespace, labels: appLabels } }),
    new ConfigMap({
      metadata: { name: configMapName, namespace, labels: nodeLabels },
      data: {
        'cni-conf.json': prettyJson(cniConf),
        'net-conf.json': prettyJson(flannelNetConf(cluster)),
      },
    }),
    new DaemonSet({
      metadata: {
        name: 'kube-flannel-ds',
        namespace,
        labels: { tier: 'node', app: 'flannel', 'k8s-app': 'flannel' },
        annotations: {
          'validation.gitops/opt-out': [
            `policy/host-path=installs the CNI plugin and config into the node (/opt/cni/bin, /etc/cni/net.d), writes /run/flannel/subnet.env for the CNI plugin and shares the host xtables lock${enforce ? ', and the policy enforcer loads nftables modules from /lib/modules' : ''}`,
            enforce
              ? 'policy/privileged=the node network itself: flanneld has NET_ADMIN and NET_RAW only (privileged: false as upstream), while kube-network-policies is privileged as in the chart, to program the node\'s nftables and queue packets to user space'
              : 'policy/privileged=the node network itself: hostNetwork with NET_ADMIN and NET_RAW to create the VXLAN device, routes and masquerade rules (privileged: false as upstream)',
            'policy/run-as-non-root=flanneld and the init copies write root-owned host paths and netlink/iptables state, which needs uid 0 (upstream runs as root)',
            'policy/resources=upstream requests 100m/50Mi and sets no limit: an OOM-killed CNI daemon takes the node network down, so no memory limit on purpose',
            ...(enforce ? ['policy/probes=the chart gives kube-network-policies no probe, flanneld\'s own liveness and readiness probes stay'] : []),
            'policy/read-only-root=upstream leaves the root writable and flanneld drives iptables/nftables, whose tools keep state outside the mounted paths; not verified read-only, and the CNI node agent is the wrong place to find out',
          ].join('; '),
        },
      },
      spec: {
        selector: { matchLabels: { app: 'flannel' } },
        template: {
          metadata: { labels: { tier: 'node', app: 'flannel' } },
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
                  ],
                },
              },
            },
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            // As upstream: every NoSchedule taint (control plane included); NoExecute taints are not tolerated.
            tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
            serviceAccountName,
            initContainers: [
              {
                name: 'install-cni-plugin',
                image: images.cniPlugin,
                command: ['cp'],
                args: ['-f', '/flannel', '/opt/cni/bin/flannel'],
                volumeMounts: [{ name: 'cni-plugin', mountPath: '/opt/cni/bin' }],
              },
              {
                name: 'install-cni',
                image: images.flannel,
                // Atomic copy (new in v0.28.8): the kubelet never reads a half-written conflist.
                command: ['/opt/bin/install-conf'],
                args: ['/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist'],
                volumeMounts: [
                  { name: 'cni', mountPath: '/etc/cni/net.d' },
                  { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
                ],
              },
            ],
            containers: [
              {
                name: 'kube-flannel',
                image: images.flannel,
                command: ['/opt/bin/flanneld'],
                // --healthz-port is upstream's since v0.28.9; with hostNetwork it listens on every node's :8081.
                args: ['--ip-masq', '--kube-subnet-mgr', `--healthz-port=${healthzPort}`],
                ports: [{ name: 'healthz', containerPort: healthzPort, protocol: 'TCP' }],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'healthz' },
                  initialDelaySeconds: 10,
                  periodSeconds: 30,
                },
                // /readyz only passes once the masquerade/forward rules and subnet.env exist.
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'healthz' },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                },
                resources: { requests: { cpu: '100m', memory: '50Mi' } },
                securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'EVENT_QUEUE_DEPTH', value: '5000' },
                  { name: 'CONT_WHEN_CACHE_NOT_READY', value: 'false' },
                ],
                volumeMounts: [
                  { name: 'run', mountPath: '/run/flannel' },
                  { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
                  { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                ],
              },
              ...(enforce ? [networkPolicyContainer(images.networkPolicies)] : []),
            ],
            volumes: [
              ...(enforce ? [{ name: 'lib-modules', hostPath: { path: '/lib/modules' } }] : []),
              { name: 'run', hostPath: { path: '/run/flannel' } },
              { name: 'cni-plugin', hostPath: { path: '/opt/cni/bin' } },
              { name: 'cni', hostPath: { path: '/etc/cni/net.d' } },
              { name: 'flannel-cfg', configMap: { name: configMapName } },
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
            ],
          },
        },
      },
    }),
  ];

  return { name: 'flannel', namespace, layer: 'platform', syncWave: -30, resources };
}
