import type { Environment } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import type { PlatformFacts } from './facts.ts';

// STUB: replaced by the Argo CD model.
export function argocd(env: Environment, components: Component[], facts: PlatformFacts): Component {
  void env; void components; void facts;
  return { name: 'argocd', namespace: 'argocd', layer: 'platform', syncWave: -40, resources: [] };
}
