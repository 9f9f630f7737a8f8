import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMigrations } from '../../render/migrations/check.ts';
import { startServer, type RunningServer } from '../../render/migrations/server.ts';
import type { CheckInput } from '../../render/migrations/types.ts';
import { BASE_SCHEMA, CASES, PREVIOUS_QUERIES } from './cases.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function input(sql: string, runnerLockTimeout: string | null | undefined): CheckInput {
  return {
    subject: 'case',
    migrations: [{ name: '0002_case', sql }],
    baseSchema: [{ name: '0001_base', sql: BASE_SCHEMA }],
    givenSql: [],
    previousQueries: PREVIOUS_QUERIES,
    pgVersion: 16,
    runnerLockTimeout: runnerLockTimeout === null ? undefined : (runnerLockTimeout ?? '5s'),
    dynamic: true,
  };
}

describe('migration cases: verdict and rule IDs', () => {
  it('has at least 30 cases, unsafe ones with safe twins', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(CASES.filter((c) => c.verdict === 'safe').length).toBeGreaterThanOrEqual(15);
  });

  for (const c of CASES) {
    it(`${c.verdict}: ${c.name}`, async () => {
      const report = await checkMigrations(input(c.sql, c.runnerLockTimeout), { server });
      const m = report.migrations[0];
      const errors = m.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
      const all = m.findings.map((f) => f.rule);
      expect({ verdict: m.verdict, errors }).toMatchObject({ verdict: c.verdict });
      for (const rule of c.rules) expect(c.verdict === 'unsafe' ? errors.concat(all) : all).toContain(rule);
      if (c.verdict === 'safe') expect(errors).toEqual([]);
      if (c.verdict === 'unsafe') {
        expect(report.advice).toMatch(/expand/);
        // the first rule named is an error-level finding
        expect(errors).toContain(c.rules[0]);
      }
      for (const f of m.findings) expect(f.fix.length).toBeGreaterThan(10);
    });
  }
});

describe('dynamic trace', () => {
  it('records the lock mode, the lock_timeout in force and the rewrite', async () => {
    const report = await checkMigrations(input('ALTER TABLE voiture ALTER COLUMN annee TYPE bigint;', '3s'), { server });
    const t = report.migrations[0].trace[0];
    expect(t.lockTimeout).toBe('3s');
    expect(t.locks.voiture).toContain('AccessExclusiveLock');
    expect(t.rewritten).toEqual(['voiture']);
    expect(report.engine?.major).toBeGreaterThanOrEqual(15);
  });

  it('reports queries that fail already on the previous schema as notes, not errors', async () => {
    const i = input(`SET lock_timeout = '1s';`, undefined);
    i.previousQueries = [...PREVIOUS_QUERIES, 'SELECT missing FROM garage'];
    const report = await checkMigrations(i, { server });
    expect(report.verdict).toBe('safe');
    expect(report.notes.map((n) => n.rule)).toContain('dynamic/query-invalid-before');
  });

  it('checks a sequence: later migrations see what earlier ones created', async () => {
    const i = input('ALTER TABLE garage ADD COLUMN a integer;', undefined);
    i.migrations.push({ name: '0003_next', sql: 'ALTER TABLE garage RENAME COLUMN nom TO name;' });
    const report = await checkMigrations(i, { server });
    expect(report.migrations.map((m) => m.verdict)).toEqual(['safe', 'unsafe']);
  });

  it('runs static lint only when asked', async () => {
    const i = { ...input('ALTER TABLE garage RENAME COLUMN nom TO name;', undefined), dynamic: false };
    const report = await checkMigrations(i);
    expect(report.engine).toBeUndefined();
    expect(report.migrations[0].findings.map((f) => f.rule)).toEqual(['lint/rename-column']);
  });
});

describe('given prior state', () => {
  it('keeps rows given with --given-sql instead of seeding', async () => {
    const i = input('DELETE FROM archive WHERE id = 7;', undefined);
    i.givenSql = ["INSERT INTO archive VALUES (7, 'a'), (8, 'b')"];
    const report = await checkMigrations(i, { server });
    const lost = report.migrations[0].findings.find((f) => f.rule === 'dynamic/rows-lost');
    // archive is not used by the running release: a warning, and the count proves the given rows were kept
    expect(lost?.severity).toBe('warning');
    expect(lost?.message).toMatch(/2 → 1 rows/);
  });
});

describe('the server the proof runs on', () => {
  it('warns when it is not the target major, and only then', async () => {
    const safe = "SET lock_timeout = '2s';\nALTER TABLE garage ADD COLUMN note text;\n";
    const other = await checkMigrations({ ...input(safe, '5s'), pgVersion: server.binaries.major - 1 }, { server });
    expect(other.notes.map((n) => n.rule)).toContain('dynamic/server-version');
    expect(other.verdict).toBe('safe');
    const same = await checkMigrations({ ...input(safe, '5s'), pgVersion: server.binaries.major }, { server });
    expect(same.notes.map((n) => n.rule)).not.toContain('dynamic/server-version');
  });
});
