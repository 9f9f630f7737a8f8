// IPv4 arithmetic and the cross-component network invariants of one environment.
import type { Cidr, Environment, Ipv4 } from '../environments/types.ts';
import { RenderError } from '../render/types.ts';

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`"${ip}" is not an IPv4 address`);
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) throw new Error(`"${ip}" is not an IPv4 address`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): Ipv4 {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}` as Ipv4;
}

export interface Range {
  first: number;
  last: number;
}

export function cidrRange(cidr: string): Range {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (ip === undefined || !/^\d+$/.test(bits ?? '') || prefix < 0 || prefix > 32) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR`);
  }
  const base = ipToInt(ip);
  const size = 2 ** (32 - prefix);
  const first = base - (base % size);
  if (first !== base) throw new Error(`"${cidr}" has host bits set (network address is ${intToIp(first)}/${prefix})`);
  return { first, last: first + size - 1 };
}

export function rangeOf(first: string, last: string): Range {
  return { first: ipToInt(first), last: ipToInt(last) };
}

export const overlaps = (a: Range, b: Range): boolean => a.first <= b.last && b.first <= a.last;
export const contains = (outer: Range, inner: Range): boolean => outer.first <= inner.first && inner.last <= outer.last;

/**
 * Checks that the environment's addresses agree with one another before any model runs:
 * the MetalLB pool sits on the node subnet, clear of nodes, the NFS server, pods and services;
 * nodes have distinct names and usable, distinct addresses; the ingress IP is in the pool.
 * Each error names both sides.
 */
export function checkNetwork(env: Environment): void {
  const fail = (field: string, message: string): never => {
    throw new RenderError({ env: env.name, field }, message);
  };
  const parse = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return fail(field, (e as Error).message);
    }
  };
  const { cluster, loadBalancer: lb, nfs } = env;
  const subnet = parse('cluster.nodeSubnet', () => cidrRange(cluster.nodeSubnet));
  const pods = parse('cluster.podCidr', () => cidrRange(cluster.podCidr));
  const services = parse('cluster.serviceCidr', () => cidrRange(cluster.serviceCidr));
  const pool = parse('loadBalancer.pool', () => rangeOf(lb.pool.first, lb.pool.last));
  const ingress = parse('loadBalancer.ingressIp', () => ipToInt(lb.ingressIp));
  const nfsServer = parse('nfs.server', () => ipToInt(nfs.server));

  if (pool.first > pool.last) fail('loadBalancer.pool', `pool ${lb.pool.first}-${lb.pool.last} is empty (first > last)`);
  if (overlaps(pods, services)) {
    fail('cluster.podCidr', `pod CIDR ${cluster.podCidr} overlaps service CIDR ${cluster.serviceCidr}`);
  }
  const clusterRanges = [
    ['cluster.podCidr', 'pod CIDR', cluster.podCidr, pods],
    ['cluster.serviceCidr', 'service CIDR', cluster.serviceCidr, services],
  ] as const;
  // Before the node-subnet checks: a pool inside the subnet overlaps these only when the subnet
  // does too, and the pool is what the message must name.
  for (const [field, what, cidr, range] of clusterRanges) {
    if (overlaps(pool, range)) fail('loadBalancer.pool', `MetalLB pool ${lb.pool.first}-${lb.pool.last} overlaps the ${what} ${cidr} (${field})`);
  }
  for (const [field, , cidr, range] of clusterRanges) {
    if (overlaps(range, subnet)) fail(field, `${cidr} overlaps the node subnet ${cluster.nodeSubnet}`);
  }
  if (!contains(subnet, pool)) {
    fail('loadBalancer.pool', `MetalLB pool ${lb.pool.first}-${lb.pool.last} is not inside the node subnet ${cluster.nodeSubnet} (layer 2 only answers ARP on the nodes' segment)`);
  }
  // /31 and /32 have no network or broadcast address (RFC 3021).
  const hasBroadcast = subnet.last - subnet.first >= 3;
  const byIp = new Map<number, string>();
  const byName = new Map<string, string>();
  cluster.nodes.forEach((node, i) => {
    const ip = parse(`cluster.nodes[${i}].ip`, () => ipToInt(node.ip));
    if (ip < subnet.first || ip > subnet.last) {
      fail(`cluster.nodes[${i}].ip`, `node ${node.name} (${node.ip}) is outside the node subnet ${cluster.nodeSubnet}`);
    }
    if (hasBroadcast && (ip === subnet.first || ip === subnet.last)) {
      const which = ip === subnet.first ? 'network' : 'broadcast';
      fail(`cluster.nodes[${i}].ip`, `node ${node.name} (${node.ip}) has the ${which} address of the node subnet ${cluster.nodeSubnet}, which no host can use`);
    }
    const sameIp = byIp.get(ip);
    if (sameIp !== undefined) fail(`cluster.nodes[${i}].ip`, `nodes ${sameIp} and ${node.name} both have IP ${node.ip}`);
    byIp.set(ip, node.name);
    const sameName = byName.get(node.name);
    if (sameName !== undefined) fail(`cluster.nodes[${i}].name`, `node name ${node.name} is used twice (${sameName} and ${node.ip})`);
    byName.set(node.name, node.ip);
    if (ip >= pool.first && ip <= pool.last) {
      fail('loadBalancer.pool', `MetalLB pool ${lb.pool.first}-${lb.pool.last} contains node ${node.name} (${node.ip})`);
    }
  });
  if (nfsServer >= pool.first && nfsServer <= pool.last) {
    fail('loadBalancer.pool', `MetalLB pool ${lb.pool.first}-${lb.pool.last} contains the NFS server ${nfs.server} (nfs.server): MetalLB would hand out the storage server's address`);
  }
  if (ingress < pool.first || ingress > pool.last) {
    fail('loadBalancer.ingressIp', `Traefik's IP ${lb.ingressIp} is not in MetalLB pool ${lb.pool.name} (${lb.pool.first}-${lb.pool.last})`);
  }
}

export function isCidr(value: string): value is Cidr {
  try {
    cidrRange(value);
    return true;
  } catch {
    return false;
  }
}
