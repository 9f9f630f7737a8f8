// Sealed Secrets' hybrid encryption, as the controller decrypts it (pkg/crypto HybridEncrypt,
// docs "Crypto details"): a random single-use 32-byte AES-256-GCM session key encrypts the value
// with a zero nonce; RSA-OAEP (SHA-256) encrypts the session key, with the scope's label;
// output = 2-byte big-endian length of the RSA ciphertext ‖ RSA ciphertext ‖ GCM ciphertext ‖ tag.
//
// node:crypto, not @linode/kubeseal-encrypt (1.0.1, one release): that library fixes the
// OAEP label to the namespace (namespace-wide scope only — its namespace check refuses the
// "namespace/name" label strict scope needs), takes a bare public key instead of the
// controller's certificate, and encrypts strings only (no binary files). The scheme is four
// node:crypto calls; the decryption test in test/seal/ checks it against the documented algorithm.
import { createCipheriv, publicEncrypt, randomBytes, constants, type KeyObject } from 'node:crypto';
import type { SealingScope } from '../../environments/sealed.ts';

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;

/** The OAEP label binding a ciphertext to where it may be unsealed (ssv1alpha1.EncryptionLabel). */
export function encryptionLabel(namespace: string, name: string, scope: SealingScope): Buffer {
  switch (scope) {
    case 'strict': return Buffer.from(`${namespace}/${name}`);
    case 'namespace-wide': return Buffer.from(namespace);
    case 'cluster-wide': return Buffer.alloc(0);
  }
}

export function hybridEncrypt(publicKey: KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsa = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sessionKey);
  // A zero nonce is safe only because the session key is used exactly once.
  const aes = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  const sealed = Buffer.concat([aes.update(plaintext), aes.final(), aes.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  return Buffer.concat([length, rsa, sealed]);
}

/** One value as `encryptedData` holds it. */
export function sealValue(publicKey: KeyObject, plaintext: Buffer, namespace: string, name: string, scope: SealingScope): string {
  return hybridEncrypt(publicKey, plaintext, encryptionLabel(namespace, name, scope)).toString('base64');
}
