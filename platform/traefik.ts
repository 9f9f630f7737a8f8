import type { Component } from '../render/types.ts';
import type { CaTrust } from './acme.ts';
import type { AcmeFacts, IngressFacts, StorageClassRef } from './facts.ts';
import type { LoadBalancerIp } from './metallb.ts';

export interface TraefikInput {
  loadBalancerIp: LoadBalancerIp;
  /** acme.json lives on a PVC of this class. */
  storageClass: StorageClassRef;
  acme: AcmeFacts;
  trust?: CaTrust;
  email: string;
  dashboardHost: string;
}

export interface Traefik {
  component: Component;
  ingress: IngressFacts;
}

// STUB: replaced by the Traefik model.
export function traefik(input: TraefikInput): Traefik {
  return {
    component: { name: 'traefik', namespace: 'traefik', layer: 'platform', syncWave: -10, resources: [] },
    ingress: {
      className: 'traefik',
      namespace: 'traefik',
      entryPoints: { web: 'web', websecure: 'websecure' },
      certResolver: input.acme.issuer,
      loadBalancerIp: input.loadBalancerIp.address,
    },
  };
}
