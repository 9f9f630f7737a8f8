import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { PROVIDED_BY_ANNOTATION, SAME_AS_ANNOTATION, type KubeObject } from '../../render/types.ts';

/**
 * A Secret an app consumes, by name only. The Secret itself is created in the cluster by the
 * Sealed Secrets controller from a SealedSecret the environment seals (docs/secrets.md); no
 * value is ever rendered.
 */
export interface SecretRef<Key extends string = string> {
  name: string;
  keys: readonly Key[];
  /**
   * Keys that must hold the same value as a key of another Secret (Secrets do not cross
   * namespaces): `npm run seal -- --generate-missing` seals one random value into both.
   */
  sameAs?: Partial<Record<Key, SecretKeyOf>>;
}

export interface SecretKeyOf {
  namespace: string;
  secret: string;
  key: string;
}

export function secretRef<const Key extends string>(name: string, keys: readonly Key[], sameAs?: Partial<Record<Key, SecretKeyOf>>): SecretRef<Key> {
  return sameAs ? { name, keys, sameAs } : { name, keys };
}

/** An environment variable read from one key of a referenced Secret. */
export function secretEnv<Key extends string>(envName: string, ref: SecretRef<Key>, key: Key): IEnvVar {
  return { name: envName, valueFrom: { secretKeyRef: { name: ref.name, key } } };
}

/** Where an app's Secrets live: an app may span namespaces (a node agent apart from its UI). */
export interface SecretPlacement {
  namespace: string;
  refs: readonly SecretRef[];
}

/**
 * The Secrets an app reads, declared as runtime objects (metadata only, never data) so that
 * references resolve during validation. What provides each one is the environment's business:
 * a SealedSecret from `environments/<env>.sealed.json`, placed by the build beside the first
 * object that reads it (render/inventory/); the convergence proof reports any that nothing provides.
 */
export function appSecrets(placements: readonly SecretPlacement[]): KubeObject[] {
  return placements.flatMap((p) =>
    p.refs.map((ref) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: ref.name,
        namespace: p.namespace,
        annotations: {
          [PROVIDED_BY_ANNOTATION]: 'environment',
          'secrets.gitops/keys': ref.keys.join(','),
          ...(ref.sameAs ? { [SAME_AS_ANNOTATION]: JSON.stringify(ref.sameAs) } : {}),
        },
      },
    })),
  );
}
