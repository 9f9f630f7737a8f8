// Our own static rules, on the real PostgreSQL parser's AST: what squawk misses or cannot know
// (the runner's lock_timeout, the running release's INSERTs, transaction boundaries).
import type { Finding, MigrationSource } from './types.ts';
import { RULES, type RuleId } from './rules.ts';
import type { QueryUsage } from './queries.ts';
import { insertOmits, usesColumn } from './queries.ts';
import { findAll, isConcurrent, lastName, list, names, obj, relName, str, type Ast, type Statement } from './statements.ts';

export interface LintContext {
  migration: MigrationSource;
  statements: Statement[];
  usage: QueryUsage;
  /** The runner's session lock_timeout, when known (see CheckInput.runnerLockTimeout). */
  runnerLockTimeout?: string;
}

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);
// Functions whose value differs per row: a default using them must be evaluated for every row.
const VOLATILE_FUNCTIONS = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7',
  'clock_timestamp', 'timeofday', 'nextval', 'txid_current', 'setseed', 'random_normal',
]);

function isZeroTimeout(value: string | undefined): boolean {
  return value === undefined || /^\s*0+\s*(ms|s|min|h|d)?\s*$/i.test(value);
}

/** The value a `SET lock_timeout …` gives, `undefined` for RESET/DEFAULT (the server default). */
function timeoutValue(node: Ast): string | undefined {
  if (str(node.kind) !== 'VAR_SET_VALUE') return undefined;
  const c = obj(list(node.args)[0]?.A_Const);
  if (!c) return undefined;
  const s = str(obj(c.sval)?.sval);
  if (s !== undefined) return s;
  const i = obj(c.ival);
  return i ? String(i.ival ?? 0) : undefined;
}

/** Pre-existing tables whose locks the statement takes in a mode that blocks the application. */
export function blockingTargets(st: Statement): string[] {
  const n = st.node;
  switch (st.kind) {
    case 'AlterTableStmt': {
      const t = [relName(n.relation)];
      for (const c of findAll(n, 'Constraint')) if (str(c.contype) === 'CONSTR_FOREIGN') t.push(relName(c.pktable));
      return t.filter((x): x is string => !!x);
    }
    case 'IndexStmt':
      return n.concurrent ? [] : [relName(n.relation)].filter((x): x is string => !!x);
    case 'RenameStmt':
    case 'CreateTrigStmt':
    case 'ClusterStmt':
      return [relName(n.relation)].filter((x): x is string => !!x);
    case 'TruncateStmt':
      return list(n.relations).map((r) => relName(r.RangeVar)).filter((x): x is string => !!x);
    case 'DropStmt':
      if (n.concurrent) return [];
      if (str(n.removeType) === 'OBJECT_TABLE' || str(n.removeType) === 'OBJECT_INDEX')
        return list(n.objects).map((o) => lastName(obj(o.List)?.items) ?? '').filter(Boolean);
      return [];
    default:
      return [];
  }
}

function isBackfill(st: Statement): boolean {
  if (st.kind === 'UpdateStmt' || st.kind === 'DeleteStmt') return true;
  return st.kind === 'InsertStmt' && findAll(st.node.selectStmt, 'RangeVar').length > 0;
}

function volatileCall(expr: unknown): string | undefined {
  for (const call of findAll(expr, 'FuncCall')) {
    const name = lastName(call.funcname)?.toLowerCase();
    if (name && VOLATILE_FUNCTIONS.has(name)) return name;
  }
  return undefined;
}

