import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { checkNetwork } from '../../platform/network.ts';
import type { Environment } from '../../environments/types.ts';
import { buildEnvironment } from '../../render/build.ts';
import type { RenderError } from '../../render/types.ts';
import { renderError } from '../helpers/errors.ts';

function withChange(change: (e: Environment) => void): Environment {
  const env = structuredClone(dev);
  change(env);
  return env;
}

const errorOf = (env: Environment): RenderError => renderError(() => buildEnvironment(env));

describe('cross-component network invariants', () => {
  it('accepts the real environments', () => {
    expect(buildEnvironment(dev).objects.length).toBeGreaterThan(0);
    expect(() => checkNetwork(prod)).not.toThrow();
  });

  // Near-identical controls of the failing cases below.
  const accepted: [string, (e: Environment) => void][] = [
    ['an NFS server just outside the pool', (e) => { e.nfs.server = '172.16.0.211'; }],
    ['nodes on the first and last usable addresses', (e) => { e.cluster.nodes[1].ip = '172.16.0.1'; e.cluster.nodes[2].ip = '172.16.0.254'; }],
    ['distinct node names differing only in a digit', (e) => { e.cluster.nodes[3].name = 'k8s-node4'; }],
    ['a service CIDR next to the node subnet', (e) => { e.cluster.serviceCidr = '172.16.1.0/24'; }],
  ];
  it.each(accepted)('accepts %s', (_name, change) => {
    expect(() => checkNetwork(withChange(change))).not.toThrow();
  });

  const cases: [string, (e: Environment) => void, RegExp, string][] = [
    ['pool outside the node subnet', (e) => { e.loadBalancer.pool = { name: 'default', first: '172.16.1.200', last: '172.16.1.210' }; e.loadBalancer.ingressIp = '172.16.1.200'; }, /pool 172\.16\.1\.200-172\.16\.1\.210 is not inside the node subnet 172\.16\.0\.0\/24/, 'loadBalancer.pool'],
    ['pool overlapping the pod CIDR', (e) => { e.cluster.nodeSubnet = '10.244.0.0/24'; e.cluster.nodes = []; e.loadBalancer.pool = { name: 'default', first: '10.244.0.240', last: '10.244.0.250' }; e.loadBalancer.ingressIp = '10.244.0.240'; }, /MetalLB pool 10\.244\.0\.240-10\.244\.0\.250 overlaps the pod CIDR 10\.244\.0\.0\/16/, 'loadBalancer.pool'],
    ['pool overlapping the service CIDR', (e) => { e.cluster.serviceCidr = '172.16.0.192/26'; }, /MetalLB pool 172\.16\.0\.200-172\.16\.0\.210 overlaps the service CIDR 172\.16\.0\.192\/26/, 'loadBalancer.pool'],
    ['service CIDR overlapping the node subnet (clear of the pool)', (e) => { e.cluster.serviceCidr = '172.16.0.0/26'; }, /172\.16\.0\.0\/26 overlaps the node subnet 172\.16\.0\.0\/24/, 'cluster.serviceCidr'],
    ['NFS server inside the pool', (e) => { e.nfs.server = '172.16.0.205'; }, /MetalLB pool 172\.16\.0\.200-172\.16\.0\.210 contains the NFS server 172\.16\.0\.205 .*storage server's address/, 'loadBalancer.pool'],
    ['NFS server on the pool boundary', (e) => { e.nfs.server = '172.16.0.210'; }, /contains the NFS server 172\.16\.0\.210/, 'loadBalancer.pool'],
    ['two nodes with one IP', (e) => { e.cluster.nodes[2].ip = '172.16.0.151'; }, /nodes k8s-node1 and k8s-node2 both have IP 172\.16\.0\.151/, 'cluster.nodes[2].ip'],
    ['two nodes with one name', (e) => { e.cluster.nodes[3].name = 'k8s-node1'; }, /node name k8s-node1 is used twice \(172\.16\.0\.151 and 172\.16\.0\.153\)/, 'cluster.nodes[3].name'],
    ['a node on the network address', (e) => { e.cluster.nodes[1].ip = '172.16.0.0'; }, /node k8s-node1 \(172\.16\.0\.0\) has the network address of the node subnet 172\.16\.0\.0\/24/, 'cluster.nodes[1].ip'],
    ['a node on the broadcast address', (e) => { e.cluster.nodes[2].ip = '172.16.0.255'; }, /node k8s-node2 \(172\.16\.0\.255\) has the broadcast address of the node subnet 172\.16\.0\.0\/24/, 'cluster.nodes[2].ip'],
    ['pool containing a node', (e) => { e.loadBalancer.pool = { name: 'default', first: '172.16.0.140', last: '172.16.0.160' }; e.loadBalancer.ingressIp = '172.16.0.140'; }, /contains node k8s-control \(172\.16\.0\.150\)/, 'loadBalancer.pool'],
    ['ingress IP outside the pool', (e) => { e.loadBalancer.ingressIp = '172.16.0.220'; }, /Traefik's IP 172\.16\.0\.220 is not in MetalLB pool default \(172\.16\.0\.200-172\.16\.0\.210\)/, 'loadBalancer.ingressIp'],
    ['pod and service CIDRs overlapping', (e) => { e.cluster.serviceCidr = '10.244.128.0/20'; }, /pod CIDR 10\.244\.0\.0\/16 overlaps service CIDR 10\.244\.128\.0\/20/, 'cluster.podCidr'],
    ['a CIDR with host bits', (e) => { e.cluster.podCidr = '10.244.1.0/16'; }, /host bits/, 'cluster.podCidr'],
    ['a malformed address', (e) => { e.nfs.server = '172.16.0.300' as never; }, /not an IPv4 address/, 'nfs.server'],
    ['an empty pool', (e) => { e.loadBalancer.pool = { name: 'default', first: '172.16.0.210', last: '172.16.0.200' }; }, /empty/, 'loadBalancer.pool'],
  ];

  it.each(cases)('rejects %s, naming the environment and both sides', (_name, change, message, field) => {
    const err = errorOf(withChange(change));
    expect(err.where.env).toBe('dev');
    expect(err.where.field).toBe(field);
    expect(err.describe()).toMatch(message);
    expect(err.describe()).toMatch(/^env dev › /);
  });
});
