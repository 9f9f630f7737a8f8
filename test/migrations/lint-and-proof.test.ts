import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMigrations } from '../../render/migrations/check.ts';
import { RULES } from '../../render/migrations/rules.ts';
import { startServer, type RunningServer } from '../../render/migrations/server.ts';
import type { CheckInput, CheckReport } from '../../render/migrations/types.ts';
import { MIGRATION_LOCK_TIMEOUT } from '../../apps/kit/migration-job.ts';
import { BASE_SCHEMA, CASES, PREVIOUS_QUERIES, type Case } from './cases.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

interface PriorState {
  schema?: string;
  queries?: string[];
}

function input(sql: string, runnerLockTimeout: string | null | undefined, prior: PriorState = {}): CheckInput {
  return {
    subject: 'case',
    migrations: [{ name: '0002_case', sql }],
    baseSchema: [{ name: '0001_base', sql: BASE_SCHEMA }, ...(prior.schema ? [{ name: '0001_earlier', sql: prior.schema }] : [])],
    givenSql: [],
    previousQueries: prior.queries ?? PREVIOUS_QUERIES,
    pgVersion: 16,
    runnerLockTimeout: runnerLockTimeout === null ? undefined : (runnerLockTimeout ?? MIGRATION_LOCK_TIMEOUT),
    dynamic: true,
  };
}

/** Rules that never make a migration unsafe: a case that reports them and a twin that does not is enough. */
const WARNING_ONLY = new Set(['lint/column-type-change', 'lint/no-statements', 'dynamic/values-changed', 'dynamic/query-invalid-before', 'dynamic/seed-skipped']);
/** Rules about the app's history (lock, queries.sql, the base ref), not one migration: test/migrations/history.test.ts and cli.test.ts. */
const HISTORY = 'judges the app\'s files and history, not a migration on a schema; tested in history.test.ts and cli.test.ts';
/** Rules no migration case can show, with the reason; each is tested elsewhere in this file. */
const NOT_CASE_DRIVEN: Record<string, string> = {
  'dynamic/server-version':
    'compares the server the proof runs on with --pg-version, whatever the migration; tested in "the server the proof runs on"',
  'dynamic/not-proven': 'needs a sequence in which an earlier migration fails; tested in "dynamic trace"',
  'gate/queries-missing': HISTORY,
  'gate/running-release-unchecked': HISTORY,
  'gate/applied-migration-changed': HISTORY,
  'gate/applied-migration-deleted': HISTORY,
  'gate/migration-not-locked': HISTORY,
  'gate/migration-out-of-order': HISTORY,
};

const byName = new Map(CASES.map((c) => [c.name, c]));
const sorted = (rules: Iterable<string>) => [...new Set(rules)].sort();
/** The four inputs a case sets; a twin changes exactly one. */
const inputsOf = (c: Case) => ({
  sql: c.sql,
  schema: c.schema ?? '',
  queries: (c.queries ?? PREVIOUS_QUERIES).join('\n'),
  runnerLockTimeout: c.runnerLockTimeout === undefined ? MIGRATION_LOCK_TIMEOUT : String(c.runnerLockTimeout),
});
const reports = (c: Case) => [...c.errors, ...(c.warnings ?? [])];

describe('migration cases: the catalogue', () => {
  it('has at least 30 cases, named once, with a consistent verdict', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(byName.size).toBe(CASES.length);
    for (const c of CASES) {
      expect({ case: c.name, verdict: c.verdict }).toEqual({ case: c.name, verdict: c.errors.length ? 'unsafe' : 'safe' });
      for (const rule of [c.rule, ...reports(c)]) expect({ case: c.name, known: rule in RULES || rule.startsWith('squawk/') }).toEqual({ case: c.name, known: true });
    }
  });

  it('each case reports its rule; each twin is safe, changes one input and drops the rule', () => {
    for (const c of CASES) {
      if (!c.twinOf) {
        expect(reports(c), c.name).toContain(c.rule);
        continue;
      }
      const original = byName.get(c.twinOf);
      expect(original, `${c.name}: twinOf`).toBeDefined();
      if (!original) continue;
      expect(c.verdict, c.name).toBe('safe');
      expect(reports(original), `${original.name} reports ${c.rule}`).toContain(c.rule);
      expect(reports(c), `${c.name} does not report ${c.rule}`).not.toContain(c.rule);
      const a = inputsOf(original);
      const b = inputsOf(c);
      const changed = (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]);
      expect(changed, `${c.name}: inputs changed from ${original.name}`).toHaveLength(1);
    }
  });

  it('every rule that can fail a migration has an unsafe case and a safe twin without it; warning-only rules a case with and a twin without', () => {
    expect(Object.keys(NOT_CASE_DRIVEN).filter((r) => !(r in RULES))).toEqual([]);
    // squawk's rules are open-ended: cover every one the cases meet
    const squawk = CASES.flatMap(reports).filter((r) => r.startsWith('squawk/'));
    const required = sorted([...Object.keys(RULES).filter((r) => !(r in NOT_CASE_DRIVEN)), ...squawk]);
    const uncovered = required.filter((rule) => {
      const errorLevel = !WARNING_ONLY.has(rule);
      return !CASES.some((twin) => {
        const original = twin.twinOf ? byName.get(twin.twinOf) : undefined;
        if (!original || reports(twin).includes(rule)) return false;
        return errorLevel ? original.verdict === 'unsafe' && original.errors.includes(rule) : reports(original).includes(rule);
      });
    });
    expect(uncovered).toEqual([]);
    // the warning-only list stays true: no case reports one of them at error level
    expect(CASES.flatMap((c) => c.errors).filter((r) => WARNING_ONLY.has(r))).toEqual([]);
  });
});

