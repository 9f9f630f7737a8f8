// The migration check: static lint (squawk + our parser rules) and, optionally, the dynamic
// proof on a throwaway PostgreSQL. A pure function of its input, apart from the server it starts.
import type pg from 'pg';
import type { CheckInput, CheckReport, Finding, MigrationResult } from './types.ts';
import { RULES, SPLIT_ADVICE } from './rules.ts';
import { SqlParseError, splitStatements, type Statement } from './statements.ts';
import { analyseQueries } from './queries.ts';
import { lintMigration } from './lint.ts';
import { runSquawk } from './squawk.ts';
import { buildPrevious, DynamicSession } from './dynamic.ts';
import { startServer, type RunningServer } from './server.ts';
import { downgradeRefuted } from './downgrade.ts';
import { byText } from '../text-order.ts';

export interface CheckOptions {
  /**
   * Reuse a running server (tests); otherwise one is started and stopped. On a reused server the
   * previous state (base schema, given SQL, seed) is built once per distinct input, in a database
   * every later check on it is cloned from (CREATE DATABASE … TEMPLATE).
   */
  server?: RunningServer;
}

let databaseCounter = 0;

/**
 * FILE_COPY copies the template's files in one go (≈ 10× faster here than the default WAL_LOG,
 * which writes every block through the WAL); its checkpoints cost nothing on this throwaway
 * server (fsync off). PostgreSQL < 15 knows only that strategy and not the option.
 */
