// Secret-like values never reach a diff, a hunk or a comment: they are replaced by placeholders
// that still tell a reviewer *which* keys changed. Both sides are redacted together so that an
// unchanged value stays equal and a changed one differs without revealing either value.
import type { KubeObject } from '../types.ts';

export const REDACTED = '<redacted>';
export const REDACTED_CHANGED = '<redacted: changed>';

/** Env var names whose values are credentials. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|KEY|CREDENTIAL|PRIVATE|AUTH)/i;

export interface RedactedPair {
  base?: KubeObject;
  head?: KubeObject;
  /** Secret-like keys added, removed or changed, e.g. `data.password`, `…env[DB_PASSWORD].value`. */
  changedKeys: string[];
}

export function redactPair(base: KubeObject | undefined, head: KubeObject | undefined): RedactedPair {
  const changedKeys = new Set<string>();
  const b = base === undefined ? undefined : (redactNode(base, head, [], secretMaps(base), changedKeys, 'base') as KubeObject);
  const h = head === undefined ? undefined : (redactNode(head, base, [], secretMaps(head), changedKeys, 'head') as KubeObject);
  return { base: b, head: h, changedKeys: [...changedKeys].sort() };
}

/** Field paths (dotted) whose every key holds a secret value, by kind. */
function secretMaps(o: KubeObject): Set<string> {
  if (o.kind === 'Secret') return new Set(['data', 'stringData']);
  if (o.kind === 'SealedSecret') return new Set(['spec.encryptedData', 'spec.template.data', 'spec.template.stringData']);
  return new Set();
}

function redactNode(node: unknown, other: unknown, path: string[], maps: Set<string>, changed: Set<string>, side: 'base' | 'head'): unknown {
  if (Array.isArray(node)) {
    const otherArr = Array.isArray(other) ? other : [];
    return node.map((item, i) => {
      const name = namedItem(item);
      const counterpart = name !== undefined ? otherArr.find((x) => namedItem(x) === name) : otherArr[i];
      const seg = name !== undefined ? `[${name}]` : `[${i}]`;
      if (name !== undefined && SECRET_NAME.test(name) && isRecord(item) && 'value' in item) {
        const otherValue = isRecord(counterpart) ? counterpart.value : undefined;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(item)) {
          out[k] = k === 'value' ? placeholder(v, otherValue, joinPath([...path, seg, 'value']), changed, side) : v;
        }
        return out;
      }
      return redactNode(item, counterpart, [...path, seg], maps, changed, side);
    });
  }
  if (!isRecord(node)) return node;
  const here = path.join('.');
  const otherRec = isRecord(other) ? other : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (maps.has(here) && path.length > 0) {
      out[k] = placeholder(v, otherRec[k], joinPath([...path, k]), changed, side);
    } else {
      out[k] = redactNode(v, otherRec[k], [...path, k], maps, changed, side);
    }
  }
  return out;
}

function placeholder(value: unknown, otherValue: unknown, key: string, changed: Set<string>, side: 'base' | 'head'): string {
  const same = otherValue !== undefined && JSON.stringify(value) === JSON.stringify(otherValue);
  if (!same) changed.add(key);
  // Only the head side is marked, so an edited value shows up as one changed line.
  return !same && side === 'head' && otherValue !== undefined ? REDACTED_CHANGED : REDACTED;
}

function namedItem(x: unknown): string | undefined {
  return isRecord(x) && typeof x.name === 'string' ? x.name : undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function joinPath(segs: string[]): string {
  return segs.reduce((acc, s) => (s.startsWith('[') ? acc + s : acc ? `${acc}.${s}` : s), '');
}
