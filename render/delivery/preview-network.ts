// NetworkPolicies of a preview: the namespace's default-deny must stay intact (policies only add
// allowances, so one that denies nothing would leave pods open), and every allowance names its
// peers — inside the namespace, Traefik inbound, cluster DNS outbound on port 53. An ipBlock is
// never accepted: DNS is reached through the kube-dns pods (policies see pod IPs after the
// Service's DNAT, so no ClusterIP block is needed), and any CIDR would also cover node, pod or
// outside addresses nobody can vouch for.
import type { KubeObject } from '../types.ts';
import type { Reject } from './preview-confinement.ts';

export interface NetworkScope {
  namespace: string;
  ingressNamespace: string;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';
const DNS_NAMESPACE = 'kube-system';
const DNS_POD_LABEL = ['k8s-app', 'kube-dns'] as const;

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: unknown;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: unknown; endPort?: unknown }[];
}
interface PolicySpec {
  podSelector?: Selector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

const emptySelector = (s: Selector | undefined) =>
  s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

export function checkNetworkPolicies(objects: readonly KubeObject[], scope: NetworkScope, reject: Reject): void {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const deny = policies.find((o) => o.metadata.name === 'default-deny');
  if (!deny) return reject(undefined, 'spec', 'a preview needs its default-deny NetworkPolicy', 'NetworkPolicy/default-deny');
  const d = (deny.spec ?? {}) as PolicySpec;
  if (!emptySelector(d.podSelector)) reject(deny, 'spec.podSelector', 'default-deny must select every pod (podSelector: {})');
  for (const t of ['Ingress', 'Egress']) {
    if (!(d.policyTypes ?? []).includes(t)) reject(deny, 'spec.policyTypes', `default-deny must deny ${t}`);
  }
  if ((d.ingress ?? []).length > 0) reject(deny, 'spec.ingress', 'default-deny must allow nothing');
  if ((d.egress ?? []).length > 0) reject(deny, 'spec.egress', 'default-deny must allow nothing');

  for (const o of policies) {
    const spec = (o.spec ?? {}) as PolicySpec;
    (spec.ingress ?? []).forEach((r, i) => checkRule(o, `spec.ingress[${i}]`, r, r.from, 'from', scope, reject));
    (spec.egress ?? []).forEach((r, i) => checkRule(o, `spec.egress[${i}]`, r, r.to, 'to', scope, reject));
  }
}

function checkRule(o: KubeObject, field: string, rule: Rule, peers: Peer[] | undefined, key: 'from' | 'to', scope: NetworkScope, reject: Reject): void {
  const direction = key === 'from' ? 'an ingress' : 'an egress';
  if (!Array.isArray(peers) || peers.length === 0) {
    return reject(o, `${field}.${key}`, `${direction} rule without \`${key}\` peers allows ${key === 'from' ? 'every source' : 'every destination'}, in and outside the cluster`);
  }
  peers.forEach((p, j) => {
    const at = `${field}.${key}[${j}]`;
    if (p.ipBlock !== undefined) return reject(o, `${at}.ipBlock`, 'an ipBlock reaches addresses outside the preview (nodes, other namespaces\' pods, the internet): select pods instead');
    if (p.namespaceSelector === undefined) {
      if (p.podSelector === undefined) reject(o, at, 'a peer must select pods');
      return;
    }
    const ns = p.namespaceSelector.matchLabels?.[NAME_LABEL];
    if (ns === undefined) {
      return reject(o, `${at}.namespaceSelector`, `selects every namespace carrying its labels: pin ${NAME_LABEL} to ${scope.namespace}, ${scope.ingressNamespace} (inbound) or ${DNS_NAMESPACE} (DNS)`);
    }
    if (ns === scope.namespace) return;
    if (key === 'from' && ns === scope.ingressNamespace) return;
    if (key === 'to' && ns === DNS_NAMESPACE) {
      const [k, v] = DNS_POD_LABEL;
      if (p.podSelector?.matchLabels?.[k] !== v) return reject(o, `${at}.podSelector`, `${DNS_NAMESPACE} is reachable only for DNS: select ${k}=${v}`);
      const ports = rule.ports ?? [];
      if (ports.length === 0 || ports.some((pt) => pt.port !== 53 || pt.endPort !== undefined)) return reject(o, `${field}.ports`, `${DNS_NAMESPACE} is reachable only on port 53`);
      return;
    }
    reject(o, `${at}.namespaceSelector`, `allows traffic ${key} namespace ${ns}: a preview talks only to itself, Traefik (inbound) and DNS`);
  });
}
