import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { SealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret';
import { RenderError, type KubeObject } from '../../render/types.ts';

/**
 * A Secret an app consumes, by name only. The Secret itself is created in the cluster by the
 * Sealed Secrets controller from a SealedSecret (see docs/secrets.md); no value is ever rendered.
 */
export interface SecretRef<Key extends string = string> {
  name: string;
  keys: readonly Key[];
}

export function secretRef<const Key extends string>(name: string, keys: readonly Key[]): SecretRef<Key> {
  return { name, keys };
}

/** An environment variable read from one key of a referenced Secret. */
export function secretEnv<Key extends string>(envName: string, ref: SecretRef<Key>, key: Key): IEnvVar {
  return { name: envName, valueFrom: { secretKeyRef: { name: ref.name, key } } };
}

/**
 * Encrypted values an operator produced with `kubeseal --raw` for one Secret: key → ciphertext.
 * Environments carry these as data (`apps.<app>.sealed.<secret>`); absent means the Secret is
 * managed out of band (created once with kubeseal and applied by hand, or not yet created).
 */
export type EncryptedData = Readonly<Record<string, string>>;
export type SealedValues<Name extends string> = Partial<Record<Name, EncryptedData>>;

const CIPHERTEXT = /^[A-Za-z0-9+/]+=*$/;

/** Where an app's Secrets live: an app may span namespaces (a node agent apart from its UI). */
export interface SecretPlacement {
  namespace: string;
  refs: readonly SecretRef[];
}

/**
 * SealedSecrets for the referenced Secrets that have ciphertext in the environment's values,
 * each in the namespace that reads it. Strict scope: the ciphertext only decrypts for that exact
 * namespace and name, so a value copied to another app or environment fails in the controller
 * instead of leaking.
 */
export function sealedSecrets<Name extends string>(app: string, placements: readonly SecretPlacement[], sealed: SealedValues<Name> | undefined): SealedSecret[] {
  if (!sealed) return [];
  const byName = new Map<string, { namespace: string; ref: SecretRef }>();
  for (const p of placements) for (const ref of p.refs) byName.set(ref.name, { namespace: p.namespace, ref });
  const out: SealedSecret[] = [];
  for (const name of Object.keys(sealed).sort()) {
    const data = sealed[name as Name];
    if (!data) continue;
    const where = { component: app, resource: `SealedSecret/${name}`, field: `apps.${app}.sealed.${name}` };
    const target = byName.get(name);
    if (!target) throw new RenderError(where, `app ${app} does not use a Secret named "${name}" (it uses: ${[...byName.keys()].sort().join(', ')})`);
    const { namespace, ref } = target;
    const missing = ref.keys.filter((k) => !(k in data));
    if (missing.length) throw new RenderError(where, `missing key(s) ${missing.join(', ')}: the app reads them`);
    const encryptedData: Record<string, string> = {};
    for (const key of Object.keys(data).sort()) {
      if (!CIPHERTEXT.test(data[key]) || data[key].length < 64) {
        throw new RenderError({ ...where, field: `${where.field}.${key}` }, 'not kubeseal ciphertext (expected the base64 output of `kubeseal --raw`)');
      }
      encryptedData[key] = data[key];
    }
    out.push(
      new SealedSecret({
        metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': app } },
        spec: { encryptedData, template: { metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': app } }, type: 'Opaque' } },
      }),
    );
  }
  return out;
}

export interface AppSecrets {
  /** Rendered: the Secrets the environment's values carry ciphertext for. */
  sealed: SealedSecret[];
  /**
   * Not rendered: the Secrets still provisioned out of band (docs/secrets.md), declared as
   * runtime objects so references resolve during validation. Metadata only — never data.
   */
  outOfBand: KubeObject[];
}

/** Every Secret an app reads: sealed from values where ciphertext exists, declared otherwise. */
export function appSecrets<Name extends string>(app: string, placements: readonly SecretPlacement[], sealed: SealedValues<Name> | undefined): AppSecrets {
  const rendered = sealedSecrets(app, placements, sealed);
  const done = new Set(rendered.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
  const outOfBand: KubeObject[] = [];
  for (const p of placements) {
    for (const ref of p.refs) {
      if (done.has(`${p.namespace}/${ref.name}`)) continue;
      outOfBand.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: ref.name, namespace: p.namespace, annotations: { 'secrets.gitops/provisioned': 'out-of-band', 'secrets.gitops/keys': ref.keys.join(',') } },
      });
    }
  }
  return { sealed: rendered, outOfBand };
}
