// The diff reads rendered files with js-yaml and the `yaml` library's YAML 1.2 core tags: the
// values must be exactly those of `parseAllDocuments(text)`, or the file must go the slow way.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fastDocuments } from '../../render/fast-yaml.ts';
import { parseRenderedFile } from '../../render/diff/index.ts';
import { REPO } from '../helpers/sandbox.ts';

const slow = (text: string, version: '1.1' | '1.2' = '1.2') => parseAllDocuments(text, { version, merge: version === '1.1' }).map((d) => d.toJS() as unknown);

const SAMPLES: Record<string, string> = {
  'core scalars': 'a: 1\nb: -2\nc: 0o17\nd: 0x1F\ne: 1.5\nf: .5\ng: 1e3\nh: .inf\ni: -.Inf\nj: .nan\nk: true\nl: False\nm: ~\nn: null\no:\np: 1_000\nq: 0644\nr: yes\ns: on\nt: 10:30\nu: 2024-01-02\nv: 1.2.3\nw: +12\nx: 0.\ny: "1"\nz: \'true\'\n',
  'numeric, boolean and null keys': '1: a\ntrue: b\nnull: c\n0x10: d\n~: e\n1.0: f\n',
  'anchors, aliases and a merge-looking key (a plain key in YAML 1.2)': 'a: &x {k: 1}\nb: *x\nc: &y 2\nd: *y\n<<: *x\n',
  'standard tags': 'a: !!str 12\nb: !!seq [1]\nc: !!map {d: e}\nf: !!int 3\n',
  'a string that looks like a key': 'a: "x : y"\nb: Host(`a`) && Path(`/b`)\nc: "schedule * * *"\n',
  'block scalars': 'a: |\n  line one\n    indented\n  \n  last\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\nd: |+\n  keep\n\ne: |2\n    two spaces\n',
  'quoted escapes and multi-line': 'a: "tab\\there \\u00e9 \\x41"\nb: \'it\'\'s\'\nc: "one\n  two"\nd: plain\n  continued\n',
  'flow collections': 'a: [1, "two", {b: c, d: [e]}]\nb: {}\nc: []\n',
  'several documents and empty ones': '---\na: 1\n---\n---\n# comment\n---\nb: 2\n...\n',
  'CRLF': 'a: 1\r\nb: |\r\n  x\r\n  y\r\n',
  'unicode and long lines': `a: héllo wörld ✓\nb: ${'x'.repeat(5000)}\n`,
};

describe('fastDocuments', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`${name}: the same values as parseAllDocuments, or the slow way`, () => {
      const fast = fastDocuments(text);
      if (fast !== undefined) expect(fast).toEqual(slow(text));
    });
  }

  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`${name}, as YAML 1.1 (on, yes, 0644, timestamps): the same values, or the slow way`, () => {
      const fast = fastDocuments(text, { version: '1.1' });
      if (fast !== undefined) expect(fast).toEqual(slow(text, '1.1'));
    });
  }

  it('leaves merge keys (YAML 1.1) and, where refused, aliases to the slow reader', () => {
    expect(fastDocuments('a: &x {k: 1}\nb:\n  <<: *x\n', { version: '1.1' })).toBeUndefined();
    expect(fastDocuments('a: &x 1\nb: [*x]\n', { aliases: false })).toBeUndefined();
    expect(fastDocuments('a: &x 1\nb: [*x]\n')).toEqual([{ a: 1, b: [1] }]);
    // A star inside a word or quotes is no alias (the check is rough: ` *x` inside quotes goes the slow way).
    expect(fastDocuments('a: "*"\nb: x*y\n', { aliases: false })).toEqual([{ a: '*', b: 'x*y' }]);
  });

  it('reads plain rendered manifests the fast way (else there would be no gain)', () => {
    expect(fastDocuments('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "1"\n')).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: '1' } }]);
  });

  it('leaves directives, null keys, duplicate keys, syntax errors and other tags to the slow reader', () => {
    for (const text of ['%YAML 1.1\n---\na: yes\n', 'null: 1\n', 'a: 1\na: 2\n', 'a: [1\n', 'a: !custom x\n', 'a: !!binary aGk=\n']) {
      expect(fastDocuments(text), text).toBeUndefined();
    }
  });

  it('reads every committed rendered file as parseAllDocuments does', () => {
    const root = join(REPO, 'rendered');
    const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(500);
    let fastOnes = 0;
    for (const e of files) {
      const text = readFileSync(join(e.parentPath, e.name), 'utf8');
      const fast = fastDocuments(text);
      if (fast === undefined) continue;
      fastOnes++;
      expect(fast, join(e.parentPath, e.name)).toEqual(slow(text));
    }
    expect(fastOnes).toBe(files.length);
  });

  it('keeps parseRenderedFile errors as they were (the slow reader words them)', () => {
    expect(() => parseRenderedFile('dev/web/a.yaml', 'a: [1\n')).toThrow(/invalid YAML/);
    expect(() => parseRenderedFile('dev/web/b.yaml', 'a: 1\na: 2\n')).toThrow(/invalid YAML/);
    expect(() => parseRenderedFile('dev/web/c.yaml', 'kind: X\n')).toThrow(/not a Kubernetes object/);
  });
});
