// A small synthetic data set for every table of the previous schema, so that scans, rewrites
// and lost rows are observable. Generic: values come from column types, foreign keys point at
// rows of the referenced table, tables are filled parents first.
import type pg from 'pg';

export const SEED_ROWS = 200;

interface ColumnInfo {
  table: string;
  column: string;
  type: string;
  typtype: string;
  typmod: number;
  notNull: boolean;
  skip: boolean;
  fkTable?: string;
  fkColumn?: string;
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

function valueExpr(c: ColumnInfo): string | undefined {
  if (c.fkTable && c.fkColumn) {
    if (c.fkTable === c.table) return 'NULL';
    return `(SELECT r.${q(c.fkColumn)} FROM ${q(c.fkTable)} r ORDER BY 1 OFFSET ((g - 1) % GREATEST((SELECT count(*) FROM ${q(c.fkTable)}), 1)) LIMIT 1)`;
  }
  const t = c.type;
  if (c.typtype === 'e') return `(enum_range(NULL::${t}))[1]`;
  if (/\[\]$/.test(t)) return `'{}'`;
  // Plausible for years, counts and amounts alike, so CHECK constraints of real schemas pass.
  if (/^(smallint|integer|bigint|numeric|real|double precision)/.test(t)) return `2000 + g`;
  if (/^(character varying|character|text|varchar|bpchar|citext)/.test(t)) {
    const len = c.typmod > 4 ? c.typmod - 4 : 0;
    return len ? `left('v' || g::text, ${len})` : `'v' || g::text`;
  }
  if (t === 'boolean') return `(g % 2 = 0)`;
  if (t === 'date') return `date '2024-01-01' + g`;
  if (t.startsWith('timestamp')) return `timestamp '2024-01-01' + g * interval '1 minute'`;
  if (t.startsWith('time')) return `time '00:00' + g * interval '1 second'`;
  if (t === 'uuid') return `md5(g::text)::uuid`;
  if (t === 'json' || t === 'jsonb') return `'{}'`;
  if (t === 'bytea') return `'\\x00'::bytea`;
  if (t.startsWith('interval')) return `g * interval '1 second'`;
  if (t === 'inet' || t === 'cidr') return `'10.0.0.1'`;
  return undefined;
}

/** Fills every table; returns the tables it could not fill, with the reason. */
export async function seed(client: pg.Client, rows = SEED_ROWS): Promise<{ table: string; reason: string }[]> {
  const res = await client.query<{ table: string; column: string; type: string; typtype: string; typmod: number; notnull: boolean; skip: boolean; fktable: string | null; fkcolumn: string | null }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, t.typtype::text AS typtype,
           a.atttypmod AS typmod, a.attnotnull AS notnull,
           (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS skip,
           fk.confrelid::regclass::text AS fktable, fa.attname AS fkcolumn
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_constraint fk ON fk.conrelid = c.oid AND fk.contype = 'f' AND array_length(fk.conkey, 1) = 1 AND fk.conkey[1] = a.attnum
    LEFT JOIN pg_attribute fa ON fa.attrelid = fk.confrelid AND fa.attnum = fk.confkey[1]
    WHERE c.relkind IN ('r', 'p')
    ORDER BY c.relname, a.attnum`);
  const tables = new Map<string, ColumnInfo[]>();
  for (const r of res.rows) {
    const cols = tables.get(r.table) ?? [];
    cols.push({ table: r.table, column: r.column, type: r.type, typtype: r.typtype, typmod: r.typmod, notNull: r.notnull, skip: r.skip, fkTable: r.fktable?.replace(/^"|"$/g, '') ?? undefined, fkColumn: r.fkcolumn ?? undefined });
    tables.set(r.table, cols);
  }
  const order = parentsFirst(tables);
  const skipped: { table: string; reason: string }[] = [];
  for (const table of order) {
    const cols = (tables.get(table) ?? []).filter((c) => !c.skip || c.fkTable);
    const exprs = cols.map((c) => [c, valueExpr(c)] as const).filter(([c, e]) => e !== undefined || c.notNull);
    const missing = exprs.find(([, e]) => e === undefined);
    if (missing) {
      skipped.push({ table, reason: `no sample value for ${missing[0].column} (${missing[0].type})` });
      continue;
    }
    const { rowCount } = await client.query(`SELECT 1 FROM ${q(table)} LIMIT 1`);
    if (rowCount) continue; // given rows (--given-sql) are kept as they are
    const sql = exprs.length
      ? `INSERT INTO ${q(table)} (${exprs.map(([c]) => q(c.column)).join(', ')}) SELECT ${exprs.map(([, e]) => e).join(', ')} FROM generate_series(1, ${rows}) g`
      : `INSERT INTO ${q(table)} SELECT FROM generate_series(1, ${rows}) g`;
    await client.query('SAVEPOINT seed');
    try {
      await client.query(sql);
      await client.query('RELEASE SAVEPOINT seed');
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT seed');
      skipped.push({ table, reason: (e as Error).message });
    }
  }
  // The seeded tables' statistics are what the planner needs; a bare ANALYZE would also walk
  // every system catalog, which costs more than the whole seed.
  if (tables.size) await client.query(`ANALYZE ${[...tables.keys()].sort().map(q).join(', ')}`);
  return skipped;
}

function parentsFirst(tables: Map<string, ColumnInfo[]>): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (done.has(t) || path.has(t)) return;
    path.add(t);
    for (const c of tables.get(t) ?? []) if (c.fkTable && c.fkTable !== t && tables.has(c.fkTable)) visit(c.fkTable, path);
    done.add(t);
    out.push(t);
  };
  for (const t of [...tables.keys()].sort()) visit(t, new Set());
  return out;
}
