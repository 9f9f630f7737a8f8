// The data the migration checker passes around: inputs, per-statement traces, findings, verdicts.

export type Severity = 'error' | 'warning';

/** One migration file in apply order: `name` is its file stem (`0004_garage_ville`). */
export interface MigrationSource {
  name: string;
  sql: string;
}

/** Where a finding points: the statement's index in its file, its 1-based line, its text. */
export interface StatementRef {
  index: number;
  line: number;
  sql: string;
}

export interface Finding {
  /** Stable ID: `lint/…` (our parser rules), `squawk/…` (squawk's), `dynamic/…` (observed on a server). */
  rule: string;
  severity: Severity;
  migration: string;
  statement?: StatementRef;
  message: string;
  fix: string;
  /** A static finding the dynamic proof refuted: why, and the trace of the statement that shows it. */
  downgraded?: { reason: string; trace: StatementTrace };
}

/** What the dynamic check observed while one statement ran. */
export interface StatementTrace {
  index: number;
  line: number;
  sql: string;
  /** `lock_timeout` in force when the statement started (`0` = wait forever). */
  lockTimeout: string;
  /** Lock modes taken on tables that existed before the migration, by table. */
  locks: Record<string, string[]>;
  rewritten: string[];
  /** Rows read by sequential scans, or updated/deleted, per pre-existing table. */
  rowsTouched: Record<string, number>;
  ms: number;
  error?: string;
}

export interface MigrationResult {
  name: string;
  verdict: 'safe' | 'unsafe';
  findings: Finding[];
  trace: StatementTrace[];
  /** Time of the dynamic check for this migration (apply, trace, replay, data diff). */
  dynamicMs?: number;
}

export interface CheckInput {
  /** Label in reports (app name or file path). */
  subject: string;
  /** The migrations to check, in apply order. */
  migrations: MigrationSource[];
  /** SQL that builds the schema of the release running now (earlier migrations, or a schema dump). */
  baseSchema: MigrationSource[];
  /** Extra prior state (rows, settings, extensions) applied after the base schema. */
  givenSql: string[];
  /** The statements the running release issues (its contract with the schema). */
  previousQueries: string[];
  /** PostgreSQL major the target cluster runs (squawk's rules depend on it). */
  pgVersion: number;
  /**
   * `lock_timeout` the migration runner sets for its session (the PreSync Job does),
   * or undefined when nothing is known about the runner: then the file must set it itself.
   */
  runnerLockTimeout?: string;
  /** Run the dynamic proof on a throwaway server (off = static lint only). */
  dynamic: boolean;
  /** Findings about the app's files and history (lock, queries.sql), reported as notes. */
  gate?: Finding[];
}

export interface EngineInfo {
  source: string;
  major: number;
  startupMs: number;
}

export interface CheckReport {
  subject: string;
  verdict: 'safe' | 'unsafe';
  migrations: MigrationResult[];
  /** Findings that belong to no single migration (queries that fail on the old schema, seeding notes). */
  notes: Finding[];
  engine?: EngineInfo;
  totalMs: number;
  /** How to split an unsafe migration (expand now, contract later), when one is unsafe. */
  advice?: string;
}
