// Minimal field-level diff of two plain JSON values. Lists of named items (containers, env,
// ports, volumes) are matched by name, so a reordering or an edit in one item reads as such.
import type { FieldChange } from './model.ts';

export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, '', out);
  return out;
}

/** True when `path` is `prefix` or a field below it. */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Value at a dotted path (`spec.strategy.type`); undefined where the path stops. */
export function get(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const seg of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/**
 * Whether `path` differs between the two sides: a change at or below it, or a change reported
 * at a parent (a whole `spec.strategy` block added or removed) that alters the value there.
 */
export function changedAt(base: unknown, head: unknown, fields: readonly FieldChange[], path: string): boolean {
  return fields.some((f) => isUnder(f.path, path) || (isUnder(path, f.path) && !deepEqual(get(base, path), get(head, path))));
}

/** A value as a reviewer reads it: strings bare, absent as `(unset)`. */
export function show(v: unknown): string {
  return v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v);
}

function walk(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(a[k], b[k], join(path, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const an = namesOf(a);
    const bn = namesOf(b);
    if (an && bn) {
      const byName = (arr: unknown[], n: string) => arr.find((x) => (x as Record<string, unknown>).name === n);
      const names = [...an, ...bn.filter((n) => !an.includes(n))];
      for (const n of names) walk(byName(a, n), byName(b, n), `${path}[${n}]`, out);
      return;
    }
    if (a.every(isRecord) && b.every(isRecord)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
      return;
    }
  }
  out.push(change(path, a, b));
}

function change(path: string, before: unknown, after: unknown): FieldChange {
  const c: FieldChange = { path };
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
  return c;
}

/** Names of a list whose items are all objects with distinct string names, else undefined. */
function namesOf(arr: unknown[]): string[] | undefined {
  if (arr.length === 0) return [];
  const names: string[] = [];
  for (const x of arr) {
    if (!isRecord(x) || typeof x.name !== 'string' || names.includes(x.name)) return undefined;
    names.push(x.name);
  }
  return names;
}

function join(path: string, key: string): string {
  const seg = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `"${key}"`;
  return path ? `${path}.${seg}` : seg;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
