// Environment data (environments/<env>.ts values, environments/<env>.versions.json …) is checked
// against its zod schema where it is loaded: type stripping runs the sources without tsc, and JSON
// has no types at all, so this is what stops a misspelt key or a wrong type before any model
// sees it. The first problem is reported as one line naming the file and the field.
import type { z } from 'zod';
import { RenderError } from '../../render/types.ts';

/** A data file that does not match its schema: `environments/prod.ts › strictPolicyy: unknown key …`. */
export class DataError extends RenderError {
  constructor(file: string, field: string | undefined, message: string) {
    super({ file, field }, message);
    this.name = 'DataError';
  }
  override describe(): string {
    const { file, field, line } = this.where;
    return `${[file && (line ? `${file}:${line}` : file), field].filter(Boolean).join(' › ')}: ${this.message}`;
  }
}

/** `value` when it matches `schema`; otherwise a DataError for `file` (the first problem, and how many more). */
export function checkData<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  // A misspelt key is both unknown and (the right one) missing: the unknown key, with the
  // suggestion, says more, so it is reported first.
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const [field, message, explained] = describeIssue(schema, issues[0]!);
  // The key a misspelling meant is missing too: that is the same problem, not another.
  const others = issues.slice(1).filter((i) => !(explained && i.input === undefined && i.path.map(String).join('\0') === explained.join('\0'))).length;
  const more = others > 0 ? ` (and ${others} more problem${others > 1 ? 's' : ''} in ${file})` : '';
  throw new DataError(file, field, `${message}${more}`);
}

type Issue = z.core.$ZodIssue;

/** Field, message, and the path of the key a misspelling meant (when one is suggested). */
function describeIssue(schema: z.ZodType, issue: Issue): [string | undefined, string, string[]?] {
  const path = issue.path.map(String);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const suggestion = closest(key, knownKeys(schema, path));
      const others = issue.keys.length > 1 ? ` (also unknown: ${issue.keys.slice(1).join(', ')})` : '';
      return [
        fieldOf([...path, key]),
        `unknown key${suggestion ? ` (did you mean ${suggestion}?)` : ` (known: ${knownKeys(schema, path).join(', ')})`}${others}`,
        suggestion ? [...path, suggestion] : undefined,
      ];
    }
    case 'invalid_type':
      if (issue.input === undefined) return [fieldOf(path), `missing (expected ${article(issue.expected)})`];
      return [fieldOf(path), `expected ${article(issue.expected)}, got ${shown(issue.input)}`];
    case 'invalid_value':
      if (issue.input === undefined) return [fieldOf(path), `missing (expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')})`];
      return [fieldOf(path), `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${shown(issue.input)}`];
    case 'invalid_union':
      return [fieldOf(path), `${issue.message === 'Invalid input' ? 'matches none of the allowed shapes' : issue.message}, got ${shown(issue.input)}`];
    default:
      return [fieldOf(path), issue.input === undefined ? issue.message : `${issue.message}, got ${shown(issue.input)}`];
  }
}

/** `apps.django-web.images.api`, `cluster.nodes[2].ip`. */
function fieldOf(path: string[]): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function article(expected: string): string {
  const names: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list', int: 'an integer', record: 'an object' };
  return names[expected] ?? expected;
}

function shown(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'string') return `"${input.length > 60 ? `${input.slice(0, 57)}…` : input}"`;
  return `${typeof input} ${String(input)}`;
}

/** The keys an object schema at `path` accepts (through optional, pipes, records, lists, unions). */
function knownKeys(schema: z.ZodType, path: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (s: z.core.$ZodType, rest: readonly string[]): void => {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
      case 'nonoptional':
        return walk(def.innerType as z.core.$ZodType, rest);
      case 'pipe':
        return walk(def.in as z.core.$ZodType, rest);
      case 'union':
        for (const o of def.options as z.core.$ZodType[]) walk(o, rest);
        return;
      case 'array':
        return rest.length ? walk(def.element as z.core.$ZodType, rest.slice(1)) : undefined;
      case 'record':
        return rest.length ? walk(def.valueType as z.core.$ZodType, rest.slice(1)) : undefined;
      case 'object': {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        if (rest.length === 0) for (const k of Object.keys(shape)) found.add(k);
        else if (Object.hasOwn(shape, rest[0]!)) walk(shape[rest[0]!]!, rest.slice(1));
        return;
      }
      default:
        return;
    }
  };
  walk(schema, path);
  return [...found].sort();
}

/** The known key a misspelling most likely meant: small edit distance, or the same letters' case. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
