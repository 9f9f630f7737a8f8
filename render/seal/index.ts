// Sealing values for an environment's Sealed Secrets controller without a cluster: the entry
// of `npm run seal` (render/commands/seal.ts) and of the bootstrap's key handling.
export { encryptionLabel, hybridEncrypt, sealValue } from './crypto.ts';
export { newSealingKeyPair, sealingKeyPair, sealingKeySecret, sealingPublicKey, type SealingKeyPair } from './keys.ts';
export { sealCommand } from './command-line.ts';
export { mergeSealed, serializeSealed, writeFileAtomic, type SealedUpdate } from './data-file.ts';
