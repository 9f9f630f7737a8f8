import type { ClusterFacts } from '../environments/types.ts';
import type { Component } from '../render/types.ts';

// STUB: replaced by the flannel model.
export function flannel(cluster: ClusterFacts): Component {
  void cluster;
  return { name: 'flannel', namespace: 'kube-flannel', layer: 'platform', syncWave: -30, resources: [] };
}
