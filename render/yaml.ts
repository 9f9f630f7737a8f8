// A YAML emitter for Kubernetes objects (plain JSON data only). Written by hand because the
// render path serialises every object and `yaml`'s stringify dominated render time; the test
// suite checks every output round-trips through the `yaml` parser in both YAML 1.1 and 1.2.
//
// Output conventions: top-level and metadata keys in Kubernetes' conventional order, the keys
// of string maps (labels, annotations, ConfigMap data) sorted, everything else in the order the
// model wrote it; 2-space indentation with list items indented under their key; multi-line
// strings as literal blocks; every string a YAML 1.1 reader (kubectl, Argo CD) would take as a
// bool, number, null or timestamp is quoted.

const TOP_ORDER = ['apiVersion', 'kind', 'metadata', 'spec', 'type', 'data', 'stringData', 'binaryData', 'immutable'];
const META_ORDER = ['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences'];
/** Maps whose keys are data, not schema: sorted so output never depends on insertion order. */
const SORTED_MAPS = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'matchLabels', 'nodeSelector']);

export function toYaml(object: unknown): string {
  const out: string[] = [];
  if (isPlainObject(object)) {
    const keys = orderKeys(object, TOP_ORDER);
    if (keys.length === 0) return '{}\n';
    emitMap(object, keys, 0, out, true);
  } else if (Array.isArray(object)) {
    if (object.length === 0) return '[]\n';
    emitSeq(object, 0, out);
  } else {
    out.push(scalar(object, 0), '\n');
  }
  return out.join('');
}

/** Several objects as one multi-document stream. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => toYaml(o)).join('---\n');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function orderKeys(obj: Record<string, unknown>, order: readonly string[]): string[] {
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const first = order.filter((k) => keys.includes(k));
  if (first.length === 0) return keys;
  const rest = keys.filter((k) => !order.includes(k));
  return [...first, ...rest];
}

function keysOf(obj: Record<string, unknown>, parentKey: string | undefined): string[] {
  if (parentKey === 'metadata') return orderKeys(obj, META_ORDER);
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  return parentKey !== undefined && SORTED_MAPS.has(parentKey) ? keys.sort() : keys;
}

function emitMap(obj: Record<string, unknown>, keys: string[], indent: number, out: string[], firstInline: boolean): void {
  const pad = ' '.repeat(indent);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    out.push(i === 0 && firstInline ? '' : pad, writtenString(k), ':');
    emitValue(v, k, indent, out);
  }
}

/** Emits the value after `key:` (space + scalar, or newline + nested block). */
function emitValue(v: unknown, parentKey: string, indent: number, out: string[]): void {
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(' []\n');
      return;
    }
    out.push('\n');
    emitSeq(v, indent + 2, out);
  } else if (isPlainObject(v)) {
    const keys = keysOf(v, parentKey);
    if (keys.length === 0) {
      out.push(' {}\n');
      return;
    }
    out.push('\n');
    emitMap(v, keys, indent + 2, out, false);
  } else if (typeof v === 'string' && v.includes('\n') && blockable(v)) {
    out.push(' ', literalBlock(v, indent + 2));
  } else {
    out.push(' ', scalar(v, indent), '\n');
  }
}

function emitSeq(arr: unknown[], indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of arr) {
    if (isPlainObject(item)) {
      const keys = keysOf(item, undefined);
      if (keys.length === 0) {
        out.push(pad, '- {}\n');
        continue;
      }
      out.push(pad, '- ');
      emitMap(item, keys, indent + 2, out, true);
    } else if (Array.isArray(item)) {
      if (item.length === 0) {
        out.push(pad, '- []\n');
        continue;
      }
      out.push(pad, '-\n');
      emitSeq(item, indent + 2, out);
    } else if (typeof item === 'string' && item.includes('\n') && blockable(item)) {
      out.push(pad, '- ', literalBlock(item, indent + 2));
    } else {
      out.push(pad, '- ', scalar(item, indent), '\n');
    }
  }
}

/**
 * How a string is written (plain, or JSON-quoted), remembered: keys and many values recur in every
 * object (`name`, `app.kubernetes.io/name`, `TCP`), and deciding runs several regular expressions.
 */
const written = new Map<string, string>();

function writtenString(s: string): string {
  let w = written.get(s);
  if (w === undefined) {
    w = plainSafe(s) ? s : JSON.stringify(s);
    // Bounded: a render of tens of thousands of objects holds mostly one-off strings.
    if (written.size >= 100_000) written.clear();
    written.set(s, w);
  }
  return w;
}

function scalar(v: unknown, _indent: number): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return writtenString(v);
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`cannot serialise number ${v}`);
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    default:
      throw new TypeError(`cannot serialise a ${typeof v} as YAML`);
  }
}

// Characters a literal block cannot carry faithfully.
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]/;

function blockable(s: string): boolean {
  if (NON_PRINTABLE.test(s)) return false;
  // Lines made only of spaces before content would be read as indentation.
  return !/(^|\n) +\n/.test(s) && !/^\n/.test(s) && !/^ /.test(s);
}

function literalBlock(s: string, indent: number): string {
  const pad = ' '.repeat(indent);
  let chomp: string;
  let body = s;
  if (!s.endsWith('\n')) chomp = '-';
  else if (s.endsWith('\n\n')) chomp = '+';
  else {
    chomp = '';
    body = s.slice(0, -1);
  }
  if (chomp === '+') body = s.slice(0, -1);
  const lines = body.split('\n');
  let text = '|' + chomp + '\n';
  for (const line of lines) text += line === '' ? '\n' : pad + line + '\n';
  return text;
}

// YAML 1.1 and 1.2 core schema resolutions a plain scalar must not hit.
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|=|<<)$/;
const NUMBER_LIKE =
  /^(?:[-+]?(?:0b[0-1_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF))|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
const SAFE_CHARS = /^[^\u0000-\u001f\u007f-\u009f\ufeff\u2028\u2029{}[\],]*$/;
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`~\\]/;

function plainSafe(s: string): boolean {
  if (s === '') return false;
  if (RESERVED.test(s)) return false;
  if (/[0-9.]/.test(s[0]!) || s[0] === '-' || s[0] === '+') {
    if (NUMBER_LIKE.test(s) || TIMESTAMP.test(s)) return false;
  }
  const first = s[0]!;
  if (first === ' ' || s[s.length - 1] === ' ') return false;
  // `-x` (a flag) is a plain scalar in both YAML versions; other indicators are not.
  if (INDICATOR_START.test(s) && !/^-(?!--)[^\s]/.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':') || s.includes('\t')) return false;
  return SAFE_CHARS.test(s);
}
