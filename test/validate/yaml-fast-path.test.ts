// parseYamlSource reads plain documents for their values only and the rest with positions: both
// ways must yield the same objects, lines and findings as reading everything with positions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineOf, parseWithPositions, parseYamlSource, type ParsedSource } from '../../render/validate/yaml-source.ts';
import { REPO } from '../helpers/sandbox.ts';

/**
 * What a reader yields, without sourceBytes (only compared against a 256 KiB threshold) and the
 * document text the fast reader adds (the validation cache's key).
 */
function seen(p: ParsedSource) {
  return {
    items: p.items.map(({ sourceBytes: _, text: _text, ...rest }) => rest),
    findings: p.findings,
    lines: p.documents.map((d) => [d.item.line, lineOf(d, 'metadata.name'), lineOf(d, 'spec.template.spec.containers[0].image')]),
  };
}

const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: web\ndata:\n  a: "1"\n${extra}`;

const SAMPLES: Record<string, string> = {
  plain: `${cm('a')}---\n${cm('b')}`,
  'comments and blank lines before content': `# head\n\n---\n# about b\n\n${cm('b')}--- # trailing comment\n${cm('c')}`,
  'YAML 1.1 boolean and octal': `${cm('a')}---\n${cm('b', '  flag: yes\n  mode: 0644\n')}---\n${cm('c')}`,
  'numbers, timestamps, nulls the 1.1 way': `${cm('a', '  n: 1_000\n  t: 10:30\n  h: 0x1F\n  f: .5\n  e: 1e3\n  z: ~\n  d: 2024-01-02\n  v: 1.2.3\n  b: True\n  empty:\n  w: Yes\n')}`.replace('data:\n  a: "1"\n', 'spec:\n  a: "1"\n'),
  'duplicate key': `${cm('a')}---\n${cm('b', '  a: "2"\n')}---\n${cm('c')}`,
  'anchors and merge keys': `${cm('a')}---\nbase: &b {x: 1}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *b\n  name: m\n`,
  'a List and an array': `apiVersion: v1\nkind: List\nitems:\n  - ${cm('a').split('\n').join('\n    ')}\n---\n- ${cm('b').split('\n').join('\n  ')}`,
  'syntax error in the middle': `${cm('a')}---\nkind: [unclosed\n---\n${cm('c')}`,
  'empty documents': `---\n---\n# only a comment\n---\n${cm('a')}---\n`,
  'CRLF line ends': `${cm('a')}---\n${cm('b')}`.replace(/\n/g, '\r\n'),
  'block and quoted multi-line scalars': `${cm('a', '  script: |\n    echo hi\n    exit 0\n  long: "one\n    two"\n')}---\n${cm('b')}`,
  'content on the --- line': `--- {apiVersion: v1, kind: Namespace, metadata: {name: x}}\n---\n${cm('b')}`,
  'tags and directives': `${cm('a', '  t: !!str 12\n')}---\n${cm('b')}`,
  'not an object': `just a string\n---\n42\n---\n${cm('b')}`,
  'a deployment': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x:1\n`,
};

describe('parseYamlSource: the fast path reads as the position-carrying reader does', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(name, () => {
      expect(seen(parseYamlSource(text, 'f.yaml'))).toEqual(seen(parseWithPositions(text, 'f.yaml')));
    });
  }

  it('every committed rendered file, and all of them as one stream', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.yaml')) files.push(p);
      }
    };
    walk(join(REPO, 'rendered'));
    expect(files.length).toBeGreaterThan(100);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    for (const t of texts.slice(0, 40)) expect(seen(parseYamlSource(t, 'f.yaml'))).toEqual(seen(parseWithPositions(t, 'f.yaml')));
    const all = texts.join('---\n');
    expect(seen(parseYamlSource(all, 'all.yaml'))).toEqual(seen(parseWithPositions(all, 'all.yaml')));
  });
});
