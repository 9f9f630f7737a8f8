// A small NetworkPolicy evaluator with the API's semantics (networking.k8s.io/v1): a pod that no
// policy of a direction selects is open in that direction; a selected pod allows what the union
// of the selecting policies' rules allows; a connection between two pods needs the source's
// egress and the destination's ingress. Enough to prove what the rendered policies let through.
import { cidrRange, ipToInt } from '../../platform/network.ts';
import type { KubeObject } from '../../render/types.ts';

export interface Pod {
  namespace: string;
  labels: Record<string, string>;
  ip: string;
}
/** A pod, or an address outside the pod network (a node, the Internet). */
export type Endpoint = Pod | { ip: string };

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number | string; endPort?: number }[];
}
interface Policy {
  metadata: { namespace?: string };
  spec: { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

const isPod = (e: Endpoint): e is Pod => 'namespace' in e;

function selects(sel: Selector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const r = cidrRange(cidr);
  const n = ipToInt(ip);
  return n >= r.first && n <= r.last;
}

function peerMatches(peer: Peer, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  if (!isPod(other)) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': other.namespace };
  if (peer.namespaceSelector) return selects(peer.namespaceSelector, nsLabels) && selects(peer.podSelector, other.labels);
  return other.namespace === policyNamespace && selects(peer.podSelector, other.labels);
}

function portMatches(rule: Rule, port: number, protocol: string): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port || (typeof p.port === 'number' && p.endPort !== undefined && port >= p.port && port <= p.endPort)));
}

function types(p: Policy): string[] {
  return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

export class NetworkPolicies {
  private readonly policies: Policy[];
  constructor(objects: readonly KubeObject[]) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];
  }

  private allowedOneWay(pod: Pod, direction: 'Ingress' | 'Egress', other: Endpoint, port: number, protocol: string): boolean {
    const selecting = this.policies.filter((p) => p.metadata.namespace === pod.namespace && types(p).includes(direction) && selects(p.spec.podSelector, pod.labels));
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      (direction === 'Ingress' ? p.spec.ingress : p.spec.egress)?.some((rule) => {
        const peers = direction === 'Ingress' ? rule.from : rule.to;
        return (!peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, other, p.metadata.namespace!))) && portMatches(rule, port, protocol);
      }),
    );
  }

  /** Whether `from` may open a connection to `to` on `port`. Host-network and outside endpoints are not policed. */
  allows(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
    const egress = isPod(from) ? this.allowedOneWay(from, 'Egress', to, port, protocol) : true;
    const ingress = isPod(to) ? this.allowedOneWay(to, 'Ingress', from, port, protocol) : true;
    return egress && ingress;
  }

  /** Namespaces with a policy selecting every pod for both directions and allowing nothing. */
  defaultDenyNamespaces(): string[] {
    return [...new Set(this.policies
      .filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0 && !p.spec.podSelector.matchExpressions?.length)
      .filter((p) => types(p).includes('Ingress') && types(p).includes('Egress') && !p.spec.ingress?.length && !p.spec.egress?.length)
      .map((p) => p.metadata.namespace!))].sort();
  }
}

/** The pod of a rendered workload (Deployment, StatefulSet, DaemonSet) with a made-up address in the pod CIDR. */
export function podOf(objects: readonly KubeObject[], kind: string, namespace: string, name: string, ip: string): Pod {
  const w = objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
  if (!w) throw new Error(`no ${kind} ${namespace}/${name}`);
  const labels = (w as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels;
  return { namespace, labels, ip };
}
