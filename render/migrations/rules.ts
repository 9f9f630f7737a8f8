// Every rule the checker can report, with the fix it recommends. IDs are stable: CI output,
// suppressions and docs refer to them.
export interface RuleInfo {
  summary: string;
  fix: string;
}

const EXPAND_CONTRACT =
  'Split it: ship the additive (expand) part with this release, and the destructive (contract) part in a later release once no running version uses the old shape.';

export const RULES = {
  'lint/parse-error': {
    summary: 'the file does not parse as PostgreSQL',
    fix: 'Fix the SQL syntax; the checker uses the real PostgreSQL parser.',
  },
  'lint/no-statements': {
    summary: 'the migration has no SQL statement (Django prints RunPython as comments only): what it does to data is not checked',
    fix: 'Keep data changes small and idempotent, or write them as SQL (RunSQL) so the check can prove them.',
  },
  'lint/lock-timeout-disabled': {
    summary: 'lock_timeout set to 0 (or reset to a 0 default): DDL would wait forever and queue every query behind it',
    fix: "Set a short timeout, e.g. `SET lock_timeout = '5s';`, and let the runner retry.",
  },
  'lint/lock-timeout-expired': {
    summary: 'lock_timeout is not in force where the DDL runs (SET LOCAL outside a transaction, or ended by COMMIT)',
    fix: "Use `SET lock_timeout = '5s';` (session level), or SET LOCAL inside the same BEGIN … COMMIT as the DDL.",
  },
  'lint/lock-timeout-after-ddl': {
    summary: 'lock_timeout is set only after a lock-taking statement',
    fix: 'Move the `SET lock_timeout` to the top of the file, before the first DDL.',
  },
  'lint/truncate': {
    summary: 'TRUNCATE deletes every row (and takes ACCESS EXCLUSIVE)',
    fix: 'Never empty a table the running release uses; delete specific rows in batches, outside the DDL transaction.',
  },
  'lint/serial-column': {
    summary: 'adding a serial / identity column fills every row: table rewrite under ACCESS EXCLUSIVE',
    fix: 'Add a nullable bigint column, attach a sequence default, backfill in batches, then add the constraint NOT VALID and validate.',
  },
  'lint/volatile-default': {
    summary: 'ADD COLUMN with a volatile default rewrites the table under ACCESS EXCLUSIVE',
    fix: 'Add the column without a default (or with a constant), SET DEFAULT afterwards, then backfill existing rows in batches.',
  },
  'lint/stored-generated-column': {
    summary: 'a STORED generated column rewrites the table under ACCESS EXCLUSIVE',
    fix: 'Add a plain nullable column kept up to date by the application or a trigger, backfill in batches (or use a VIRTUAL column on PG 18+).',
  },
  'lint/column-type-change': {
    summary: 'column type change: rewrites the table unless binary-coercible (e.g. varchar widening, varchar → text)',
    fix: `Only widen in place; otherwise add a new column, dual-write, backfill, switch reads, drop the old one. ${EXPAND_CONTRACT}`,
  },
  'lint/concurrently-in-transaction': {
    summary: 'CONCURRENTLY cannot run inside a transaction block (PostgreSQL rejects it)',
    fix: 'Put the CONCURRENTLY statement in its own non-atomic migration, outside BEGIN … COMMIT (Django: `atomic = False`).',
  },
  'lint/backfill-in-ddl-transaction': {
    summary: 'rows are updated in the same transaction that holds a DDL lock: the lock is held for the whole backfill',
    fix: 'COMMIT the DDL first; backfill in its own transaction(s), in batches.',
  },
  'lint/rename-column': {
    summary: 'renaming a column breaks the release that is still running',
    fix: `Add the new column, dual-write, backfill, switch reads, drop the old one later. ${EXPAND_CONTRACT}`,
  },
  'lint/rename-table': {
    summary: 'renaming a table breaks the release that is still running',
    fix: `Create the new table (or a view with the new name), dual-write, switch, drop the old one later. ${EXPAND_CONTRACT}`,
  },
  'lint/rename-enum-value': {
    summary: 'renaming an enum value breaks the release that still writes or compares the old value',
    fix: `Add the new value (ALTER TYPE … ADD VALUE), make the code accept both, backfill, remove the old value later. ${EXPAND_CONTRACT}`,
  },
  'lint/drop-default-relied-on': {
    summary: "dropping a default that the running release's INSERTs rely on (they omit the column)",
    fix: 'Keep the database default (Django: `db_default=`) until no running release omits the column; drop it in a later release.',
  },
  'lint/not-null-relied-on': {
    summary: "a NOT NULL column without a default that the running release's INSERTs omit",
    fix: 'Add the column nullable or with a constant default; make it NOT NULL (via a NOT VALID CHECK, then VALIDATE) only after every release writes it.',
  },
  'lint/drop-column': {
    summary: 'dropping a column: fine as a contract step, breaking while a running release still uses it',
    fix: `Stop using the column in the code first, release, then drop it. ${EXPAND_CONTRACT}`,
  },
  'lint/drop-table': {
    summary: 'dropping a table: fine as a contract step, breaking while a running release still uses it',
    fix: `Stop using the table in the code first, release, then drop it. ${EXPAND_CONTRACT}`,
  },
  'dynamic/apply-failed': {
    summary: 'the statement failed on a real PostgreSQL built at the previous release’s schema',
    fix: 'Fix the migration so it applies to the schema and data the running release has.',
  },
  'dynamic/not-proven': {
    summary: 'an earlier migration did not parse or apply, so this one was not applied on the server',
    fix: 'Fix the earlier migration; this one is proven once it applies.',
  },
  'dynamic/lock-without-timeout': {
    summary: 'a lock that blocks the application was taken with no lock_timeout in force',
    fix: "Set `lock_timeout` (e.g. `SET lock_timeout = '5s';`) before the statement, and retry on timeout.",
  },
  'dynamic/table-rewrite': {
    summary: 'the table was rewritten (new relfilenode): the lock is held for a time that grows with the table',
    fix: 'Use a change that does not rewrite (nullable column, constant default, widening type change), or a new column + batched backfill.',
  },
  'dynamic/scan-under-lock': {
    summary: 'rows of an existing table were scanned or updated while a lock that blocks writes was held',
    fix: 'Use CREATE INDEX CONCURRENTLY; add constraints NOT VALID and VALIDATE them in a later statement; backfill outside the DDL transaction.',
  },
  'dynamic/query-broken': {
    summary: 'a statement of the running release fails after the migration',
    fix: `Keep the running release's schema contract. ${EXPAND_CONTRACT}`,
  },
  'dynamic/query-invalid-before': {
    summary: 'a statement of queries.sql fails even before the migration (the query list is out of date)',
    fix: 'Update queries.sql to the statements the running release really issues.',
  },
  'dynamic/rows-lost': {
    summary: 'rows disappeared from a table that existed before the migration',
    fix: 'Do not delete data in a migration that ships with code; archive, then delete in batches in a later release.',
  },
  'dynamic/values-changed': {
    summary: 'values of existing columns changed (a cast may have truncated or rounded them)',
    fix: 'Check the USING expression / backfill; narrowing casts lose data.',
  },
  'dynamic/server-version': {
    summary: 'the proof ran on another PostgreSQL major than the target',
    fix: 'Differences between majors (lock levels of some ALTERs, planner) are not covered: install the target major (`postgres` on PATH) to prove on it.',
  },
  'dynamic/seed-skipped': {
    summary: 'the checker could not generate sample rows for a table',
    fix: 'Add rows for it with --given-sql so scans and rewrites are observable.',
  },
  'gate/queries-missing': {
    summary: "an app with migrations has no running-release statements (apps/<app>/queries.sql missing, deleted or empty): compatibility with the running release would go unchecked",
    fix: 'Restore apps/<app>/queries.sql, or opt out explicitly with a line `-- no-running-release: <reason>` in it (shown in every report).',
  },
  'gate/running-release-unchecked': {
    summary: 'queries.sql opts out of the running-release check (`-- no-running-release: <reason>`)',
    fix: 'Fill queries.sql with what the running release issues as soon as a release runs.',
  },
  'gate/applied-migration-changed': {
    summary: 'a migration that is already applied (recorded in migrations.lock.json, pinned by an environment, or merged before) was edited',
    fix: 'Revert the edit: an applied migration never runs again, so the change would reach no database. Write a new migration instead.',
  },
  'gate/applied-migration-deleted': {
    summary: 'a migration that is already applied was deleted or renamed',
    fix: 'Restore the file under its name; undo a change with a new migration.',
  },
  'gate/migration-out-of-order': {
    summary: 'a new migration sorts before one that is already applied',
    fix: 'Number it after the last migration (rename NNNN_ to the next free number).',
  },
  'gate/migration-not-locked': {
    summary: 'an environment pins a migration whose checksum is not recorded in apps/<app>/migrations.lock.json',
    fix: 'Run `npm run migrations -- lock <app>` and commit apps/<app>/migrations.lock.json with the pin change.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES | `squawk/${string}`;

export const SPLIT_ADVICE =
  'Unsafe to ship in the same release as the code that needs it. Split it: (1) expand — additive, backward-compatible changes (nullable columns, constant defaults, NOT VALID constraints, CREATE INDEX CONCURRENTLY) shipped before or with the new code; (2) contract — drops, renames and tightened constraints in a later release, once no running version uses the old shape.';
