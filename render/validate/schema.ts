// Schema layer: the OpenAPI / CRD schema of each kind (types, enums, required, formats)
// plus strict unknown-field detection. ajv's messages are collapsed to one per field.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { schemaFor, type AjvError } from './schema-registry.ts';
import { validateStrict } from './strict-fields.ts';
import { field, index, isObject } from './json.ts';

/** `group/Kind` pairs that some CRD (in the bundle or the inventory) defines. */
export type CrdKinds = ReadonlySet<string>;

/**
 * Reports what the kind's schema finds. True when a compiled schema judged the object: the result
 * then depends on the object alone, not on the CRDs around it.
 */
export function checkSchema(ctx: Context, item: BundleItem, apiVersion: string, kind: string, crdKinds: CrdKinds): boolean {
  const check = schemaFor(apiVersion, kind);
  if (!check) {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    if (crdKinds.has(`${group}/${kind}`)) return false;
    ctx.report(item, 'schema/unknown-kind', '',
      `no schema for ${apiVersion} ${kind}: check the spelling of apiVersion and kind, or list its CustomResourceDefinition in the inventory`);
    return false;
  }
  const { errors, unknown } = validateStrict(check, item.object);
  for (const { path, key } of unknown) {
    if (strippedByGenerator(kind, key)) continue;
    ctx.report(item, 'schema/unknown-field', path, `unknown field ${JSON.stringify(key)}: ${apiVersion} ${kind} defines no such field here (a typo, or a field of another API version?)`);
  }
  if (errors) {
    for (const { path, message } of collapse(errors, item.object)) ctx.report(item, 'schema/invalid', path, message);
  }
  return true;
}

/**
 * The kubernetes-models generator drops schema properties literally named `description` and
 * `x-kubernetes-*` (it strips those keywords at every level), so their compiled validators never
 * read them. Their TypeScript types list every kind that really has such a property: these.
 */
const STRIPPED_PROPERTIES_KINDS = new Set(['PriorityClass', 'CustomResourceDefinition', 'AppProject']);

function strippedByGenerator(kind: string, key: string): boolean {
  return STRIPPED_PROPERTIES_KINDS.has(kind) && (key === 'description' || key.startsWith('x-kubernetes-'));
}

/** `group/Kind` of every CRD found among these objects. */
export function crdKindsOf(objects: Iterable<unknown>): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (!isObject(o) || o.kind !== 'CustomResourceDefinition' || !isObject(o.spec)) continue;
    const names = o.spec.names;
    if (typeof o.spec.group === 'string' && isObject(names) && typeof names.kind === 'string') {
      out.add(`${o.spec.group}/${names.kind}`);
    }
  }
  return out;
}

interface Issue {
  path: string;
  message: string;
}

/** ajv errors → one message per field; oneOf/anyOf branches folded into their parent. */
export function collapse(errors: AjvError[], data: unknown): Issue[] {
  const groups = new Map<string, AjvError[]>();
  for (const e of errors) {
    const list = groups.get(e.instancePath);
    if (list) list.push(e);
    else groups.set(e.instancePath, [e]);
  }
  const out: Issue[] = [];
  for (const [pointer, list] of groups) {
    const path = toPath(pointer, data);
    const alt = list.find((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    if (alt) {
      const branch = list.filter((e) => /\/(oneOf|anyOf)\//.test(schemaPathOf(e)));
      const types = unique(branch.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)));
      const required = unique(branch.filter((e) => e.keyword === 'required').map((e) => String(e.params.missingProperty)));
      const which = alt.keyword === 'oneOf' ? 'exactly one of' : 'one of';
      const message = types.length
        ? `must be ${types.join(' or ')}`
        : required.length
          ? `must set ${which}: ${required.join(', ')}`
          : `must match ${which} the allowed forms`;
      out.push({ path, message });
      for (const e of list) {
        if (e !== alt && !branch.includes(e)) out.push(plain(e, path));
      }
      continue;
    }
    const seen = new Set<string>();
    for (const e of list) {
      const issue = plain(e, path);
      const key = `${issue.path}\u0000${issue.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(issue);
      }
    }
  }
  return out;
}

function schemaPathOf(e: AjvError): string {
  return (e as AjvError & { schemaPath?: string }).schemaPath ?? '';
}

function plain(e: AjvError, path: string): Issue {
  if (e.keyword === 'required') {
    return { path: field(path, String(e.params.missingProperty)), message: 'is required' };
  }
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    return { path, message: `must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { path, message: e.message ?? e.keyword };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** JSON pointer → our field path, deciding array indices by looking at the data. */
export function toPath(pointer: string, data: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      path = index(path, Number(seg));
      cur = cur[Number(seg)];
    } else {
      path = field(path, seg);
      cur = isObject(cur) ? cur[seg] : undefined;
    }
  }
  return path;
}
