// The secret inventory of one environment: every Secret an object names (pods, Traefik
// middlewares and routes, Argo CD generators) or an upstream install reads, with what provides
// it — a SealedSecret from environments/<env>.sealed.json, a Secret rendered here, a runtime
// actor a component declares (a controller, Argo CD itself, the bootstrap), or nothing.
import type { Environment } from '../../environments/types.ts';
import { sealedDataFile, type SealingScope } from '../../environments/sealed.ts';
import { sealedSecret } from '../../platform/sealed-secrets.ts';
import { PROVIDED_BY_ANNOTATION, SAME_AS_ANNOTATION, RenderError, type Component, type KubeObject } from '../types.ts';
import { needsOf, type Need } from './needs.ts';
import { byText } from '../text-order.ts';


export interface PlacedObject {
  component: string;
  object: KubeObject;
}

export interface SecretReader {
  component: string;
  /** `Kind/namespace/name` of the object that names the Secret. */
  object: string;
  field: string;
  keys: string[];
  blocks: Need['blocks'];
}

export type SecretProvider =
  | { kind: 'sealed'; component: string; scope: SealingScope; keys: string[] }
  | { kind: 'rendered'; component: string; keys: string[] | null }
  | { kind: 'runtime'; component: string; by: string }
  | { kind: 'none' };

export interface SecretInventoryEntry {
  namespace: string;
  name: string;
  /** Every key some reader names, sorted (a reader of the whole Secret adds none). */
  keys: string[];
  readers: SecretReader[];
  provider: SecretProvider;
  /** Keys that must equal a key of another Secret (declared by the model that reads both). */
  sameAs: Record<string, { namespace: string; name: string; key: string }>;
}

export interface SecretInventory {
  env: string;
  /** Sorted by namespace, then name. */
  entries: SecretInventoryEntry[];
}

const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function readersOf(objects: readonly PlacedObject[]): Map<string, SecretReader[]> {
  const readers = new Map<string, SecretReader[]>();
  for (const { component, object } of objects) {
    const ns = object.metadata.namespace ?? '';
    for (const need of needsOf(object)) {
      if (need.kind !== 'Secret') continue;
      const key = `${ns}/${need.name}`;
      const list = readers.get(key) ?? [];
      list.push({ component, object: id(object), field: need.field, keys: need.keys, blocks: need.blocks });
      readers.set(key, list);
    }
  }
  return readers;
}

/**
 * A SealedSecret for every entry of the environment's sealed data, in the component (Argo CD
 * Application) of the earliest sync wave among those reading it, so it is there when its first
 * reader starts. Ciphertext that nothing reads is refused: it would be dead weight in Git, and
 * most often the sign of a misspelt name.
 */
export function placeSealedSecrets(env: Environment, components: readonly Component[], objects: readonly PlacedObject[]): PlacedObject[] {
  const wave = new Map(components.map((c) => [c.name, c.syncWave]));
  const readers = readersOf(objects);
  const out: PlacedObject[] = [];
  for (const key of Object.keys(env.sealed).sort()) {
    const [namespace, name] = key.split('/') as [string, string];
    const list = readers.get(key) ?? [];
    if (list.length === 0) {
      const inNamespace = [...readers.keys()].filter((k) => k.startsWith(`${namespace}/`)).map((k) => k.slice(namespace.length + 1));
      throw new RenderError(
        { env: env.name, file: sealedDataFile(env.name), field: key },
        `nothing in env ${env.name} reads Secret ${name} in namespace ${namespace}` +
          (inNamespace.length ? ` (Secrets read there: ${inNamespace.join(', ')})` : ' (no object there reads a Secret)'),
      );
    }
    const first = [...list].sort((a, b) => (wave.get(a.component) ?? 0) - (wave.get(b.component) ?? 0) || byText(a.component, b.component))[0]!;
    const object = sealedSecret(namespace, name, env.sealed[key]!, first.component) as unknown as KubeObject;
    out.push({ component: first.component, object });
  }
  return out;
}

/** Every Secret of the environment with its readers and its provider. */
export function secretInventory(env: Environment, components: readonly Component[], objects: readonly PlacedObject[]): SecretInventory {
  const entries = new Map<string, SecretInventoryEntry>();
  const entry = (namespace: string, name: string): SecretInventoryEntry => {
    const key = `${namespace}/${name}`;
    let e = entries.get(key);
    if (!e) entries.set(key, (e = { namespace, name, keys: [], readers: [], provider: { kind: 'none' }, sameAs: {} }));
    return e;
  };
  for (const [key, list] of readersOf(objects)) {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const e = entry(namespace, name);
    e.readers.push(...list);
    e.keys = [...new Set([...e.keys, ...list.flatMap((r) => r.keys)])].sort();
  }
  for (const { component, object } of objects) {
    const ns = object.metadata.namespace ?? '';
    if (object.kind === 'SealedSecret') {
      const spec = object.spec as { encryptedData?: Record<string, string>; template?: { metadata?: { name?: string } } } | undefined;
      const name = spec?.template?.metadata?.name ?? object.metadata.name;
      const ann = object.metadata.annotations ?? {};
      const scope: SealingScope = ann['sealedsecrets.bitnami.com/cluster-wide'] === 'true' ? 'cluster-wide' : ann['sealedsecrets.bitnami.com/namespace-wide'] === 'true' ? 'namespace-wide' : 'strict';
      entry(ns, name).provider = { kind: 'sealed', component, scope, keys: Object.keys(spec?.encryptedData ?? {}).sort() };
    } else if (object.kind === 'Secret' && object.apiVersion === 'v1') {
      const data = { ...(object.data as Record<string, string> | undefined), ...(object.stringData as Record<string, string> | undefined) };
      const keys = object.data === undefined && object.stringData === undefined ? null : Object.keys(data).sort();
      entry(ns, object.metadata.name).provider = { kind: 'rendered', component, keys };
    }
  }
  for (const c of components) {
    for (const o of c.runtimeObjects ?? []) {
      if (o.kind !== 'Secret') continue;
      const by = o.metadata.annotations?.[PROVIDED_BY_ANNOTATION];
      const sameAs = o.metadata.annotations?.[SAME_AS_ANNOTATION];
      if (sameAs) {
        const e = entry(o.metadata.namespace ?? c.namespace, o.metadata.name);
        for (const [k, v] of Object.entries(JSON.parse(sameAs) as Record<string, { namespace: string; secret: string; key: string }>)) {
          e.sameAs[k] = { namespace: v.namespace, name: v.secret, key: v.key };
        }
      }
      if (by === 'environment') continue;
      const e = entry(o.metadata.namespace ?? c.namespace, o.metadata.name);
      if (e.provider.kind === 'none') e.provider = { kind: 'runtime', component: c.name, by: by ?? `created at runtime (declared by ${c.name})` };
    }
  }
  const sorted = [...entries.values()].sort((a, b) => byText(a.namespace, b.namespace) || byText(a.name, b.name));
  return { env: env.name, entries: sorted };
}

/** Keys a reader needs that the provider does not carry (a provider of unknown keys carries all). */
export function missingKeys(e: SecretInventoryEntry): string[] {
  const p = e.provider;
  if (p.kind === 'none') return e.keys;
  if (p.kind === 'runtime' || (p.kind === 'rendered' && p.keys === null)) return [];
  const have = new Set(p.keys);
  return e.keys.filter((k) => !have.has(k));
}
