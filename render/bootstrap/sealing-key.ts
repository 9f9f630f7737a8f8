// The operator's Sealed Secrets key pair (bring your own certificate): read from the PEM file
// given to `--sealing-key`, checked against the environment's committed public certificate, and
// handed to kubectl as a `kubernetes.io/tls` Secret on stdin. The private key stays in memory:
// it is never written to disk and never appears on a command line.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { Secret } from '../../platform/kinds.ts';
import type { KubeObject } from '../types.ts';
import { SEALING_KEY_LABEL } from './plan.ts';

/** The public certificate `npm run seal` encrypts with, committed per environment. */
export const sealingCertPath = (env: string): string => `environments/${env}.sealing-cert.pem`;

export interface SealingKey {
  certificate: X509Certificate;
  privateKey: KeyObject;
  /** PEM blocks as given, for the Secret's `tls.crt` / `tls.key`. */
  certPem: string;
  keyPem: string;
}

/** A mistake in the key file or a key that does not belong to the environment: one line, exit 1. */
export class SealingKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealingKeyError';
  }
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g;

/**
 * One PEM file holding the private key (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`,
 * unencrypted: the controller cannot use a passphrase) and its certificate, e.g.
 * `cat tls.key tls.crt > sealing-key.pem`.
 */
export function parseSealingKey(text: string, file: string): SealingKey {
  const blocks = [...text.matchAll(BLOCK)].map((m) => ({ label: m[1]!, pem: m[0].endsWith('\n') ? m[0] : `${m[0]}\n` }));
  const keys = blocks.filter((b) => /PRIVATE KEY$/.test(b.label));
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (keys.some((b) => b.label === 'ENCRYPTED PRIVATE KEY')) throw new SealingKeyError(`${file}: the private key is encrypted; the controller needs it without a passphrase (openssl pkey -in <file> -out /dev/stdout)`);
  if (keys.length !== 1 || certs.length !== 1) {
    throw new SealingKeyError(`${file}: expected one private key and one certificate in PEM (cat tls.key tls.crt > ${file}), found ${keys.length} key(s) and ${certs.length} certificate(s)`);
  }
  let privateKey: KeyObject;
  let certificate: X509Certificate;
  try {
    privateKey = createPrivateKey(keys[0]!.pem);
  } catch {
    throw new SealingKeyError(`${file}: the private key does not parse`);
  }
  try {
    certificate = new X509Certificate(certs[0]!.pem);
  } catch {
    throw new SealingKeyError(`${file}: the certificate does not parse`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new SealingKeyError(`${file}: Sealed Secrets needs an RSA key, this one is ${privateKey.asymmetricKeyType}`);
  if (!certificate.checkPrivateKey(privateKey)) throw new SealingKeyError(`${file}: the private key does not belong to the certificate in the same file`);
  return { certificate, privateKey, certPem: certs[0]!.pem, keyPem: keys[0]!.pem };
}

/** Refuses a key pair whose public key is not the committed certificate's. */
export function checkAgainstCommitted(key: SealingKey, committedPem: string, env: string, certFile: string, keyFile: string): void {
  let committed: X509Certificate;
  try {
    committed = new X509Certificate(committedPem);
  } catch {
    throw new SealingKeyError(`env ${env} › ${certFile}: not a PEM certificate`);
  }
  const der = (c: X509Certificate) => c.publicKey.export({ type: 'spki', format: 'der' });
  if (!der(committed).equals(der(key.certificate))) {
    throw new SealingKeyError(
      `env ${env} › ${keyFile}: this key pair is not the one ${certFile} was made from (public keys differ: ${fingerprint(key.certificate)} vs committed ${fingerprint(committed)}); values sealed for ${env} would not decrypt`,
    );
  }
}

function fingerprint(c: X509Certificate): string {
  return c.fingerprint256.replaceAll(':', '').slice(0, 16).toLowerCase();
}

/** The key Secret the controller adopts at start (label `…sealed-secrets-key=active`). */
export function sealingKeySecret(key: SealingKey, namespace: string, name: string): KubeObject {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return new Secret({
    metadata: { name, namespace, labels: { [SEALING_KEY_LABEL]: 'active' } },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(key.certPem), 'tls.key': b64(key.keyPem) },
  }) as KubeObject;
}
