// Where Traefik's ACME resolver gets certificates: Let's Encrypt (production or staging), or
// the lab's in-cluster Pebble. The resolver is named after the issuer, so switching an
// environment from one to the other also switches the account Traefik keeps in acme.json.
import type { AcmeChoice } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import type { AcmeFacts } from './facts.ts';
import { pebble, pebbleAcmePort, pebbleNamespace, type PebbleVersions } from './pebble.ts';

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

export const letsEncryptDirectories = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

/** @param versions the in-cluster ACME server's release, used when the choice runs one. */
export function acme(choice: AcmeChoice, versions: PebbleVersions): Acme {
  switch (choice.issuer) {
    case 'letsencrypt':
      // Publicly trusted: Traefik's system pool already verifies it, nothing to mount.
      return { components: [], facts: { issuer: 'letsencrypt', caServer: letsEncryptDirectories[choice.directory], endpoint: { internet: true, port: 443 } } };
    case 'pebble': {
      const server = pebble(versions);
      return {
        components: [server.component],
        facts: { issuer: 'pebble', caServer: server.directoryUrl, endpoint: { namespace: pebbleNamespace, port: pebbleAcmePort } },
        trust: server.trust,
      };
    }
  }
}
