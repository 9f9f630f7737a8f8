import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '../../render/yaml.ts';

const TRICKY = [
  'on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'N', 'true', 'False', 'NULL', '~', '', ' ', 'null',
  '0755', '0o17', '0x1F', '1_000', '1:20', '1e3', '.5', '-.inf', '.NaN', '+12', '-3', '007', '12.0',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', 'a: b', 'a #b', 'a#b', 'trailing:', ':leading', '-', '--',
  '---', '- item', '-v', '--flag=1', '? q', '*ref', '&anchor', '!tag', '%dir', '@at', '`tick', '|', '>',
  '{a}', '[a]', 'a,b', "it's", '"quoted"', 'tab\there', 'ünïcödé', 'emoji 🚀', '=', '<<',
  'line1\nline2', 'ends with newline\n', 'two trailing\n\n', '\nleading newline', '  indented\nsecond',
  'mid\n  \nspaces-only line', 'carriage\r\nreturn', 'bell\u0007', 'http://x:80/a?b=c#frag', 'Host(`a.b`)',
];

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]))
    : v;

describe('toYaml', () => {
  it.each(['1.1', '1.2'] as const)('round-trips tricky strings as strings under YAML %s', (version) => {
    const data = Object.fromEntries(TRICKY.map((s, i) => [`k${i}`, s]));
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data, list: TRICKY, keys: Object.fromEntries(TRICKY.filter(Boolean).map((s) => [s, 1])) };
    const back = parse(toYaml(obj), { version, uniqueKeys: true });
    expect(sortKeys(back)).toEqual(sortKeys(obj));
  });

  it('round-trips numbers, booleans, nulls and nested structures', () => {
    const obj = { a: [1, -2, 0.5, true, false, null, [], {}, [[1, 2], []], [{ x: { y: [] } }]], b: { c: { d: 'e' } }, e: {} };
    for (const version of ['1.1', '1.2'] as const) expect(parse(toYaml(obj), { version })).toEqual(obj);
  });

  it('orders keys the Kubernetes way and sorts string maps', () => {
    const y = toYaml({ spec: { z: 1, a: 2 }, metadata: { labels: { b: '1', a: '2' }, name: 'web', namespace: 'ns' }, kind: 'K', apiVersion: 'v1' });
    expect(y).toBe('apiVersion: v1\nkind: K\nmetadata:\n  name: web\n  namespace: ns\n  labels:\n    a: "2"\n    b: "1"\nspec:\n  z: 1\n  a: 2\n');
  });

  it('quotes what YAML 1.1 readers would turn into booleans or numbers', () => {
    const y = toYaml({ a: 'on', b: 'yes', c: '0755', d: 'plain' });
    expect(y).toBe('a: "on"\nb: "yes"\nc: "0755"\nd: plain\n');
  });

  it('writes multi-line strings as literal blocks, LF only, with a final newline', () => {
    const y = toYaml({ script: '#!/bin/sh\necho hi\n' });
    expect(y).toBe('script: |\n  #!/bin/sh\n  echo hi\n');
    expect(y.includes('\r')).toBe(false);
  });

  it('omits undefined fields and rejects non-JSON values', () => {
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
    expect(() => toYaml({ a: Number.NaN })).toThrow(/NaN/);
    expect(() => toYaml({ a: () => 1 })).toThrow(/function/);
  });
});
