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

class Unusual extends Error {}

function schemaOf(version: YamlVersion): Schema {
  /** The version's scalar tags, in the order `yaml` tries them on a plain scalar. */
  const tags = new Document(null, { version }).schema.tags.filter((t): t is ScalarTag => t.default === true && !!t.test && !t.collection);
  /** Words that are anything but strings in that version. */
  const words =
    version === '1.2'
      ? /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/
      : /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
  const scalar = new Type(`tag:yaml.org,2002:gitops-yaml-${version}`, {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null,
    construct: (source: string) => {
      if (/^[A-Za-z]/.test(source) && !words.test(source)) return source;
      const tag = tags.find((t) => t.test!.test(source));
      if (!tag) return source;
      let failed = false;
      const resolved: unknown = tag.resolve(source, () => (failed = true), { intAsBigInt: false } as never);
      if (failed) throw new Unusual();
      return isScalar(resolved) ? resolved.value : resolved;
    },
  });
  return FAILSAFE_SCHEMA.extend({ implicit: [scalar] });
}

const SCHEMAS: Record<YamlVersion, Schema> = { '1.1': schemaOf('1.1'), '1.2': schemaOf('1.2') };

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
