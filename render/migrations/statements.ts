// Splits a SQL file into statements with the real PostgreSQL parser (libpg-query, WASM):
// each keeps its exact text, 1-based line and AST node.
import { parse } from 'libpg-query';

/** A parsed AST node: `{ NodeType: { …fields } }`, walked loosely (the rules test only a few fields). */
export type Ast = Record<string, unknown>;

export interface Statement {
  index: number;
  line: number;
  sql: string;
  /** Node type, e.g. `AlterTableStmt`. */
  kind: string;
  node: Ast;
}

export class SqlParseError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'SqlParseError';
    this.line = line;
  }
}

export async function splitStatements(sql: string): Promise<Statement[]> {
  let result: { stmts?: { stmt: Ast; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = (await parse(sql)) as unknown as typeof result;
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    const pos = err.sqlDetails?.cursorPosition ?? 0;
    throw new SqlParseError(err.message ?? String(e), lineAt(Buffer.from(sql), pos));
  }
  // Offsets are byte offsets into the UTF-8 text.
  const bytes = Buffer.from(sql);
  const out: Statement[] = [];
  for (const raw of result.stmts ?? []) {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const rawText = bytes.subarray(start, end).toString();
    const text = stripLeadingComments(rawText);
    const lead = Buffer.byteLength(rawText) - Buffer.byteLength(text);
    const kind = Object.keys(raw.stmt)[0];
    out.push({ index: out.length, line: lineAt(bytes, start + lead), sql: text.trim(), kind, node: raw.stmt[kind] as Ast });
  }
  return out;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function stripLeadingComments(text: string): string {
  let t = text;
  for (;;) {
    const trimmed = t.replace(/^\s+/, '');
    if (trimmed.startsWith('--')) {
      const nl = trimmed.indexOf('\n');
      t = nl < 0 ? '' : trimmed.slice(nl + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      t = end < 0 ? '' : trimmed.slice(end + 2);
    } else return trimmed;
  }
}

// ---- small AST helpers -------------------------------------------------------------------

export function obj(v: unknown): Ast | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Ast) : undefined;
}

export function list(v: unknown): Ast[] {
  return Array.isArray(v) ? (v as Ast[]) : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `{ String: { sval } }` lists (qualified names) → their last part, lower-case as PostgreSQL folds them. */
export function lastName(names: unknown): string | undefined {
  const parts = list(names).map((n) => str(obj(n.String)?.sval));
  return parts[parts.length - 1];
}

export function names(v: unknown): string[] {
  return list(v).map((n) => str(obj(n.String)?.sval) ?? '');
}

/** Every node of a given type anywhere under `root`. */
export function findAll(root: unknown, type: string, out: Ast[] = []): Ast[] {
  if (Array.isArray(root)) {
    for (const x of root) findAll(x, type, out);
  } else if (root && typeof root === 'object') {
    for (const [k, v] of Object.entries(root as Ast)) {
      if (k === type && obj(v)) out.push(v as Ast);
      findAll(v, type, out);
    }
  }
  return out;
}

export function relName(rangeVar: unknown): string | undefined {
  return str(obj(rangeVar)?.relname);
}

/** Statements PostgreSQL refuses inside a transaction block (CONCURRENTLY variants). */
export function isConcurrent(st: Statement): boolean {
  const n = st.node;
  if ((st.kind === 'IndexStmt' || st.kind === 'DropStmt') && n.concurrent) return true;
  if (st.kind === 'ReindexStmt') return list(n.params).some((p) => str(obj(p.DefElem)?.defname) === 'concurrently');
  return findAll(n, 'PartitionCmd').some((p) => p.concurrent === true);
}
