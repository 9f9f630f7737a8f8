// The dynamic proof: build the running release's schema on a real PostgreSQL, load sample rows,
// apply each migration statement by statement as the PreSync Job would (autocommit outside the
// file's own BEGIN … COMMIT), and record per statement the lock modes taken on pre-existing
// tables, the lock_timeout in force, rewrites and rows scanned. Then replay the running
// release's statements and compare row counts and column checksums.
import type pg from 'pg';
import type { Finding, MigrationSource, StatementTrace } from './types.ts';
import { RULES } from './rules.ts';
import { parameterColumns, type ParameterColumn, type QueryUsage } from './queries.ts';
import { isConcurrent, str, type Statement } from './statements.ts';
import { seed } from './seed.ts';

const BLOCKING = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);
const NON_TRANSACTIONAL = new Set(['VacuumStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt']);

interface TableState {
  oid: number;
  filenode: string;
}

export interface DynamicMigrationResult {
  findings: Finding[];
  trace: StatementTrace[];
  ms: number;
  /** False when a statement failed: later migrations are not applied. */
  applied: boolean;
  /** Rows of each table that existed before the migration (what a "no scan" trace is measured against). */
  rowsBefore: Map<string, number>;
}

/**
 * Builds the previous schema and applies the given SQL on `client`'s database, then seeds it.
 * Returns the seed's notes. The result depends on nothing else: a database built once can be
 * cloned for every check on the same previous state (check.ts).
 */
export async function buildPrevious(client: pg.Client, base: MigrationSource[], givenSql: string[]): Promise<Finding[]> {
  for (const m of base) {
    try {
      await client.query(m.sql);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`the previous schema does not build: ${m.name}: ${(e as Error).message}`);
    }
  }
  for (const sql of givenSql) await client.query(sql);
  await client.query('BEGIN');
  const skipped = await seed(client);
  await client.query('COMMIT');
  return skipped.map((s) => ({ rule: 'dynamic/seed-skipped', severity: 'warning', migration: 'seed', message: `${s.table}: ${s.reason}`, fix: RULES['dynamic/seed-skipped'].fix }));
}

const qi = (id: string) => `"${id.replace(/"/g, '""')}"`;
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

export class DynamicSession {
  readonly client: pg.Client;
  private readonly usage: QueryUsage;
  private readonly queries: string[];
  /** Queries of the running release that worked on the previous schema (the contract to keep). */
  private baseline: string[] = [];
  /**
   * The enum label replayed for each enum parameter type, chosen once on the previous schema: the
   * running release keeps sending the labels it knows, so a renamed label must break the replay.
   */
  private readonly enumLabels = new Map<string, string | undefined>();

  constructor(client: pg.Client, usage: QueryUsage, queries: string[]) {
    this.client = client;
    this.usage = usage;
    this.queries = queries;
  }

  /** Builds the previous schema, loads rows, records which queries work. Returns notes. */
  async prepare(base: MigrationSource[], givenSql: string[]): Promise<Finding[]> {
    const notes = await buildPrevious(this.client, base, givenSql);
    return [...notes, ...(await this.recordBaseline())];
  }

  /** Records which of the running release's queries work on the previous state (built and seeded). Returns notes. */
  async recordBaseline(): Promise<Finding[]> {
    const notes: Finding[] = [];
    const results = await this.replay(this.queries);
    const failing = [...results.entries()].filter(([, error]) => error !== undefined);
    for (const [i, error] of results.entries()) if (error === undefined) this.baseline.push(this.queries[i]);
    const note = (message: string): Finding => ({ rule: 'dynamic/query-invalid-before', severity: 'warning', migration: 'queries.sql', message, fix: RULES['dynamic/query-invalid-before'].fix });
    if (failing.length > 1 && failing.length === this.queries.length)
      notes.push(note(`none of the ${failing.length} statements runs on the previous schema (first: ${failing[0][1]}): compatibility with the running release is not proven`));
    else for (const [i, error] of failing) notes.push(note(`statement ${i + 1} \`${this.queries[i]}\` fails on the previous schema: ${error}`));
    return notes;
  }

