// NetworkPolicy building blocks shared by the platform and the apps: a namespace's default
// deny, DNS, and the two directions of traffic with the API server, whose addresses come from
// the cluster facts (never retyped). Enforced by flannel's kube-network-policies container
// (platform/flannel.ts) when the environment's `network.enforcePolicies` is on.
//
// hostNetwork pods (flanneld, MetalLB's speaker, the control plane's static pods) are outside
// every NetworkPolicy: a policy selecting them has no effect, so none is written for them.
import type { MetricsFacts } from './facts.ts';
import { NetworkPolicy } from './kinds.ts';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { ClusterFacts } from '../environments/types.ts';
import type { StringMap } from '../render/types.ts';
import { cidrRange, intToIp } from './network.ts';

/** kubeadm's default `--apiserver-bind-port` on every control-plane node. */
export const API_SERVER_PORT = 6443;
/** The port the kubelets serve on (kubeadm's default; Node `daemonEndpoints.kubeletEndpoint`). */
export const KUBELET_PORT = 10250;

/** Everything in the namespace is denied in both directions unless a policy below allows it. */
export function defaultDeny(): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: 'default-deny' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
}

/** Name resolution through the cluster DNS (CoreDNS in kube-system) for every pod. */
export function allowDns(): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: 'allow-dns' },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  });
}

const host = (ip: string): INetworkPolicyPeer => ({ ipBlock: { cidr: `${ip}/32` } });

/** The `kubernetes` Service's ClusterIP: the first address of the service CIDR. */
export function kubernetesServiceIp(cluster: ClusterFacts): string {
  return intToIp(cidrRange(cluster.serviceCidr).first + 1);
}

function controlPlaneIps(cluster: ClusterFacts): string[] {
  return cluster.nodes.filter((n) => n.controlPlane).map((n) => n.ip);
}

/**
 * Egress to the API server. Pods dial the `kubernetes` Service (ClusterIP:443), which kube-proxy
 * rewrites to a control-plane node's :6443; whether a policy sees the packet before or after
 * that rewrite is up to the implementation (Kubernetes docs, "ipBlock"), so both are allowed.
 */
export function toApiServer(cluster: ClusterFacts): INetworkPolicyEgressRule[] {
  return [
    { to: [host(kubernetesServiceIp(cluster))], ports: [{ protocol: 'TCP', port: 443 }] },
    { to: controlPlaneIps(cluster).map(host), ports: [{ protocol: 'TCP', port: API_SERVER_PORT }] },
  ];
}

/**
 * Where the API server's own connections to a pod (webhooks, aggregated APIs, the service
 * proxy) come from. It runs on the control-plane nodes' host network: towards a pod on another
 * node, flannel's vxlan route makes the source the sending node's flannel.1 address, which lies
 * in the pod CIDR but belongs to no pod (with host-gw it is the node's own IP). A NetworkPolicy
 * cannot name "the API server" more narrowly than that, so the rules using this open one port
 * only, and the servers behind it authenticate their callers.
 */
export function fromApiServer(cluster: ClusterFacts): INetworkPolicyPeer[] {
  return [...controlPlaneIps(cluster).map(host), { ipBlock: { cidr: cluster.podCidr } }];
}

/** The kubelets of every node (metrics-server scrapes them at their InternalIP). */
export function toKubelets(cluster: ClusterFacts): INetworkPolicyEgressRule {
  return { to: cluster.nodes.map((n) => host(n.ip)), ports: [{ protocol: 'TCP', port: KUBELET_PORT }] };
}

/** Pods of a namespace by the label every namespace carries. */
export function inNamespace(namespace: string, podLabels?: StringMap): INetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
  };
}

/** A namespace's default deny and DNS, the base every platform namespace with policies starts from. */
export function namespaceBaseline(): NetworkPolicy[] {
  return [defaultDeny(), allowDns()];
}

/** One workload's complete list of allowed connections (both directions isolated). */
export function workloadPolicy(name: string, podLabels: StringMap, rules: { ingress: INetworkPolicyIngressRule[]; egress: INetworkPolicyEgressRule[] }): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name },
    spec: { podSelector: { matchLabels: podLabels }, policyTypes: ['Ingress', 'Egress'], ingress: rules.ingress, egress: rules.egress },
  });
}

/** TCP ports, as NetworkPolicy rules list them. */
export const tcp = (...ports: number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));

/**
 * Prometheus scraping `ports` of the selected pods, where the environment runs one: the platform
 * namespaces deny by default, so every metrics port they expose needs this rule to be scraped.
 */
export function fromScraper(scraper: MetricsFacts | undefined, ...ports: number[]): INetworkPolicyIngressRule[] {
  return scraper ? [{ from: [inNamespace(scraper.namespace, { ...scraper.prometheusPodLabels })], ports: tcp(...ports) }] : [];
}