async function createDatabase(admin: pg.Client, server: RunningServer, name: string, template?: string): Promise<void> {
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}${server.binaries.major >= 15 ? ' STRATEGY FILE_COPY' : ''}`);
}

interface PreparedState {
  database: string;
  /** The seed's notes, as building it reported them. */
  notes: Finding[];
}

/** Previous states built on a reused server, by input; a failed build is not kept. */
const preparedStates = new WeakMap<RunningServer, Map<string, Promise<PreparedState>>>();

function preparedState(server: RunningServer, input: CheckInput): Promise<PreparedState> {
  let states = preparedStates.get(server);
  if (!states) preparedStates.set(server, (states = new Map()));
  const key = JSON.stringify([input.baseSchema, input.givenSql]);
  let state = states.get(key);
  if (!state) {
    state = buildPreparedState(server, input);
    states.set(key, state);
    state.catch(() => states.delete(key));
  }
  return state;
}

async function buildPreparedState(server: RunningServer, input: CheckInput): Promise<PreparedState> {
  const database = `previous_${process.pid}_${++databaseCounter}`;
  const admin = await server.connect();
  try {
    await createDatabase(admin, server, database);
    const client = await server.connect(database);
    let notes: Finding[];
    try {
      notes = await buildPrevious(client, input.baseSchema, input.givenSql);
    } catch (e) {
      await client.end();
      await admin.query(`DROP DATABASE ${database}`);
      throw e;
    }
    // A template must have no session: this one ends before any clone is made.
    await client.end();
    return { database, notes };
  } finally {
    await admin.end();
  }
}

export async function checkMigrations(input: CheckInput, options: CheckOptions = {}): Promise<CheckReport> {
  const t0 = performance.now();
  const usage = await analyseQueries(input.previousQueries);
  const results: MigrationResult[] = [];
  /** undefined: the file does not parse, so neither it nor anything after it can be applied. */
  const parsed: (Statement[] | undefined)[] = [];
  for (const m of input.migrations) {
    let statements: Statement[] = [];
    const findings: Finding[] = [];
    let parses = true;
    try {
      statements = await splitStatements(m.sql);
    } catch (e) {
      parses = false;
      const line = e instanceof SqlParseError ? e.line : 1;
      findings.push({ rule: 'lint/parse-error', severity: 'error', migration: m.name, statement: { index: 0, line, sql: '' }, message: (e as Error).message, fix: RULES['lint/parse-error'].fix });
    }
    if (parses && !statements.length) {
      findings.push({ rule: 'lint/no-statements', severity: 'warning', migration: m.name, message: 'no SQL statement (what `sqlmigrate` prints for RunPython): nothing to prove here, the next migrations are still proven; data changes made in Python are not checked.', fix: RULES['lint/no-statements'].fix });
    }
    if (statements.length) {
      findings.push(...runSquawk(m, statements, input));
      findings.push(...lintMigration({ migration: m, statements, usage, runnerLockTimeout: input.runnerLockTimeout }));
    }
    parsed.push(parses ? statements : undefined);
    results.push({ name: m.name, verdict: 'safe', findings, trace: [] });
  }

  const notes: Finding[] = [...(input.gate ?? [])];
  let engine: CheckReport['engine'];
  if (input.dynamic && input.migrations.length) {
    const server = options.server ?? (await startServer());
    engine = { source: server.binaries.source, major: server.binaries.major, startupMs: Math.round(server.startupMs) };
    if (input.pgVersion !== undefined && server.binaries.major !== input.pgVersion) {
      notes.push({
        rule: 'dynamic/server-version',
        severity: 'warning',
        migration: 'server',
        message: `proven on PostgreSQL ${server.binaries.major}, the target is ${input.pgVersion}`,
        fix: RULES['dynamic/server-version'].fix,
      });
    }
    const dbName = `check_${process.pid}_${++databaseCounter}`;
    // A server of its own is used once: the previous state is built in the check's database.
    const prepared = options.server ? await preparedState(server, input) : undefined;
    const admin = await server.connect();
    try {
      await createDatabase(admin, server, dbName, prepared?.database);
      // The Job passes its lock_timeout as a connection default (PGOPTIONS), so a migration's
      // `RESET lock_timeout` returns to it, not to 0: reproduce that with a database default.
      if (input.runnerLockTimeout) {
        await admin.query(`ALTER DATABASE ${dbName} SET lock_timeout = '${input.runnerLockTimeout.replace(/'/g, "''")}'`);
      }
      const client = await server.connect(dbName);
      try {
        const session = new DynamicSession(client, usage, input.previousQueries);
        if (prepared) notes.push(...structuredClone(prepared.notes), ...(await session.recordBaseline()));
        else notes.push(...(await session.prepare(input.baseSchema, input.givenSql)));
        let stoppedAt: { name: string; why: string } | undefined;
        for (const [i, m] of input.migrations.entries()) {
          const statements = parsed[i];
          if (stoppedAt !== undefined) {
            results[i].findings.push({ rule: 'dynamic/not-proven', severity: 'warning', migration: m.name, message: `not applied on the server: ${stoppedAt.name} did not ${stoppedAt.why}.`, fix: RULES['dynamic/not-proven'].fix });
            continue;
          }
          if (!statements) {
            stoppedAt = { name: m.name, why: 'parse' };
            continue;
          }
          // A migration with no statement (RunPython) changes nothing the server can see: go on.
          if (!statements.length) continue;
          const r = await session.applyMigration(m, statements);
          results[i].findings.push(...r.findings);
          results[i].trace = r.trace;
          results[i].dynamicMs = Math.round(r.ms);
          downgradeRefuted(results[i].findings, { statements, trace: r.trace, rowsBefore: r.rowsBefore, applied: r.applied });
          if (!r.applied) stoppedAt = { name: m.name, why: 'apply' };
        }
      } finally {
        await client.end();
      }
      await admin.query(`DROP DATABASE ${dbName}`);
    } finally {
      await admin.end();
      if (!options.server) await server.stop();
    }
  }

  for (const r of results) {
    r.findings.sort((a, b) => (a.statement?.index ?? 1e9) - (b.statement?.index ?? 1e9) || byText(a.rule, b.rule));
    r.verdict = r.findings.some((f) => f.severity === 'error') ? 'unsafe' : 'safe';
  }
  const verdict = results.some((r) => r.verdict === 'unsafe') || notes.some((f) => f.severity === 'error') ? 'unsafe' : 'safe';
  return {
    subject: input.subject,
    verdict,
    migrations: results,
    notes,
    engine,
    totalMs: Math.round(performance.now() - t0),
    // How to split applies to an unsafe migration, not to a history problem (lock, queries.sql).
    advice: results.some((r) => r.verdict === 'unsafe') ? SPLIT_ADVICE : undefined,
  };
}