  private async tables(): Promise<Map<string, TableState>> {
    const r = await this.client.query<{ relname: string; oid: number; filenode: string }>(
      `SELECT c.relname, c.oid::int AS oid, pg_relation_filenode(c.oid)::text AS filenode FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' WHERE c.relkind IN ('r', 'p')`,
    );
    return new Map(r.rows.map((row) => [row.relname, { oid: row.oid, filenode: row.filenode }]));
  }

  private async counters(): Promise<Map<string, number>> {
    const r = await this.client.query<{ relname: string; n: string }>(
      `SELECT relname, (seq_tup_read + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_xact_user_tables WHERE schemaname = 'public'`,
    );
    return new Map(r.rows.map((row) => [row.relname, Number(row.n)]));
  }

  private async locks(): Promise<Map<number, Set<string>>> {
    const r = await this.client.query<{ relation: number; mode: string }>(
      `SELECT relation::int AS relation, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`,
    );
    const out = new Map<number, Set<string>>();
    for (const row of r.rows) out.set(row.relation, (out.get(row.relation) ?? new Set()).add(row.mode));
    return out;
  }

  private async checksums(tables: Iterable<string>): Promise<Map<string, { rows: number; columns: Map<number, string> }>> {
    const out = new Map<string, { rows: number; columns: Map<number, string> }>();
    for (const t of tables) {
      const cols = await this.client.query<{ attnum: number; attname: string }>(
        `SELECT attnum, attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [qi(t)],
      );
      const sums = cols.rows.map((c) => `md5(coalesce(string_agg(coalesce(${qi(c.attname)}::text, '\\N'), ',' ORDER BY coalesce(${qi(c.attname)}::text, '\\N')), '')) AS c${c.attnum}`);
      const r = await this.client.query<Record<string, string>>(`SELECT count(*)::text AS n${sums.length ? ', ' + sums.join(', ') : ''} FROM ${qi(t)}`);
      const row = r.rows[0];
      out.set(t, { rows: Number(row.n), columns: new Map(cols.rows.map((c) => [c.attnum, row[`c${c.attnum}`]])) });
    }
    return out;
  }

  /** Runs each statement prepared, with sample parameters, in a transaction that is rolled back. */
  async replay(queries: string[]): Promise<(string | undefined)[]> {
    const c = this.client;
    const out: (string | undefined)[] = [];
    await c.query('BEGIN');
    await c.query(`SET LOCAL statement_timeout = '10s'`);
    for (const [i, sql] of queries.entries()) {
      await c.query('SAVEPOINT replay');
      try {
        await c.query(`PREPARE replay_${i} AS ${sql}`);
        const p = await c.query<{ types: string[] | null }>(`SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = $1`, [`replay_${i}`]);
        const types = p.rows[0]?.types ?? [];
        const columns = types.length ? await parameterColumns(sql) : new Map<number, ParameterColumn>();
        const values: string[] = [];
        for (const [k, type] of types.entries()) values.push(await this.parameterValue(type, columns.get(k + 1)));
        const args = values.length ? `(${values.join(', ')})` : '';
        await c.query(`EXECUTE replay_${i}${args}`);
        out.push(undefined);
      } catch (e) {
        out.push((e as Error).message);
      }
      await c.query('ROLLBACK TO SAVEPOINT replay');
    }
    await c.query('ROLLBACK');
    await c.query('DEALLOCATE ALL');
    return out;
  }

  /**
   * A value for one parameter, as an EXECUTE argument (a constant: a subquery is not allowed
   * there). A column with a foreign key gets a value its referenced table has, so that a valid
   * foreign key does not read as a break; enums get a real label, domains their base type's sample.
   */
  private async parameterValue(type: string, column: ParameterColumn | undefined): Promise<string> {
    const c = this.client;
    if (column) {
      const fk = await c.query<{ reftable: string; refcol: string }>(
        `SELECT fk.confrelid::regclass::text AS reftable, fa.attname AS refcol FROM pg_constraint fk
         JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = fk.conkey[1]
         JOIN pg_attribute fa ON fa.attrelid = fk.confrelid AND fa.attnum = fk.confkey[1]
         WHERE fk.contype = 'f' AND array_length(fk.conkey, 1) = 1 AND fk.conrelid = to_regclass($1) AND a.attname = $2
         ORDER BY fk.conname LIMIT 1`,
        [qi(column.table), column.column],
      );
      const ref = fk.rows[0];
      if (ref) {
        const v = await c.query<{ v: string }>(`SELECT ${qi(ref.refcol)}::text AS v FROM ${ref.reftable} WHERE ${qi(ref.refcol)} IS NOT NULL ORDER BY ${qi(ref.refcol)} LIMIT 1`);
        if (v.rows[0]) return literal(v.rows[0].v);
      }
    }
    const builtin = sampleValue(type);
    if (builtin !== undefined) return builtin;
    if (!this.enumLabels.has(type)) {
      const t = await c.query<{ typtype: string; base: string | null; label: string | null }>(
        `SELECT t.typtype::text AS typtype, CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
                (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder LIMIT 1) AS label
         FROM pg_type t WHERE t.oid = to_regtype($1)`,
        [type],
      );
      const row = t.rows[0];
      if (row?.typtype === 'd' && row.base) return sampleValue(row.base) ?? 'NULL';
      this.enumLabels.set(type, row?.label ?? undefined);
    }
    const label = this.enumLabels.get(type);
    return label === undefined ? 'NULL' : literal(label);
  }

  async applyMigration(m: MigrationSource, statements: Statement[]): Promise<DynamicMigrationResult> {
    const t0 = performance.now();
    const c = this.client;
    const findings: Finding[] = [];
    const trace: StatementTrace[] = [];
    const add = (rule: keyof typeof RULES, st: Statement | undefined, message: string, severity: 'error' | 'warning' = 'error') =>
      findings.push({ rule, severity, migration: m.name, statement: st && { index: st.index, line: st.line, sql: st.sql }, message, fix: RULES[rule].fix });

    // Each migration runs in a fresh runner session: only the runner's own default (set on the
    // database by check.ts, as the Job sets it per connection) is in force.
    await c.query('RESET ALL');
    const before = await this.tables();
    const byOid = new Map([...before].map(([name, s]) => [s.oid, name]));
    const dataBefore = await this.checksums(before.keys());
    let inTx = false;
    let applied = true;

    for (const st of statements) {
      const s0 = performance.now();
      if (st.kind === 'TransactionStmt') {
        const kind = str(st.node.kind) ?? '';
        await c.query(st.sql);
        inTx = kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START';
        continue;
      }
      if (st.kind === 'VariableSetStmt') {
        await c.query(st.sql);
        continue;
      }
      const wrap = !inTx && !NON_TRANSACTIONAL.has(st.kind) && !isConcurrent(st);
      const observable = inTx || wrap;
      if (wrap) await c.query('BEGIN');
      const lockTimeout = (await c.query<{ lock_timeout: string }>('SHOW lock_timeout')).rows[0].lock_timeout;
      const locksBefore = observable ? await this.locks() : new Map<number, Set<string>>();
      const countersBefore = observable ? await this.counters() : new Map<string, number>();
      const nodesBefore = await this.tables();
      const entry: StatementTrace = { index: st.index, line: st.line, sql: st.sql, lockTimeout, locks: {}, rewritten: [], rowsTouched: {}, ms: 0 };
      try {
        await c.query(st.sql);
      } catch (e) {
        entry.error = (e as Error).message;
        entry.ms = performance.now() - s0;
        trace.push(entry);
        if (inTx || wrap) await c.query('ROLLBACK');
        add('dynamic/apply-failed', st, `PostgreSQL ${entry.error}`);
        applied = false;
        break;
      }
      const locksAfter = observable ? await this.locks() : new Map<number, Set<string>>();
      const countersAfter = observable ? await this.counters() : new Map<string, number>();
      const nodesAfter = await this.tables();
      if (wrap) await c.query('COMMIT');
      entry.ms = performance.now() - s0;

      for (const [oid, modes] of locksAfter) {
        const table = byOid.get(oid);
        if (!table) continue;
        entry.locks[table] = [...modes].sort();
        const fresh = [...modes].filter((mode) => BLOCKING.has(mode) && !locksBefore.get(oid)?.has(mode));
        if (fresh.length && /^0+(ms|s)?$/.test(lockTimeout))
          add('dynamic/lock-without-timeout', st, `${fresh.join(', ')} on ${table} was requested with lock_timeout = 0: behind a long query it waits forever, and every query on ${table} queues behind it.`);
      }
      for (const [table, state] of before) {
        const now = nodesAfter.get(table);
        const was = nodesBefore.get(table);
        if (now && was && now.filenode !== was.filenode && st.kind !== 'TruncateStmt') {
          entry.rewritten.push(table);
          add('dynamic/table-rewrite', st, `${table} was rewritten (relfilenode ${was.filenode} → ${now.filenode}) while ACCESS EXCLUSIVE was held.`);
        }
        const touched = (countersAfter.get(table) ?? 0) - (countersBefore.get(table) ?? 0);
        if (touched > 0) {
          entry.rowsTouched[table] = touched;
          const held = [...(locksAfter.get(state.oid) ?? [])].filter((mode) => BLOCKING.has(mode));
          if (held.length && !entry.rewritten.includes(table))
            add('dynamic/scan-under-lock', st, `${touched} row(s) of ${table} were read or written while the transaction held ${held.join(', ')} on it: the lock lasts as long as the table is big.`);
        }
      }
      trace.push(entry);
    }
    if (applied && inTx) {
      await c.query('ROLLBACK');
      add('dynamic/apply-failed', undefined, 'the file leaves its transaction open (no COMMIT): the runner would roll it back.');
      applied = false;
    }
    if (applied) {
      const results = await this.replay(this.baseline);
      for (const [i, error] of results.entries()) {
        if (error !== undefined)
          add('dynamic/query-broken', undefined, `the running release's statement \`${this.baseline[i]}\` now fails: ${error}`);
      }
      const after = await this.tables();
      const surviving = [...before.keys()].filter((t) => after.get(t)?.oid === before.get(t)?.oid);
      const dataAfter = await this.checksums(surviving);
      for (const t of surviving) {
        const b = dataBefore.get(t);
        const a = dataAfter.get(t);
        if (!a || !b) continue;
        if (a.rows < b.rows) {
          const used = this.usage.tables.has(t);
          add('dynamic/rows-lost', undefined, `${t}: ${b.rows} → ${a.rows} rows${used ? ' (the running release uses this table)' : ''}.`, used ? 'error' : 'warning');
        } else {
          const changed = [...b.columns].filter(([attnum, sum]) => a.columns.has(attnum) && a.columns.get(attnum) !== sum).map(([attnum]) => attnum);
          if (changed.length) {
            const cols = await c.query<{ attname: string }>(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum = ANY($2::int[])`, [qi(t), changed]);
            add('dynamic/values-changed', undefined, `${t}: values of ${cols.rows.map((r) => r.attname).join(', ')} changed.`, 'warning');
          }
        }
      }
    }
    const rowsBefore = new Map([...dataBefore].map(([t, d]) => [t, d.rows]));
    return { findings, trace, ms: performance.now() - t0, applied, rowsBefore };
  }
}

function sampleValue(type: string): string | undefined {
  if (/^(smallint|integer|bigint|numeric|real|double precision|oid)/.test(type)) return '1';
  if (/^(text|character|name|citext)/.test(type)) return `'x'`;
  if (type === 'boolean') return 'true';
  if (type === 'date') return `'2024-01-01'`;
  if (type.startsWith('timestamp')) return `'2024-01-01 00:00:00'`;
  if (type.startsWith('time')) return `'00:00'`;
  if (type === 'uuid') return `'00000000-0000-0000-0000-000000000001'`;
  if (type === 'json' || type === 'jsonb') return `'{}'`;
  if (type.startsWith('interval')) return `'1 second'`;
  if (type.endsWith('[]')) return `'{}'`;
  if (type === 'unknown') return `'x'`;
  return undefined;
}
