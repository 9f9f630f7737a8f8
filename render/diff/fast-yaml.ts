// The values of a rendered file's documents, read the fast way: js-yaml (about ten times faster
// than the `yaml` document tree) with every plain scalar resolved by the `yaml` library's own
// YAML 1.2 core tags, so the values are those `parseAllDocuments(text)` gives. What js-yaml
// refuses (a duplicate key, a syntax error, a tag other than !!str/!!seq/!!map) and what the two
// read differently (a %YAML directive, a null key: `yaml` makes it "") return undefined and are
// read the slow way, which also words the errors. test/diff/fast-yaml.test.ts compares
// both ways over tricky samples and every committed rendered file.
import { FAILSAFE_SCHEMA, loadAll, Type } from 'js-yaml';
import { Document, isScalar, type ScalarTag } from 'yaml';

/** The core schema's scalar tags, in the order `yaml` tries them on a plain scalar. */
const CORE_TAGS = new Document(null, { version: '1.2' }).schema.tags.filter((t): t is ScalarTag => t.default === true && !!t.test && !t.collection);
/** Words that are anything but strings in the core schema. */
const CORE_WORDS = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;

class Unusual extends Error {}

const CORE_SCALAR = new Type('tag:yaml.org,2002:gitops-core', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null,
  construct: (source: string) => {
    if (/^[A-Za-z]/.test(source) && !CORE_WORDS.test(source)) return source;
    const tag = CORE_TAGS.find((t) => t.test!.test(source));
    if (!tag) return source;
    let failed = false;
    const resolved: unknown = tag.resolve(source, () => (failed = true), { intAsBigInt: false } as never);
    if (failed) throw new Unusual();
    return isScalar(resolved) ? resolved.value : resolved;
  },
});
const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [CORE_SCALAR] });

/** A key that may be null (`null:`, `~:`, `? `), roughly: `yaml` turns it into "", js-yaml into "null". */
const MAYBE_NULL_KEY = /(?:^|[\s{,])(?:null|Null|NULL|~)?[ \t]*:(?:[ \t]|$)|^[ \t]*\?/m;

export function fastDocuments(text: string): unknown[] | undefined {
  if (/^%/m.test(text) || MAYBE_NULL_KEY.test(text)) return undefined;
  try {
    return loadAll(text, undefined, { schema: SCHEMA });
  } catch {
    return undefined;
  }
}
