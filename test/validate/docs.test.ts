// docs/validation-rules.md documents every rule of the catalogue, with its default severity.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../render/validate/rules.ts';

const doc = readFileSync(new URL('../../docs/validation-rules.md', import.meta.url), 'utf8');
const rows = new Map(
  doc.split('\n').filter((l) => l.startsWith('| `')).map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return [cells[1].replace(/`/g, ''), cells[2]] as const;
  }),
);

describe('docs/validation-rules.md', () => {
  it('has a row for every rule, and no row for a rule that does not exist', () => {
    expect([...rows.keys()].sort()).toEqual(RULES.map((r) => r.id).sort());
  });
  it('states each rule default severity', () => {
    for (const r of RULES) expect(rows.get(r.id), r.id).toMatch(new RegExp(`^${r.severity}`));
  });
});