export function lintMigration(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: RuleId & keyof typeof RULES, st: Statement | undefined, message: string, severity: 'error' | 'warning' = 'error') =>
    findings.push({
      rule,
      severity,
      migration: ctx.migration.name,
      statement: st ? { index: st.index, line: st.line, sql: st.sql } : undefined,
      message,
      fix: RULES[rule].fix,
    });

  const created = new Set<string>();
  const runnerHasTimeout = !isZeroTimeout(ctx.runnerLockTimeout);
  let inTx = false;
  let sessionTimeout: { value: string | undefined; st?: Statement } = { value: runnerHasTimeout ? ctx.runnerLockTimeout : undefined };
  let localTimeout: { value: string | undefined; st: Statement } | undefined;
  let expiredLocal: Statement | undefined;
  let ddlWithoutTimeout: Statement | undefined;
  let ddlInTx = false;
  const columns: FileColumns = { addedNotNull: new Set(), defaulted: new Set() };

  for (const st of ctx.statements) {
    const n = st.node;
    if (st.kind === 'TransactionStmt') {
      const kind = str(n.kind) ?? '';
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
        inTx = true;
        ddlInTx = false;
      } else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
        inTx = false;
        if (localTimeout) expiredLocal = localTimeout.st;
        localTimeout = undefined;
      }
      continue;
    }
    if (st.kind === 'VariableSetStmt' && str(n.name) === 'lock_timeout') {
      const value = timeoutValue(n);
      const resetTo = str(n.kind) === 'VAR_SET_VALUE' ? value : runnerHasTimeout ? ctx.runnerLockTimeout : undefined;
      if (isZeroTimeout(resetTo)) add('lint/lock-timeout-disabled', st, `lock_timeout becomes ${resetTo ?? '0 (server default)'}: DDL after this waits for its lock forever.`);
      if (n.is_local && !inTx) {
        add('lint/lock-timeout-expired', st, 'SET LOCAL outside a transaction block has no effect (its implicit transaction ends at once).');
      } else if (n.is_local) {
        localTimeout = { value: resetTo, st };
      } else {
        sessionTimeout = { value: resetTo, st };
      }
      if (ddlWithoutTimeout && !isZeroTimeout(resetTo))
        add('lint/lock-timeout-after-ddl', st, `lock_timeout is set here, after the lock-taking statement on line ${ddlWithoutTimeout.line}.`);
      continue;
    }
    if (st.kind === 'CreateStmt') {
      const t = relName(n.relation);
      if (t) created.add(t);
    }

    const targets = blockingTargets(st).filter((t) => !created.has(t));
    if (targets.length) {
      const effective = localTimeout ? localTimeout.value : sessionTimeout.value;
      if (isZeroTimeout(effective)) {
        if (expiredLocal && !ddlWithoutTimeout)
          add('lint/lock-timeout-expired', st, `the SET LOCAL lock_timeout on line ${expiredLocal.line} ended at COMMIT; this statement locks ${targets.join(', ')} with no timeout.`);
        ddlWithoutTimeout ??= st;
      }
      if (inTx) ddlInTx = true;
    }

    if (inTx && isConcurrent(st)) add('lint/concurrently-in-transaction', st, 'CONCURRENTLY inside BEGIN … COMMIT: PostgreSQL rejects it ("cannot run inside a transaction block").');
    if (inTx && ddlInTx && isBackfill(st))
      add('lint/backfill-in-ddl-transaction', st, 'this data change runs in the transaction that already holds a DDL lock; every row it touches extends the lock.');

    if (st.kind === 'TruncateStmt') {
      for (const r of list(n.relations)) {
        const t = relName(r.RangeVar);
        if (t && !created.has(t)) add('lint/truncate', st, `TRUNCATE ${t} deletes every row${ctx.usage.tables.has(t) ? ' of a table the running release uses' : ''}.`);
      }
    }
    if (st.kind === 'RenameStmt') {
      const type = str(n.renameType);
      const t = relName(n.relation);
      if (type === 'OBJECT_COLUMN' && t && !created.has(t))
        add('lint/rename-column', st, `column ${t}.${str(n.subname)} renamed to ${str(n.newname)}: the running release still uses the old name.`);
      if (type === 'OBJECT_TABLE' && t && !created.has(t))
        add('lint/rename-table', st, `table ${t} renamed to ${str(n.newname)}: the running release still uses the old name.`);
    }
    if (st.kind === 'AlterEnumStmt' && str(n.oldVal) !== undefined)
      add('lint/rename-enum-value', st, `enum ${names(n.typeName).join('.')} value '${str(n.oldVal)}' renamed to '${str(n.newVal)}'.`);
    if (st.kind === 'DropStmt' && str(n.removeType) === 'OBJECT_TABLE') {
      for (const o of list(n.objects)) {
        const t = lastName(obj(o.List)?.items);
        if (!t || created.has(t)) continue;
        const used = ctx.usage.tables.has(t);
        add('lint/drop-table', st, used ? `table ${t} is dropped while the running release uses it (its rows are lost too).` : `table ${t} is dropped; the running release does not use it (contract step).`, used ? 'error' : 'warning');
      }
    }
    if (st.kind === 'AlterTableStmt') lintAlterTable(st, relName(n.relation), created, columns, ctx.usage, add);
  }
  return findings;
}

