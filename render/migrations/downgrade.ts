// squawk judges SQL text; the dynamic proof watched the statement run. A squawk finding about a
// long lock, a scan or a missing lock_timeout is downgraded to a warning only when the trace of
// that very statement shows the opposite, and the report carries that trace.
import type { Finding, StatementTrace } from './types.ts';
import { blockingTargets } from './lint.ts';
import { relName, type Statement } from './statements.ts';

/** squawk rules whose whole concern is a lock held while a table is scanned or rewritten. */
const LONG_LOCK_RULES = new Set([
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'adding-not-nullable-field',
  'constraint-missing-not-valid',
  'adding-foreign-key-constraint',
  'disallowed-unique-constraint',
  'adding-field-with-default',
  'adding-serial-primary-key-field',
]);
const TIMEOUT_RULES = new Set(['require-lock-timeout']);
const BLOCKING = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);
const isZero = (t: string) => /^0+(ms|s)?$/.test(t);

export interface DowngradeContext {
  statements: Statement[];
  trace: StatementTrace[];
  /** Rows of every table that existed before the migration. */
  rowsBefore: Map<string, number>;
  /** Every statement of the migration ran (a partial trace proves nothing about the rest). */
  applied: boolean;
}

export function describeTrace(t: StatementTrace): string {
  const locks = Object.entries(t.locks).map(([table, modes]) => `${table}: ${modes.join('+')}`);
  const rows = Object.entries(t.rowsTouched).map(([table, n]) => `${table}: ${n}`);
  return [
    `line ${t.line} \`${t.sql.replace(/\s+/g, ' ').slice(0, 100)}\``,
    `locks on existing tables ${locks.length ? locks.join(', ') : 'none'}`,
    `lock_timeout ${t.lockTimeout}`,
    `rows read or written ${rows.length ? rows.join(', ') : '0'}`,
    `rewritten ${t.rewritten.length ? t.rewritten.join(', ') : 'none'}`,
    `${Math.round(t.ms)} ms`,
  ].join('; ');
}

/** Lines where the migration creates each table. */
function createdTables(statements: Statement[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const st of statements) {
    if (st.kind !== 'CreateStmt' && st.kind !== 'CreateTableAsStmt') continue;
    const t = relName(st.kind === 'CreateStmt' ? st.node.relation : (st.node.into as { rel?: unknown } | undefined)?.rel);
    if (t && !out.has(t)) out.set(t, st.line);
  }
  return out;
}

function refuteLongLock(st: Statement, t: StatementTrace, ctx: DowngradeContext): string | undefined {
  const targets = [...new Set(blockingTargets(st))];
  if (!targets.length) return undefined;
  const created = createdTables(ctx.statements);
  const reasons: string[] = [];
  for (const table of targets) {
    const rows = ctx.rowsBefore.get(table);
    if (rows === undefined) {
      const line = created.get(table);
      if (line === undefined || line > st.line) return undefined;
      reasons.push(`${table} was created in this migration (line ${line}): no rows, no concurrent readers`);
      continue;
    }
    const held = (t.locks[table] ?? []).filter((m) => BLOCKING.has(m));
    // A "no scan" trace proves something only on a table that has rows and whose locks were seen.
    if (t.locks[table] === undefined || rows === 0 || (t.rowsTouched[table] ?? 0) > 0 || t.rewritten.includes(table)) return undefined;
    reasons.push(`no scan and no rewrite: 0 of ${rows} rows of ${table} read under ${held.length ? held.join('+') : 'no blocking lock'}`);
  }
  return reasons.join('; ');
}

function refuteMissingTimeout(t: StatementTrace, ctx: DowngradeContext): string | undefined {
  if (!ctx.applied || isZero(t.lockTimeout)) return undefined;
  // Every blocking lock on an existing table, anywhere in the migration, had a timeout in force.
  const untimed = ctx.trace.find((e) => isZero(e.lockTimeout) && Object.values(e.locks).some((modes) => modes.some((m) => BLOCKING.has(m))));
  if (untimed) return undefined;
  return `lock_timeout was ${t.lockTimeout} in force here and at every blocking lock this migration took`;
}

/** Downgrades, in place, the squawk errors the trace refutes. */
export function downgradeRefuted(findings: Finding[], ctx: DowngradeContext): void {
  for (const f of findings) {
    if (f.severity !== 'error' || !f.rule.startsWith('squawk/') || !f.statement) continue;
    const rule = f.rule.slice('squawk/'.length);
    if (!LONG_LOCK_RULES.has(rule) && !TIMEOUT_RULES.has(rule)) continue;
    const index = f.statement.index;
    const t = ctx.trace.find((e) => e.index === index);
    const st = ctx.statements[index];
    if (!t || t.error || !st) continue;
    const reason = TIMEOUT_RULES.has(rule) ? refuteMissingTimeout(t, ctx) : refuteLongLock(st, t, ctx);
    if (!reason) continue;
    f.severity = 'warning';
    f.message = `downgraded — ${reason}; trace: ${describeTrace(t)}. (squawk: ${f.message})`;
    f.downgraded = { reason, trace: t };
  }
}
