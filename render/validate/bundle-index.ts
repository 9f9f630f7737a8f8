// Everything that exists: the bundle's objects plus the inventory (what the cluster already has),
// indexed for the cross-reference checks. A SealedSecret provides the Secret it unseals to.
import type { BundleItem } from './index.ts';
import { apiGroup, isClusterScoped } from '../scope.ts';
import { asObject, asString, isObject, type JsonObject } from './json.ts';
import { podTemplateOf } from './workloads.ts';

export interface Entry {
  object: JsonObject;
  /** Absent for inventory objects. */
  item?: BundleItem;
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface PodLabels {
  labels: Record<string, string>;
  /** The pod spec of the template. */
  spec: JsonObject;
  entry: Entry;
}

/** Keys of a ConfigMap/Secret, or null when unknown (any key is accepted). */
export type Keys = ReadonlySet<string> | null;

/** Created by the API server in every namespace. */
const IMPLICIT_CONFIGMAPS: Record<string, Keys> = { 'kube-root-ca.crt': new Set(['ca.crt']) };

export function namespaceOf(o: JsonObject, kind: string): string {
  if (isClusterScoped(kind)) return '';
  return asString(asObject(o.metadata)?.namespace) ?? '';
}

export function entryOf(o: unknown, item?: BundleItem): Entry | undefined {
  if (!isObject(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') return undefined;
  const name = asString(asObject(o.metadata)?.name);
  if (name === undefined) return undefined;
  return { object: o, item, group: apiGroup(o.apiVersion), kind: o.kind, namespace: namespaceOf(o, o.kind), name };
}

export function keyOf(group: string, kind: string, namespace: string, name: string): string {
  return `${group}/${kind}/${namespace}/${name}`;
}

export class BundleIndex {
  private readonly objects = new Map<string, Entry[]>();
  private readonly byKindName = new Map<string, Entry[]>();
  private readonly pods = new Map<string, PodLabels[]>();
  /** Pod templates by namespace and one label pair: selectors look up candidates, not scan. */
  private readonly podsByLabel = new Map<string, PodLabels[]>();
  private readonly secrets = new Map<string, Keys>();
  private readonly configMaps = new Map<string, Keys>();
  hasDefaultStorageClass = false;

  constructor(items: readonly BundleItem[], inventory: readonly unknown[]) {
    for (const item of items) {
      const e = entryOf(item.object, item);
      if (e) this.add(e);
    }
    for (const o of inventory) {
      const e = entryOf(o);
      if (e) this.add(e);
    }
  }

  private add(e: Entry): void {
    push(this.objects, keyOf(e.group, e.kind, e.namespace, e.name), e);
    push(this.byKindName, `${e.kind}/${e.namespace}/${e.name}`, e);
    const o = e.object;
    const tpl = podTemplateOf(o);
    if (tpl) {
      const pod = { labels: tpl.labels, spec: tpl.spec, entry: e };
      push(this.pods, e.namespace, pod);
      for (const [k, v] of Object.entries(tpl.labels)) push(this.podsByLabel, `${e.namespace}\u0000${k}=${v}`, pod);
    }
    if (e.kind === 'Secret' && e.group === '') {
      this.secrets.set(`${e.namespace}/${e.name}`, keysOf(o, ['data', 'stringData']));
    } else if (e.kind === 'SealedSecret' && e.group === 'bitnami.com') {
      const spec = asObject(o.spec);
      const template = asObject(spec?.template);
      const name = asString(asObject(template?.metadata)?.name) ?? e.name;
      const keys = new Set<string>();
      for (const section of [asObject(spec?.encryptedData), asObject(template?.data)]) {
        if (section) for (const k of Object.keys(section)) keys.add(k);
      }
      this.secrets.set(`${e.namespace}/${name}`, keys);
    } else if (e.kind === 'ConfigMap' && e.group === '') {
      this.configMaps.set(`${e.namespace}/${e.name}`, keysOf(o, ['data', 'binaryData']));
    } else if (e.kind === 'StorageClass' && e.group === 'storage.k8s.io') {
      const ann = asObject(asObject(o.metadata)?.annotations);
      if (ann?.['storageclass.kubernetes.io/is-default-class'] === 'true') this.hasDefaultStorageClass = true;
    }
  }

  get(group: string, kind: string, namespace: string, name: string): Entry[] {
    return this.objects.get(keyOf(group, kind, isClusterScoped(kind) ? '' : namespace, name)) ?? [];
  }

  /** Any group: for references that name a kind only (scaleTargetRef without apiVersion). */
  getByKind(kind: string, namespace: string, name: string): Entry[] {
    return this.byKindName.get(`${kind}/${isClusterScoped(kind) ? '' : namespace}/${name}`) ?? [];
  }

  podsIn(namespace: string): readonly PodLabels[] {
    return this.pods.get(namespace) ?? [];
  }

  /** Pod templates that could match these required label pairs (all of them when none). */
  podCandidates(namespace: string, required: Readonly<Record<string, string>> | undefined): readonly PodLabels[] {
    let best: readonly PodLabels[] | undefined;
    for (const [k, v] of Object.entries(required ?? {})) {
      const list = this.podsByLabel.get(`${namespace}\u0000${k}=${v}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    return best ?? this.podsIn(namespace);
  }

  /** undefined: no such Secret; null: exists, keys unknown. */
  secretKeys(namespace: string, name: string): Keys | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }

  configMapKeys(namespace: string, name: string): Keys | undefined {
    return this.configMaps.get(`${namespace}/${name}`) ?? IMPLICIT_CONFIGMAPS[name];
  }

  /** All bundle entries sharing an identity, in bundle order. */
  duplicates(): Entry[][] {
    const out: Entry[][] = [];
    for (const list of this.objects.values()) {
      const inBundle = list.filter((e) => e.item);
      if (inBundle.length > 1) out.push(inBundle);
    }
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function keysOf(o: JsonObject, sections: string[]): Keys {
  let keys: Set<string> | null = null;
  for (const s of sections) {
    const data = asObject(o[s]);
    if (!data) continue;
    keys ??= new Set();
    for (const k of Object.keys(data)) keys.add(k);
  }
  return keys;
}
