// What each object needs by name, and the secret inventory built from it: the entry of
// render/build.ts (placing SealedSecrets), render/converge/ and `npm run seal`.
export { needsOf, podTemplate, type Need, type NeedKind } from './needs.ts';
export { placeSealedSecrets, secretInventory, missingKeys, type PlacedObject, type SecretInventory, type SecretInventoryEntry, type SecretProvider, type SecretReader } from './secrets.ts';
