import type { ClusterFacts, Ipv4, LoadBalancerFacts } from '../environments/types.ts';
import type { Component } from '../render/types.ts';

/** An address MetalLB will hand out: only obtainable from `metallb(...).assign`, so it is known to be in a pool. */
export interface LoadBalancerIp {
  address: Ipv4;
  pool: string;
}

export interface MetalLB {
  component: Component;
  /** Reserve an address of the pool for a Service (throws when it is not in the pool). */
  assign(address: Ipv4): LoadBalancerIp;
}

// STUB: replaced by the MetalLB model.
export function metallb(cluster: ClusterFacts, lb: LoadBalancerFacts): MetalLB {
  void cluster;
  return {
    component: { name: 'metallb', namespace: 'metallb-system', layer: 'platform', syncWave: -20, resources: [] },
    assign: (address) => ({ address, pool: lb.pool.name }),
  };
}
