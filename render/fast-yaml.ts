// The values of a file's YAML documents, read the fast way: js-yaml (about ten times faster than
// the `yaml` document tree) with every plain scalar resolved by the `yaml` library's own tags —
// YAML 1.2 core by default, or YAML 1.1 (on/yes/0644) as kubectl reads manifests — so the values
// are those `parseAllDocuments(text, { version })` gives. What js-yaml refuses (a duplicate key, a
// syntax error, a tag other than !!str/!!seq/!!map) and what the two read differently (a %YAML
// directive, a null key: `yaml` makes it "", a YAML 1.1 merge key, an alias where aliases are
// refused) return undefined: the caller reads the text the slow way, which also words the errors.
// test/render/fast-yaml.test.ts compares both ways over tricky samples and every committed file.
import { FAILSAFE_SCHEMA, loadAll, Type, type Schema } from 'js-yaml';
import { Document, isScalar, type ScalarTag } from 'yaml';

export type YamlVersion = '1.1' | '1.2';

/** Thrown where `yaml`'s own resolver reports a plain scalar as malformed (`0o9`). */
export class UnusualScalar extends Error {}

const TAGS: Record<YamlVersion, ScalarTag[]> = { '1.1': tagsOf('1.1'), '1.2': tagsOf('1.2') };
/** Words that are anything but strings in each version: every other word is a string. */
const WORDS: Record<YamlVersion, RegExp> = {
  '1.1': /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/,
  '1.2': /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/,
};

/** The version's scalar tags, in the order `yaml` tries them on a plain scalar. */
function tagsOf(version: YamlVersion): ScalarTag[] {
  return new Document(null, { version }).schema.tags.filter((t): t is ScalarTag => t.default === true && !!t.test && !t.collection);
}

/** A plain scalar's value exactly as `parseAllDocuments(…, { version })` resolves it. */
export function plainScalar(version: YamlVersion, source: string): unknown {
  if (/^[A-Za-z]/.test(source) && !WORDS[version].test(source)) return source;
  const tag = TAGS[version].find((t) => t.test!.test(source));
  if (!tag) return source;
  let failed = false;
  const resolved: unknown = tag.resolve(source, () => (failed = true), { intAsBigInt: false } as never);
  if (failed) throw new UnusualScalar();
  return isScalar(resolved) ? resolved.value : resolved;
}

/** A js-yaml schema whose plain scalars are resolved by `resolve` (a throw sends the text to the slow reader). */
export function schemaResolving(name: string, resolve: (source: string) => unknown): Schema {
  const scalar = new Type(`tag:yaml.org,2002:gitops-${name}`, {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null,
    construct: resolve,
  });
  return FAILSAFE_SCHEMA.extend({ implicit: [scalar] });
}

const SCHEMAS: Record<YamlVersion, Schema> = {
  '1.1': schemaResolving('yaml-1.1', (source) => plainScalar('1.1', source)),
  '1.2': schemaResolving('yaml-1.2', (source) => plainScalar('1.2', source)),
};

/** A key that may be null (`null:`, `~:`, `? `), roughly: `yaml` turns it into "", js-yaml into "null". */
const MAYBE_NULL_KEY = /(?:^|[\s{,])(?:null|Null|NULL|~)?[ \t]*:(?:[ \t]|$)|^[ \t]*\?/m;
/** A merge key, which YAML 1.1 readers apply. */
const MAYBE_MERGE = /(?:^|[\s{,])<<[ \t]*:/m;
/** An alias (`*name`) outside quotes, roughly. */
const MAYBE_ALIAS = /(?:^|[\s[{,:-])\*[^\s\]},]/m;

export function fastDocuments(text: string, options: { version?: YamlVersion; aliases?: boolean } = {}): unknown[] | undefined {
  const version = options.version ?? '1.2';
  if (/^%/m.test(text) || MAYBE_NULL_KEY.test(text)) return undefined;
  if (version === '1.1' && MAYBE_MERGE.test(text)) return undefined;
  if (options.aliases === false && MAYBE_ALIAS.test(text)) return undefined;
  try {
    return loadAll(text, undefined, { schema: SCHEMAS[version] });
  } catch {
    return undefined;
  }
}
