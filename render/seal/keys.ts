// Sealing key pairs an operator holds outside the repository. The controller accepts a key
// pair it did not generate (Sealed Secrets "Bring your own certificates"): a kubernetes.io/tls
// Secret labelled sealedsecrets.bitnami.com/sealed-secrets-key=active in the controller's
// namespace. So a pair made here, whose certificate is committed, lets values be sealed before
// the cluster exists and decrypt on its first boot.
import { webcrypto, X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Secret } from '../../platform/kinds.ts';
import { sealedSecretsNamespace, sealingKeySecretName } from '../../platform/sealed-secrets.ts';

export interface SealingKeyPair {
  /** Public: committed as environments/<env>.sealing-cert.pem. */
  certPem: string;
  /** Private (PKCS#8 PEM): never committed, never logged. */
  keyPem: string;
}

/** The controller's own defaults: RSA 4096, a self-signed certificate valid 10 years. */
export async function newSealingKeyPair(commonName: string, modulusLength = 4096): Promise<SealingKeyPair> {
  // node:crypto makes keys but cannot issue X.509 certificates: @peculiar/x509 does that part
  // (its dependency injection needs the Reflect metadata polyfill loaded first).
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}, O=sealed-secret`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
  return { certPem: cert.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n', keyPem };
}

/** The RSA public key of a sealing certificate; throws a plain Error describing what is wrong. */
export function sealingPublicKey(certPem: string): KeyObject {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new Error('not a PEM X.509 certificate (fetch it with `kubeseal --fetch-cert`)');
  }
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`the certificate holds a ${key.asymmetricKeyType} key; Sealed Secrets seals with RSA`);
  return key;
}

/**
 * The operator's key file checked against the committed certificate (for `npm run bootstrap
 * --sealing-key`): a key that does not match would leave every committed value undecryptable.
 */
export function sealingKeyPair(certPem: string, keyPem: string): SealingKeyPair {
  const cert = sealingPublicKey(certPem);
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new Error('not a PEM private key');
  }
  const pub = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).toString('base64');
  if (key.asymmetricKeyType !== 'rsa' || pub(createPublicKey(key)) !== pub(cert)) {
    throw new Error("the private key is not the certificate's: values sealed with the committed certificate would not decrypt");
  }
  return { certPem, keyPem };
}

/**
 * The Secret that hands an operator-held key pair to the controller (for `npm run bootstrap`):
 * applied before the controller starts, it is the active sealing key.
 */
export function sealingKeySecret(pair: SealingKeyPair, name = sealingKeySecretName): Secret {
  return new Secret({
    metadata: { name, namespace: sealedSecretsNamespace, labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.certPem).toString('base64'), 'tls.key': Buffer.from(pair.keyPem).toString('base64') },
  });
}
