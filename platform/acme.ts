import type { AcmeChoice } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import type { AcmeFacts } from './facts.ts';

/** A CA Traefik must trust to talk to the ACME server (Pebble's test root; none for Let's Encrypt). */
export interface CaTrust {
  /** File name inside the mounted ConfigMap, e.g. `root-cert.pem`. */
  key: string;
  /** PEM of the public CA certificate (public test material, not a secret). */
  pem: string;
}

export interface Acme {
  /** In-cluster ACME server components (Pebble in the lab), none for Let's Encrypt. */
  components: Component[];
  facts: AcmeFacts;
  trust?: CaTrust;
}

// STUB: replaced by the ACME model (Pebble or Let's Encrypt).
export function acme(choice: AcmeChoice): Acme {
  return choice.issuer === 'pebble'
    ? { components: [], facts: { issuer: 'pebble', caServer: 'https://pebble.pebble.svc.cluster.local/dir' } }
    : {
        components: [],
        facts: {
          issuer: 'letsencrypt',
          caServer:
            choice.directory === 'production'
              ? 'https://acme-v02.api.letsencrypt.org/directory'
              : 'https://acme-staging-v02.api.letsencrypt.org/directory',
        },
      };
}
