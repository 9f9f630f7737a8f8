// The README's rule reference table documents every rule of the catalogue, with its default severity.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../render/validate/rules.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('## Validation rules');
const doc = readme.slice(start, readme.indexOf('\n## ', start + 1));
const rows = new Map(
  doc.split('\n').filter((l) => l.startsWith('| `')).map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return [cells[1].replace(/`/g, ''), cells[2]] as const;
  }),
);

describe('README rule reference', () => {
  it('has a row for every rule, and no row for a rule that does not exist', () => {
    expect([...rows.keys()].sort()).toEqual(RULES.map((r) => r.id).sort());
  });
  it('states each rule default severity', () => {
    for (const r of RULES) expect(rows.get(r.id), r.id).toMatch(new RegExp(`^${r.severity}`));
  });
});
