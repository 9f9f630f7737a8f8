// Small helpers to read untrusted JSON (objects parsed from files may have any shape) and to
// build the field paths findings carry: `spec.template.spec.containers[0].image`,
// `metadata.labels["app.kubernetes.io/name"]`.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A `Record<string, string>`-shaped map (labels, selectors); non-string values are dropped. */
export function asStringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const val = v[k];
    if (typeof val === 'string') out[k] = val;
  }
  return out;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function field(path: string, key: string): string {
  if (IDENT.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** Inverse of `field`/`index`: path → segments (numbers for array indices). */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      i++;
    } else if (ch === '[') {
      if (path[i + 1] === '"') {
        // JSON string key: find the closing quote that is not escaped.
        let j = i + 2;
        while (j < path.length && !(path[j] === '"' && path[j - 1] !== '\\')) j++;
        out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        out.push(Number(path.slice(i + 1, j)));
        i = j + 1;
      }
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** Segments → path, the same spelling `field`/`index` produce. */
export function joinPath(segments: readonly (string | number)[]): string {
  let p = '';
  for (const s of segments) p = typeof s === 'number' ? index(p, s) : field(p, s);
  return p;
}
