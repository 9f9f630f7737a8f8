// `npm run migrations -- check [options] <app|file.sql>...`: lint and prove migrations on a
// throwaway PostgreSQL. Exit 0 safe, 1 unsafe (an error-level finding), 2 usage.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { environments } from '../../environments/index.ts';
import { MIGRATION_LOCK_TIMEOUT } from '../../apps/kit/migration-job.ts';
import { checkMigrations } from '../migrations/check.ts';
import type { RunningServer } from '../migrations/server.ts';
import { splitQueryLines } from '../migrations/queries.ts';
import { appMigrationsDir, readMigrations, readQueries, splitAtPins, type EnvironmentPin } from '../migrations/repo.ts';
import { toJson, toMarkdown, toText, type ReportBundle } from '../migrations/report.ts';
import { checkChangesSince, checkLock, checkQueriesFile, LOCK_FILE, updateLock } from '../migrations/history.ts';
import { readdirSync } from 'node:fs';
import type { CheckInput, CheckReport, Finding, MigrationSource } from '../migrations/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_PG_VERSION = 16;


/** `server`: a running PostgreSQL to prove on (tests share one); by default each check starts its own. */
export async function run(args: string[], deps: { server?: RunningServer } = {}): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'lock') return lock(rest);
  if (sub !== 'check') throw new UsageError(`migrations: unknown subcommand "${sub ?? ''}" (expected: check, lock); \`npm run migrations -- --help\` shows its options`);
  const { values, positionals } = parse(SPECS.migrations, rest);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'markdown') {
    throw new UsageError(`migrations check: --format must be text, json or markdown, got "${format}"`);
  }
  const targets: string[] = [...positionals, ...(values.all ? appsWithMigrations() : [])];
  if (!targets.length) throw new UsageError('migrations check: name an app or SQL files (`npm run migrations -- --help` shows the options)');
  let pgVersion: number | undefined;
  if (values['pg-version'] !== undefined) {
    pgVersion = Number(values['pg-version']);
    if (!Number.isInteger(pgVersion) || pgVersion < 10) throw new UsageError(`migrations check: --pg-version must be a major version such as 15, got "${values['pg-version']}"`);
  }
  const changedSince = values['changed-since'];
  // First: a bad ref is a usage error before anything else runs git with it.
  const changedInputs = changedSince === undefined ? undefined : migrationChangesSince(changedSince);
  // The history of every app checked (lock, queries.sql), and what the PR does to it: cheap, so
  // always, also when no migration input changed (a pin raised without its lock entry).
  const gate = new Map<string, Finding[]>();
  for (const app of targets.filter((p) => !p.endsWith('.sql'))) {
    if (!existsSync(appMigrationsDir(ROOT, app))) continue;
    const queriesGiven = values['previous-queries'] !== undefined;
    gate.set(app, [...checkLock(ROOT, app, pinsOf(app)), ...(queriesGiven ? [] : checkQueriesFile(app, readQueries(ROOT, app)))]);
  }
  const sinceRef = changedSince === undefined ? [] : checkChangesSince(process.cwd(), changedSince);
  const gateErrors = [...[...gate.values()].flat(), ...sinceRef].some((f) => f.severity === 'error');
  if (changedSince !== undefined && !gateErrors && changedInputs?.length === 0) {
    writeReport(noChangesReport(format, changedSince), values.output);
    return 0;
  }
  const readFile = (path: string, flag: string) => {
    if (!existsSync(path)) throw new UsageError(`migrations check: ${flag}: no such file ${path}`);
    return readFileSync(path, 'utf8');
  };
  const common = {
    givenSql: values['given-sql'] ?? [],
    dynamic: !values.static,
  };

  const inputs: CheckInput[] = [];
  const files = targets.filter((p) => p.endsWith('.sql'));
  for (const app of targets.filter((p) => !p.endsWith('.sql'))) {
    const dir = appMigrationsDir(ROOT, app);
    if (!existsSync(dir)) throw new UsageError(`migrations check: "${app}" is neither a .sql file nor an app with apps/${app}/migrations`);
    const history = readMigrations(dir);
    const since = values.since;
    let split: { base: MigrationSource[]; pending: MigrationSource[] };
    if (since !== undefined) {
      const i = since === 'none' ? -1 : history.findIndex((m) => m.name === since);
      if (since !== 'none' && i < 0) throw new UsageError(`migrations check: --since: no migration "${since}" in apps/${app}/migrations`);
      split = { base: history.slice(0, i + 1), pending: history.slice(i + 1) };
    } else {
      split = splitAtPins(app, history, pinsOf(app));
    }
    const queries = values['previous-queries'] ? readFile(values['previous-queries'], '--previous-queries') : readQueries(ROOT, app);
    inputs.push({
      ...common,
      subject: app,
      migrations: split.pending,
      baseSchema: split.base,
      previousQueries: queries ? splitQueryLines(queries) : [],
      pgVersion: pgVersion ?? postgresMajorOf(app) ?? DEFAULT_PG_VERSION,
      runnerLockTimeout: values['lock-timeout'] ?? MIGRATION_LOCK_TIMEOUT,
      gate: gate.get(app),
    });
  }
  if (files.length) {
    const base = values['base-schema'];
    const queries = values['previous-queries'];
    inputs.push({
      ...common,
      subject: files.join(' '),
      migrations: files.map((f) => ({ name: basename(f).replace(/\.sql$/, ''), sql: readFile(resolve(f), 'file') })),
      baseSchema: base ? [{ name: basename(base).replace(/\.sql$/, ''), sql: readFile(base, '--base-schema') }] : [],
      previousQueries: queries ? splitQueryLines(readFile(queries, '--previous-queries')) : [],
      pgVersion: pgVersion ?? DEFAULT_PG_VERSION,
      runnerLockTimeout: values['lock-timeout'],
    });
  }

  const checks: CheckReport[] = [];
  for (const input of inputs) checks.push(await checkMigrations(input, { server: deps.server }));
  if (sinceRef.length) {
    const verdict = sinceRef.some((f) => f.severity === 'error') ? 'unsafe' : 'safe';
    checks.push({ subject: `changes since ${changedSince}`, verdict, migrations: [], notes: sinceRef, totalMs: 0 });
  }
  const bundle: ReportBundle = { verdict: checks.some((c) => c.verdict === 'unsafe') ? 'unsafe' : 'safe', checks };
  const report = format === 'json' ? toJson(bundle) : format === 'markdown' ? toMarkdown(bundle) : toText(bundle);
  writeReport(report, values.output);
  return bundle.verdict === 'safe' || values['exit-zero'] ? 0 : 1;
}

