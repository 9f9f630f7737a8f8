// The migration history as a ledger, Flyway-style: a migration an environment has applied never
// changes again (the Job skips applied files, so an edit would reach no database and the files
// would stop describing the schema). Its checksum is recorded in apps/<app>/migrations.lock.json
// when an environment first pins it; every check compares the files with the lock, and in
// --changed-since mode with the base ref too, so the lock itself cannot be rewritten to match.
// queries.sql is the running release's contract: an app with migrations must have one, or say
// in it, for reviewers to see, why there is none.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './types.ts';
import { RULES } from './rules.ts';
import { splitQueryLines } from './queries.ts';
import { MIGRATION_FILE, readMigrations, type EnvironmentPin } from './repo.ts';

export const LOCK_FILE = 'migrations.lock.json';
/** A line of queries.sql that turns the running-release check off, with the reason reviewers see. */
export const OPT_OUT = /^--[ \t]*no-running-release:[ \t]*(\S.*)$/m;

/** name → `sha256:<hex>` of the file, line endings normalized (as Flyway ignores them). */
export type MigrationLock = Record<string, string>;

export function migrationChecksum(sql: string): string {
  const text = sql.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export function lockPath(root: string, app: string): string {
  return join(root, 'apps', app, LOCK_FILE);
}

export class LockFileError extends Error {}

/** Parses a lock: an object of `NNNN_name` → `sha256:<64 hex>`, nothing else. */
export function parseLock(text: string, where: string): MigrationLock {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LockFileError(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new LockFileError(`${where}: expected an object of migration name → checksum`);
  for (const [name, sum] of Object.entries(data)) {
    if (!MIGRATION_FILE.test(`${name}.sql`)) throw new LockFileError(`${where}: "${name}" is not a migration name (NNNN_name)`);
    if (typeof sum !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(sum)) throw new LockFileError(`${where}: ${name}: expected "sha256:<64 hex digits>"`);
  }
  return data as MigrationLock;
}

export function readLock(root: string, app: string): MigrationLock | undefined {
  const path = lockPath(root, app);
  return existsSync(path) ? parseLock(readFileSync(path, 'utf8'), `apps/${app}/${LOCK_FILE}`) : undefined;
}

export function formatLock(lock: MigrationLock): string {
  return `${JSON.stringify(Object.fromEntries(Object.keys(lock).sort().map((k) => [k, lock[k]])), null, 2)}\n`;
}

/** The highest migration any environment pins: everything up to it has been applied somewhere. */
export function highestPin(pins: EnvironmentPin[]): string | undefined {
  return pins.map((p) => p.migration).sort().at(-1);
}

const finding = (rule: keyof typeof RULES, migration: string, message: string, severity: 'error' | 'warning' = 'error'): Finding => ({
  rule,
  severity,
  migration,
  message,
  fix: RULES[rule].fix,
});

/** queries.sql present and non-empty, or an explicit, reasoned opt-out. */
export function checkQueriesFile(app: string, text: string | undefined): Finding[] {
  const file = `apps/${app}/queries.sql`;
  if (text === undefined) return [finding('gate/queries-missing', 'queries.sql', `${file} does not exist: the check could not tell whether the running release survives the migrations.`)];
  const optOut = OPT_OUT.exec(text)?.[1]?.trim();
  if (optOut) return [finding('gate/running-release-unchecked', 'queries.sql', `${file} opts out of the running-release check: "${optOut}".`, 'warning')];
  if (splitQueryLines(text).length === 0) return [finding('gate/queries-missing', 'queries.sql', `${file} has no statement: the check could not tell whether the running release survives the migrations.`)];
  return [];
}

interface LockState {
  lock: MigrationLock;
  /** Entries that disagree with the files (or an unreadable lock). */
  problems: Finding[];
  /** Migrations up to the highest pin that the lock lacks. */
  missing: string[];
}

function lockState(root: string, app: string, pins: EnvironmentPin[]): LockState {
  const dir = join(root, 'apps', app, 'migrations');
  const history = existsSync(dir) ? readMigrations(dir) : [];
  let lock: MigrationLock;
  try {
    lock = readLock(root, app) ?? {};
  } catch (e) {
    return { lock: {}, problems: [finding('gate/migration-not-locked', LOCK_FILE, (e as Error).message)], missing: [] };
  }
  const problems: Finding[] = [];
  const files = new Map(history.map((m) => [m.name, m.sql]));
  for (const [name, sum] of Object.entries(lock).sort()) {
    const sql = files.get(name);
    if (sql === undefined) problems.push(finding('gate/applied-migration-deleted', name, `apps/${app}/migrations/${name}.sql is recorded as applied in ${LOCK_FILE} but no longer exists.`));
    else if (migrationChecksum(sql) !== sum)
      problems.push(finding('gate/applied-migration-changed', name, `apps/${app}/migrations/${name}.sql was applied with checksum ${sum.slice(0, 19)}…, the file now has ${migrationChecksum(sql).slice(0, 19)}…: it was edited after it was applied.`));
  }
  const top = highestPin(pins);
  const unlocked = top === undefined ? [] : history.filter((m) => m.name <= top && !(m.name in lock)).map((m) => m.name);
  // A file that sorts below an applied one would be taken for part of the applied schema and never
  // proven (and the Job would apply it out of order): Flyway refuses these too.
  const lastLocked = Object.keys(lock).sort().at(-1);
  const missing: string[] = [];
  for (const name of unlocked) {
    if (lastLocked !== undefined && name < lastLocked)
      problems.push(finding('gate/migration-out-of-order', name, `apps/${app}/migrations/${name}.sql sorts before ${lastLocked}, which is already applied: it would never be checked, and would run out of order.`));
    else missing.push(name);
  }
  return { lock, problems, missing };
}

/** The files against the lock, and every pinned migration in the lock. */
export function checkLock(root: string, app: string, pins: EnvironmentPin[]): Finding[] {
  const { problems, missing } = lockState(root, app, pins);
  if (!missing.length) return problems;
  const by = pins.filter((p) => p.migration >= missing[0]).map((p) => p.env).join(', ');
  const what = `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} pinned (${by}) but not recorded in apps/${app}/${LOCK_FILE}`;
  return [...problems, finding('gate/migration-not-locked', LOCK_FILE, `${what}: run \`npm run migrations -- lock ${app}\`.`)];
}

/**
 * Records the checksum of every migration up to the highest pin that the lock lacks. Never
 * rewrites an entry: a lock that disagrees with its files is reported, not repaired.
 */
export function updateLock(root: string, app: string, pins: EnvironmentPin[]): { added: string[]; problems: Finding[] } {
  const { lock, problems, missing } = lockState(root, app, pins);
  if (problems.length) return { added: [], problems };
  const files = new Map(readMigrations(join(root, 'apps', app, 'migrations')).map((m) => [m.name, m.sql]));
  for (const name of missing) lock[name] = migrationChecksum(files.get(name)!);
  if (missing.length) writeFileSync(lockPath(root, app), formatLock(lock));
  return { added: missing, problems: [] };
}

// ---- against the base ref (--changed-since) --------------------------------------------------

const MIGRATION_PATH = /^apps\/([^/]+)\/migrations\/([^/]+)\.sql$/;
const QUERIES_PATH = /^apps\/([^/]+)\/queries\.sql$/;
const LOCK_PATH = /^apps\/([^/]+)\/migrations\.lock\.json$/;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function show(cwd: string, rev: string, path: string): string | undefined {
  try {
    return git(cwd, 'show', `${rev}:${path}`);
  } catch {
    return undefined;
  }
}

function existsAt(cwd: string, rev: string, path: string): boolean {
  return git(cwd, 'ls-tree', '--name-only', rev, '--', path).trim() !== '';
}

/**
 * What the changes between `ref` and HEAD do to the history: a migration that existed at the
 * base ref (merged, so applied or about to be) edited, deleted or renamed; a lock entry of the
 * base ref rewritten or removed; queries.sql deleted. Apps removed whole are left alone.
 */
export function checkChangesSince(cwd: string, ref: string): Finding[] {
  const out: Finding[] = [];
  const lines = git(cwd, 'diff', '--no-renames', '--name-status', '-z', ref, 'HEAD').split('\0');
  const appGone = new Map<string, boolean>();
  const gone = (app: string) => {
    if (!appGone.has(app)) appGone.set(app, !existsAt(cwd, 'HEAD', `apps/${app}/migrations`));
    return appGone.get(app)!;
  };
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const status = lines[i];
    const path = lines[i + 1];
    const m = MIGRATION_PATH.exec(path);
    if (m && status !== 'A' && !gone(m[1])) {
      out.push(
        status === 'D'
          ? finding('gate/applied-migration-deleted', m[2], `${path} existed at ${ref} (merged, so applied or about to be) and is deleted or renamed.`)
          : finding('gate/applied-migration-changed', m[2], `${path} existed at ${ref} (merged, so applied or about to be) and was edited.`),
      );
      continue;
    }
    const q = QUERIES_PATH.exec(path);
    if (q && status === 'D' && !gone(q[1])) {
      out.push(finding('gate/queries-missing', 'queries.sql', `${path} was deleted since ${ref}: that would turn the running-release check off. Opt out explicitly instead (\`-- no-running-release: <reason>\`).`));
      continue;
    }
    const l = LOCK_PATH.exec(path);
    if (l && status !== 'A' && !gone(l[1])) {
      let before: MigrationLock;
      let after: MigrationLock;
      try {
        before = parseLock(show(cwd, ref, path) ?? '{}', `${path} at ${ref}`);
        after = parseLock(show(cwd, 'HEAD', path) ?? '{}', path);
      } catch (e) {
        out.push(finding('gate/migration-not-locked', LOCK_FILE, (e as Error).message));
        continue;
      }
      for (const [name, sum] of Object.entries(before).sort()) {
        if (after[name] === sum) continue;
        out.push(finding('gate/applied-migration-changed', name, `${path}: the checksum recorded at ${ref} for ${name} was ${after[name] ? 'rewritten' : 'removed'}; entries of applied migrations never change.`));
      }
    }
  }
  return out;
}
