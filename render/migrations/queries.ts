// What the running release touches, read from its statements (queries.sql): which tables it
// uses, which columns it names, and which columns its INSERTs leave to defaults.
import { parse } from 'libpg-query';
import { findAll, list, obj, relName, str } from './statements.ts';

export interface QueryUsage {
  tables: Set<string>;
  /** table → column names the statements mention together with that table (`*` = all). */
  columns: Map<string, Set<string>>;
  /** table → lists of columns named by each INSERT into it. */
  inserts: Map<string, string[][]>;
}

/** One statement per non-empty, non-comment line. */
export function splitQueryLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('--'))
    .map((l) => l.replace(/;\s*$/, ''));
}

export async function analyseQueries(queries: string[]): Promise<QueryUsage> {
  const usage: QueryUsage = { tables: new Set(), columns: new Map(), inserts: new Map() };
  for (const q of queries) {
    let ast: unknown;
    try {
      ast = await parse(q);
    } catch {
      continue; // reported by the dynamic check (query-invalid-before)
    }
    const tables = findAll(ast, 'RangeVar').map(relName).filter((t): t is string => !!t);
    const cols = new Set<string>();
    for (const ref of findAll(ast, 'ColumnRef')) {
      const fields = list(ref.fields);
      const last = fields[fields.length - 1];
      if (last && obj(last.A_Star)) cols.add('*');
      else {
        const s = str(obj(last?.String)?.sval);
        if (s) cols.add(s);
      }
    }
    for (const target of findAll(ast, 'ResTarget')) {
      const n = str(target.name);
      if (n) cols.add(n);
    }
    for (const t of tables) {
      usage.tables.add(t);
      const set = usage.columns.get(t) ?? new Set<string>();
      for (const c of cols) set.add(c);
      usage.columns.set(t, set);
    }
    for (const ins of findAll(ast, 'InsertStmt')) {
      const t = relName(ins.relation);
      if (!t) continue;
      const named = list(ins.cols).map((c) => str(obj(c.ResTarget)?.name) ?? '');
      const all = usage.inserts.get(t) ?? [];
      all.push(named);
      usage.inserts.set(t, all);
    }
  }
  return usage;
}

export function usesColumn(usage: QueryUsage, table: string, column: string): boolean {
  const cols = usage.columns.get(table);
  return !!cols && (cols.has(column) || cols.has('*'));
}

/** True when some INSERT of the running release into `table` leaves `column` out. */
export function insertOmits(usage: QueryUsage, table: string, column: string): boolean {
  return (usage.inserts.get(table) ?? []).some((cols) => cols.length > 0 && !cols.includes(column));
}

/** The column a `$n` parameter is written to: `INSERT INTO t (c) VALUES ($n)` or `UPDATE t SET c = $n`. */
export interface ParameterColumn {
  table: string;
  column: string;
}

function paramNumber(node: unknown): number | undefined {
  const n = obj(node);
  const ref = obj(n?.ParamRef) ?? obj(obj(obj(n?.TypeCast)?.arg)?.ParamRef);
  return typeof ref?.number === 'number' ? ref.number : undefined;
}

/**
 * Which columns the statement's parameters are written to, so that the replay can pass a value
 * that exists where the column references another table (a foreign key).
 */
export async function parameterColumns(sql: string): Promise<Map<number, ParameterColumn>> {
  const out = new Map<number, ParameterColumn>();
  let ast: unknown;
  try {
    ast = await parse(sql);
  } catch {
    return out;
  }
  for (const ins of findAll(ast, 'InsertStmt')) {
    const table = relName(ins.relation);
    const cols = list(ins.cols).map((c) => str(obj(c.ResTarget)?.name));
    const rows = list(obj(obj(ins.selectStmt)?.SelectStmt)?.valuesLists).map((r) => list(obj(r.List)?.items));
    for (const row of rows)
      row.forEach((item, i) => {
        const n = paramNumber(item);
        const column = cols[i];
        if (table && column && n !== undefined) out.set(n, { table, column });
      });
  }
  for (const upd of findAll(ast, 'UpdateStmt')) {
    const table = relName(upd.relation);
    for (const t of list(upd.targetList)) {
      const target = obj(t.ResTarget);
      const n = paramNumber(target?.val);
      const column = str(target?.name);
      if (table && column && n !== undefined) out.set(n, { table, column });
    }
  }
  return out;
}