/** Reports of the cases, for the tests below that look closer at one (a server run saved each). */
const caseReports = new Map<string, CheckReport>();

// Each case checks its own database on the shared server, so they can run side by side.
describe.concurrent('migration cases: verdict and rule IDs on a real PostgreSQL', () => {
  for (const c of CASES) {
    it(`${c.verdict}: ${c.name}`, async ({ expect }) => {
      const report = await checkMigrations(input(c.sql, c.runnerLockTimeout, c), { server });
      caseReports.set(c.name, report);
      const m = report.migrations[0];
      const observed = [...m.findings, ...report.notes].filter((f) => f.rule !== 'dynamic/server-version');
      expect({
        verdict: m.verdict,
        errors: sorted(observed.filter((f) => f.severity === 'error').map((f) => f.rule)),
        warnings: sorted(observed.filter((f) => f.severity === 'warning').map((f) => f.rule)),
      }).toEqual({ verdict: c.verdict, errors: sorted(c.errors), warnings: sorted(c.warnings ?? []) });
      if (c.verdict === 'unsafe') expect(report.advice).toMatch(/expand/);
      for (const f of observed) expect(f.fix.length).toBeGreaterThan(10);
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

  it('a migration with no statement (RunPython) does not end the proof: later ones are still checked', async () => {
    const i = input('-- RunPython: forwards_func (no SQL)\n', undefined);
    i.migrations.push({ name: '0003_purge', sql: 'DELETE FROM voiture;' });
    const report = await checkMigrations(i, { server });
    expect(report.migrations.map((m) => m.verdict)).toEqual(['safe', 'unsafe']);
    expect(report.migrations[1].findings.map((f) => f.rule)).toContain('dynamic/rows-lost');
    expect(report.verdict).toBe('unsafe');
  });

  it('a migration after one that failed to apply is marked not proven', async () => {
    const i = input('ALTER TABLE garage DROP COLUMN adresse;', undefined);
    i.migrations.push({ name: '0003_next', sql: 'ALTER TABLE garage ADD COLUMN a integer;' });
    const report = await checkMigrations(i, { server });
    expect(report.migrations[1].findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['warning dynamic/not-proven']);
    expect(report.verdict).toBe('unsafe');
  });

  it('a downgraded static finding carries the trace that refutes it (the cases above, read closer)', () => {
    const created = caseReports.get('index on a table created in this migration');
    const index = created?.migrations[0].findings.find((f) => f.rule === 'squawk/require-concurrent-index-creation');
    expect(index?.severity).toBe('warning');
    expect(index?.message).toMatch(/^downgraded — piece was created in this migration \(line 1\): no rows, no concurrent readers; trace: line 2 /);
    expect(index?.downgraded?.trace.line).toBe(2);
    const viaCheck = caseReports.get('SET NOT NULL after a CHECK an earlier migration validated');
    const notNull = viaCheck?.migrations[0].findings.find((f) => f.rule === 'squawk/adding-not-nullable-field');
    expect(notNull?.message).toMatch(/downgraded — no scan and no rewrite: 0 of 200 rows of garage read under AccessExclusiveLock/);
    expect(notNull?.message).toMatch(/lock_timeout 5s/);
    const timeout = caseReports.get('lock_timeout set through set_config for the session (twin)');
    expect(timeout?.migrations[0].findings.find((f) => f.rule === 'squawk/require-lock-timeout')?.message).toMatch(/^downgraded — lock_timeout was 2s in force/);
    // an index on a pre-existing table scans it: the finding stands
    const scanned = caseReports.get('index built under a SHARE lock');
    expect(scanned?.migrations[0].findings.find((f) => f.rule === 'squawk/require-concurrent-index-creation')?.severity).toBe('error');
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
  it('a reused server (previous state cloned from a template) reports what a server of its own reports', async () => {
    const i = input('ALTER TABLE voiture ADD CONSTRAINT annee_ok CHECK (annee > 1900);\nDELETE FROM archive;', '5s', {
      schema: 'CREATE TABLE tarif (montant numeric NOT NULL CHECK (montant < 100));',
      queries: [...PREVIOUS_QUERIES, 'SELECT missing FROM garage'],
    });
    i.givenSql = ["INSERT INTO archive VALUES (7, 'a')"];
    i.pgVersion = server.binaries.major;
    // timings differ from run to run; everything else must not
    const stable = (r: CheckReport) => JSON.parse(JSON.stringify(r, (k, v) => (['ms', 'dynamicMs', 'totalMs', 'startupMs'].includes(k) ? undefined : v)));
    const reused = [await checkMigrations(i, { server }), await checkMigrations(i, { server })].map(stable);
    const own = stable(await checkMigrations(i));
    expect(own.notes.map((n: { rule: string }) => n.rule).sort()).toEqual(['dynamic/query-invalid-before', 'dynamic/seed-skipped']);
    expect(own.migrations[0].findings.map((f: { rule: string }) => f.rule)).toEqual(expect.arrayContaining(['dynamic/scan-under-lock', 'dynamic/rows-lost']));
    expect(reused).toEqual([own, own]);
  });

  it('warns when it is not the target major, and only then', async () => {
    const safe = "SET lock_timeout = '2s';\nALTER TABLE garage ADD COLUMN note text;\n";
    const other = await checkMigrations({ ...input(safe, '5s'), pgVersion: server.binaries.major - 1 }, { server });
    expect(other.notes.map((n) => n.rule)).toContain('dynamic/server-version');
    expect(other.verdict).toBe('safe');
    const same = await checkMigrations({ ...input(safe, '5s'), pgVersion: server.binaries.major }, { server });
    expect(same.notes.map((n) => n.rule)).not.toContain('dynamic/server-version');
  });
});