/** `table.column` keys this file has acted on so far, in statement order. */
interface FileColumns {
  /** Added NOT NULL (Django's AddField adds them with a default, then drops it). */
  addedNotNull: Set<string>;
  /** Given a non-null default: INSERTs that omit the column still get a value, so SET NOT NULL keeps them working. */
  defaulted: Set<string>;
}

/** DROP DEFAULT, or SET DEFAULT NULL, which is the same thing. */
function dropsDefault(cmd: Ast): boolean {
  return !cmd.def || obj(obj(cmd.def)?.A_Const)?.isnull === true;
}

type Add = (rule: RuleId & keyof typeof RULES, st: Statement | undefined, message: string, severity?: 'error' | 'warning') => void;

function lintAlterTable(st: Statement, table: string | undefined, created: Set<string>, columns: FileColumns, usage: QueryUsage, add: Add): void {
  if (!table || created.has(table)) return;
  for (const item of list(st.node.cmds)) {
    const cmd = obj(item.AlterTableCmd);
    if (!cmd) continue;
    const sub = str(cmd.subtype);
    const column = str(cmd.name);
    if (sub === 'AT_AddColumn') {
      const def = obj(obj(cmd.def)?.ColumnDef);
      if (!def) continue;
      const col = str(def.colname) ?? '?';
      const typeName = lastName(obj(def.typeName)?.names)?.toLowerCase() ?? '';
      const constraints = list(def.constraints).map((c) => obj(c.Constraint) ?? {});
      const has = (t: string) => constraints.find((c) => str(c.contype) === t);
      const dflt = has('CONSTR_DEFAULT');
      if (SERIAL_TYPES.has(typeName) || has('CONSTR_IDENTITY'))
        add('lint/serial-column', st, `${table}.${col} (${SERIAL_TYPES.has(typeName) ? typeName : 'identity'}) gets a value for every existing row: the table is rewritten.`);
      const gen = has('CONSTR_GENERATED');
      if (gen && str(gen.generated_kind) !== 'v')
        add('lint/stored-generated-column', st, `${table}.${col} is a STORED generated column: every existing row is rewritten.`);
      if (dflt && !obj(obj(dflt.raw_expr)?.A_Const)?.isnull) columns.defaulted.add(`${table}.${col}`);
      const vol = dflt ? volatileCall(dflt.raw_expr) : undefined;
      if (vol) add('lint/volatile-default', st, `${table}.${col} DEFAULT ${vol}() is volatile: every existing row is rewritten.`);
      if (has('CONSTR_NOTNULL') || has('CONSTR_PRIMARY')) {
        columns.addedNotNull.add(`${table}.${col}`);
        if (!dflt && !gen && !has('CONSTR_IDENTITY') && !SERIAL_TYPES.has(typeName))
          add('lint/not-null-relied-on', st, `${table}.${col} is NOT NULL with no default: it fails on existing rows, and the running release's INSERTs do not set it.`);
      }
    } else if (sub === 'AT_ColumnDefault' && column && !dropsDefault(cmd)) {
      columns.defaulted.add(`${table}.${column}`);
    } else if (sub === 'AT_ColumnDefault' && column) {
      const key = `${table}.${column}`;
      columns.defaulted.delete(key);
      if (columns.addedNotNull.has(key))
        add('lint/drop-default-relied-on', st, `${key} was added NOT NULL with a default that is dropped here: the running release's INSERTs, which do not know the column, fail.`);
      else if (insertOmits(usage, table, column))
        add('lint/drop-default-relied-on', st, `the running release inserts into ${table} without ${column}; it relied on this default.`);
    } else if (sub === 'AT_SetNotNull' && column) {
      if (insertOmits(usage, table, column) && !columns.defaulted.has(`${table}.${column}`))
        add('lint/not-null-relied-on', st, `the running release inserts into ${table} without ${column}; SET NOT NULL makes those INSERTs fail unless a default remains.`);
    } else if (sub === 'AT_AlterColumnType' && column) {
      add('lint/column-type-change', st, `${table}.${column} changes type; the dynamic check tells whether the table is rewritten.`, 'warning');
    } else if (sub === 'AT_DropColumn' && column) {
      const used = usesColumn(usage, table, column);
      add('lint/drop-column', st, used ? `${table}.${column} is dropped while the running release uses it.` : `${table}.${column} is dropped; the running release does not use it (contract step).`, used ? 'error' : 'warning');
    }
  }
}
