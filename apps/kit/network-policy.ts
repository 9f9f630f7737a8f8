import { NetworkPolicy } from '../../platform/kinds.ts';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { StringMap } from '../../render/types.ts';
import { selectorLabels } from './labels.ts';

/**
 * Who a workload talks to. Pods of the same app are named by role; other namespaces by
 * name (the `kubernetes.io/metadata.name` label every namespace carries).
 */
export type Peer = { role: string } | { namespace: string; podLabels?: StringMap };

export interface Rule {
  peers: readonly Peer[];
  ports: readonly number[];
}

export interface RolePolicy {
  app: string;
  role: string;
  /** Who may open connections to this role. Empty: nobody. */
  ingress: readonly Rule[];
  /** Where this role may connect (DNS is allowed for every pod by `allowDns`). */
  egress: readonly Rule[];
}

// The namespace baseline is the platform's, so apps and platform namespaces deny alike.
export { allowDns, defaultDeny } from '../../platform/network-policies.ts';

/** One policy per workload: the complete list of its allowed inbound and outbound connections. */
export function rolePolicy(spec: RolePolicy): NetworkPolicy {
  const toPeers = (r: Rule): INetworkPolicyPeer[] => r.peers.map((p) => peer(spec.app, p));
  const toPorts = (r: Rule): INetworkPolicyPort[] => [...r.ports].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port }));
  return new NetworkPolicy({
    metadata: { name: spec.role },
    spec: {
      podSelector: { matchLabels: selectorLabels({ app: spec.app, role: spec.role }) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: spec.ingress.map((r) => ({ from: toPeers(r), ports: toPorts(r) })),
      egress: spec.egress.map((r) => ({ to: toPeers(r), ports: toPorts(r) })),
    },
  });
}

function peer(app: string, p: Peer): INetworkPolicyPeer {
  if ('role' in p) return { podSelector: { matchLabels: selectorLabels({ app, role: p.role }) } };
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
    ...(p.podLabels ? { podSelector: { matchLabels: p.podLabels } } : {}),
  };
}
