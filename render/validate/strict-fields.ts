// Unknown-field detection that is exact to the compiled schema: the `kubernetes-models`
// validators never reject extra keys, but they read every property their schema defines
// (ajv `properties`, compiled with allErrors) and enumerate the keys of maps
// (`additionalProperties`). Running the validator on a Proxy that records those reads tells,
// for each sub-object, which keys the schema knows; a present key never read is unknown.
// An object that was neither read nor enumerated is free-form
// (x-kubernetes-preserve-unknown-fields, `type: object` without properties) and is skipped.
//
// Proxies cost ~5× a plain validation, so the key sets seen per schema location are learned
// from error-free objects and later objects are checked with plain Set lookups; anything the
// learned shape does not cover (a new key, a location not seen yet) falls back to the Proxy
// run, which stays the only judge of "unknown".
import type { AjvError, SchemaCheck } from './schema-registry.ts';
import { field, index, isObject } from './json.ts';

interface Reads {
  read: Set<string>;
  enumerated: boolean;
  children: Map<string, { target: object; reads: Reads; proxy: object }>;
}

interface Shape {
  freeForm: boolean;
  map: boolean;
  keys: Set<string>;
  /** Child shapes by key; `*` for map values, `[]` for array items. */
  children: Map<string, Shape>;
}

export interface UnknownField {
  path: string;
  key: string;
}

export interface StrictResult {
  errors: AjvError[] | null;
  /** Fields the schema does not define. */
  unknown: UnknownField[];
}

const shapes = new WeakMap<SchemaCheck, Shape>();

export function validateStrict(check: SchemaCheck, data: unknown): StrictResult {
  const shape = shapes.get(check);
  if (shape && isObject(data) && covered(data, shape)) return { errors: check(data), unknown: [] };
  if (!isObject(data)) return { errors: check(data), unknown: [] };
  // A big object (a ConfigMap with 100,000 keys) is learned from a skeleton holding the first
  // few entries of each map and list: if the skeleton is valid and the learned shape covers the
  // whole object, the object needs only the plain validator. Anything else takes the Proxy run.
  const skeleton = skeletonOf(data);
  if (skeleton !== data && learnFrom(check, skeleton, shape)) {
    const learned = shapes.get(check)!;
    if (covered(data, learned)) return { errors: check(data), unknown: [] };
  }
  const reads = newReads();
  const errors = check(track(data, reads));
  const unknown: UnknownField[] = [];
  collectUnknown(data, reads, '', unknown);
  if (errors === null) {
    let root = shape;
    if (!root) {
      root = newShape();
      shapes.set(check, root);
    }
    learn(data, reads, root);
  }
  return { errors, unknown };
}

/** Proxy-validates `data`; true (and the shape learned) when it is error-free and has no unknown field. */
function learnFrom(check: SchemaCheck, data: object, shape: Shape | undefined): boolean {
  const reads = newReads();
  if (check(track(data, reads)) !== null) return false;
  const unknown: UnknownField[] = [];
  collectUnknown(data, reads, '', unknown);
  if (unknown.length) return false;
  let root = shape;
  if (!root) {
    root = newShape();
    shapes.set(check, root);
  }
  learn(data, reads, root);
  return true;
}

/** Entries kept per map or list in a skeleton: enough to meet every shape a schema repeats. */
const SKELETON_ENTRIES = 64;

/** `data` with every map and list cut to its first entries; `data` itself when nothing was cut. */
function skeletonOf<T>(data: T): T {
  if (Array.isArray(data)) {
    let cut = data.length > SKELETON_ENTRIES;
    const out = (cut ? data.slice(0, SKELETON_ENTRIES) : data).map((v: unknown) => {
      const s = skeletonOf(v);
      if (s !== v) cut = true;
      return s;
    });
    return (cut ? out : data) as T;
  }
  if (!isObject(data)) return data;
  const keys = Object.keys(data);
  let cut = keys.length > SKELETON_ENTRIES;
  const out: Record<string, unknown> = {};
  for (const key of cut ? keys.slice(0, SKELETON_ENTRIES) : keys) {
    const v = data[key];
    const s = skeletonOf(v);
    if (s !== v) cut = true;
    out[key] = s;
  }
  return (cut ? out : data) as T;
}

function newReads(): Reads {
  return { read: new Set(), enumerated: false, children: new Map() };
}

function newShape(): Shape {
  return { freeForm: true, map: false, keys: new Set(), children: new Map() };
}

function track(target: object, reads: Reads): object {
  const isArray = Array.isArray(target);
  return new Proxy(target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key);
      if (typeof key !== 'string') return value;
      // Every key of an enumerated map is known: recording each read would only cost time.
      if (!isArray && !reads.enumerated) reads.read.add(key);
      if (value === null || typeof value !== 'object') return value;
      let child = reads.children.get(key);
      if (!child || child.target !== value) {
        const childReads = newReads();
        child = { target: value, reads: childReads, proxy: track(value, childReads) };
        reads.children.set(key, child);
      }
      return child.proxy;
    },
    ownKeys(t) {
      reads.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
}

function collectUnknown(data: unknown, reads: Reads, path: string, out: UnknownField[]): void {
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const child = reads.children.get(String(i));
      if (child) collectUnknown(data[i], child.reads, index(path, i), out);
    }
    return;
  }
  if (!isObject(data)) return;
  if (!reads.enumerated && reads.read.size === 0) return;
  for (const key of Object.keys(data)) {
    if (data[key] === undefined) continue;
    if (!reads.enumerated && !reads.read.has(key)) {
      out.push({ path: field(path, key), key });
      continue;
    }
    const child = reads.children.get(key);
    if (child) collectUnknown(data[key], child.reads, field(path, key), out);
  }
}

function learn(data: unknown, reads: Reads, shape: Shape): void {
  if (Array.isArray(data)) {
    shape.freeForm = false;
    for (let i = 0; i < data.length; i++) {
      const child = reads.children.get(String(i));
      if (child) learn(data[i], child.reads, childShape(shape, '[]'));
    }
    return;
  }
  if (!isObject(data)) return;
  const free = !reads.enumerated && reads.read.size === 0;
  shape.freeForm = shape.freeForm && free;
  if (free) return;
  if (reads.enumerated) shape.map = true;
  for (const key of reads.read) shape.keys.add(key);
  for (const [key, child] of reads.children) {
    learn(data[key], child.reads, childShape(shape, reads.enumerated ? '*' : key));
  }
}

function childShape(shape: Shape, key: string): Shape {
  let child = shape.children.get(key);
  if (!child) {
    child = newShape();
    shape.children.set(key, child);
  }
  return child;
}

/** True when every key and nested object of `data` is within what the shape has learned. */
function covered(data: unknown, shape: Shape): boolean {
  if (Array.isArray(data)) {
    const item = shape.children.get('[]');
    for (const el of data) {
      if (el !== null && typeof el === 'object' && (!item || !covered(el, item))) return false;
    }
    return true;
  }
  if (!isObject(data)) return true;
  if (shape.freeForm) return true;
  if (shape.map) {
    const values = shape.children.get('*');
    for (const key of Object.keys(data)) {
      const v = data[key];
      if (v !== null && typeof v === 'object' && (!values || !covered(v, values))) return false;
    }
    return true;
  }
  for (const key of Object.keys(data)) {
    const v = data[key];
    if (v === undefined) continue;
    if (!shape.keys.has(key)) return false;
    if (v !== null && typeof v === 'object') {
      const child = shape.children.get(key);
      if (!child || !covered(v, child)) return false;
    }
  }
  return true;
}
