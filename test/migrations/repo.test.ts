import { describe, expect, it } from 'vitest';
import { RenderError } from '../../render/types.ts';
import { splitAtPins } from '../../render/migrations/repo.ts';
import { analyseQueries, insertOmits, splitQueryLines, usesColumn } from '../../render/migrations/queries.ts';

const history = ['0001_a', '0002_b', '0003_c', '0004_d'].map((name) => ({ name, sql: '' }));

describe('previous release from environment pins', () => {
  it('takes the environment furthest behind', () => {
    const r = splitAtPins('app', history, [
      { env: 'dev', migration: '0004_d' },
      { env: 'prod', migration: '0002_b' },
    ]);
    expect(r.behind?.env).toBe('prod');
    expect(r.base.map((m) => m.name)).toEqual(['0001_a', '0002_b']);
    expect(r.pending.map((m) => m.name)).toEqual(['0003_c', '0004_d']);
  });

  it('checks everything when no environment pins the app', () => {
    expect(splitAtPins('app', history, []).pending).toHaveLength(4);
  });

  it('rejects a pin that names no file, with its location', () => {
    try {
      splitAtPins('app', history, [{ env: 'prod', migration: '0009_x' }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RenderError);
      expect((e as RenderError).describe()).toMatch(/env prod › component app › apps\['app'\]\.migration/);
    }
  });
});

describe('queries.sql analysis', () => {
  it('one statement per line, comments and blank lines ignored', () => {
    expect(splitQueryLines('-- c\nSELECT 1;\n\nSELECT 2\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('knows which columns INSERTs leave to defaults and which columns are used', async () => {
    const u = await analyseQueries(['INSERT INTO garage (nom) VALUES ($1)', 'SELECT id, nom, ville FROM garage', 'SELECT * FROM voiture']);
    expect(insertOmits(u, 'garage', 'ville')).toBe(true);
    expect(insertOmits(u, 'garage', 'nom')).toBe(false);
    expect(usesColumn(u, 'garage', 'ville')).toBe(true);
    expect(usesColumn(u, 'garage', 'places')).toBe(false);
    expect(usesColumn(u, 'voiture', 'anything')).toBe(true);
  });
});