function writeReport(report: string, output: string | undefined): void {
  if (output) {
    mkdirSync(dirname(resolve(output)), { recursive: true });
    writeFileSync(output, report);
  } else process.stdout.write(report);
}

/** What can make a pending migration unsafe: the migrations themselves, the release's queries, the lock. */
const MIGRATION_INPUT = /^apps\/[^/]+\/(migrations\/.+|queries\.sql|migrations\.lock\.json)$/;

/**
 * Migration inputs changed between `ref` and HEAD (committed trees only, like the PR merge commit
 * CI checks out). git runs in the current directory: under `npm run`, the repository root.
 */
export function migrationChangesSince(ref: string): string[] {
  const flag = 'migrations check: --changed-since';
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`${flag}: "${ref}" is not a git ref`);
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new UsageError(`${flag}: "${ref}" is not a commit of the repository in ${process.cwd()} (in CI, check out with fetch-depth 2 for HEAD^1)`);
  }
  let names: string;
  try {
    names = git('diff', '--name-only', '-z', ref, 'HEAD');
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
    throw new UsageError(`${flag}: git diff ${ref} HEAD failed${stderr ? `: ${stderr}` : ''}`);
  }
  return names.split('\0').filter((p) => MIGRATION_INPUT.test(p));
}

function noChangesReport(format: 'text' | 'json' | 'markdown', ref: string): string {
  if (format === 'json') return toJson({ verdict: 'safe', checks: [] });
  if (format === 'markdown') return `_Database migrations: no migration changes since \`${ref}\`._\n`;
  return `no migration changes since ${ref}\n`;
}

/** Environment values are typed per app; read the two fields this check needs structurally. */
function appValues(app: string): { env: string; values: { migration?: unknown; postgres?: unknown } }[] {
  const out: { env: string; values: { migration?: unknown; postgres?: unknown } }[] = [];
  for (const env of environments) {
    const values = (env.apps as Record<string, unknown>)[app];
    if (values && typeof values === 'object') out.push({ env: env.name, values: values as { migration?: unknown; postgres?: unknown } });
  }
  return out;
}

function pinsOf(app: string): EnvironmentPin[] {
  return appValues(app)
    .filter((e) => typeof e.values.migration === 'string')
    .map((e) => ({ env: e.env, migration: e.values.migration as string }));
}

/** The lowest PostgreSQL major any environment runs for this app (`postgres: '17.6'` → 17). */
function postgresMajorOf(app: string): number | undefined {
  const majors = appValues(app)
    .map((e) => (typeof e.values.postgres === 'string' ? Number.parseInt(e.values.postgres, 10) : NaN))
    .filter((n) => Number.isInteger(n));
  return majors.length ? Math.min(...majors) : undefined;
}

/** `migrations lock [<app>...]`: adds the checksums of newly pinned migrations, never rewrites one. */
function lock(args: string[]): number {
  const { positionals } = parse('migrations lock', args, {}, true);
  const apps = positionals.length ? positionals : appsWithMigrations();
  let failed = false;
  for (const app of apps) {
    if (!existsSync(appMigrationsDir(ROOT, app))) throw new UsageError(`migrations lock: "${app}" is not an app with apps/${app}/migrations`);
    const { added, problems } = updateLock(ROOT, app, pinsOf(app));
    for (const p of problems) process.stderr.write(`error: ${app}: ${p.rule}: ${p.message}\n`);
    if (problems.length) failed = true;
    else process.stdout.write(added.length ? `apps/${app}/${LOCK_FILE}: recorded ${added.join(', ')}\n` : `apps/${app}/${LOCK_FILE}: up to date\n`);
  }
  return failed ? 1 : 0;
}

function appsWithMigrations(): string[] {
  return readdirSync(resolve(ROOT, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(appMigrationsDir(ROOT, d.name)))
    .map((d) => d.name)
    .sort();
}
