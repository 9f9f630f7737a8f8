// The command as CI runs it: its exit codes, its JSON, text and markdown reports. Most cases call
// the command in this process against one shared PostgreSQL; one real subprocess per exit code CI
// acts on (1 with its own server, 2 for a usage error) keeps the real process's streams covered.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPostgres } from '../helpers/postgres.ts';
import { runCommand } from '../helpers/run-command.ts';
import { BASE_SCHEMA, PREVIOUS_QUERIES } from './cases.ts';

const CLI = join(import.meta.dirname, '../../render/cli.ts');
const postgres = sharedPostgres();
let dir: string;

function cli(...args: string[]) {
  return cliIn(dir, ...args);
}

async function cliIn(cwd: string, ...args: string[]) {
  return runCommand('migrations', ['check', ...args], { cwd, deps: { server: await postgres() } });
}

/** The real process, as `npm run migrations` runs it. */
function subprocess(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'migrations', 'check', ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // Start the shared server now: it boots while the first case's real process runs. A failed start
  // is reported by the first case that awaits it.
  postgres().catch(() => undefined);
  dir = mkdtempSync(join(tmpdir(), 'migrations-cli-'));
  writeFileSync(join(dir, 'base.sql'), BASE_SCHEMA);
  writeFileSync(join(dir, 'queries.sql'), PREVIOUS_QUERIES.join('\n') + '\n');
  writeFileSync(join(dir, '0002_rename.sql'), 'ALTER TABLE garage RENAME COLUMN nom TO name;\n');
  writeFileSync(join(dir, '0002_add.sql'), "SET lock_timeout = '2s';\nALTER TABLE garage ADD COLUMN name varchar(30);\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run migrations -- check', () => {
  it('exits 1 with JSON findings for an unsafe file (the real process, with its own server)', () => {
    const r = subprocess(dir, '--base-schema', 'base.sql', '--previous-queries', 'queries.sql', '--format', 'json', '0002_rename.sql');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('unsafe');
    const rules = out.checks[0].migrations[0].findings.map((f: { rule: string }) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['lint/rename-column', 'dynamic/query-broken', 'dynamic/lock-without-timeout']));
    expect(out.checks[0].advice).toMatch(/contract/);
    // Reported for `npm run bench`-style reading, never asserted on: a busy machine is slow, not wrong.
    expect(out.checks[0].engine.startupMs).toEqual(expect.any(Number));
    expect(r.stderr).toBe('');
  });

  it('exits 0 for a safe file and prints text by default', async () => {
    const r = await cli('--base-schema', 'base.sql', '--previous-queries', 'queries.sql', '0002_add.sql');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SAFE/);
    expect(r.stdout).toMatch(/verdict: safe/);
  });

  it('--given-sql adds prior state; --static skips the server', async () => {
    const r = await cli('--static', '--format', 'json', '--given-sql', 'CREATE TABLE t (id int)', '0002_rename.sql');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.checks[0].engine).toBeUndefined();
  });

  it('checks the django-web history after the pin of the environment furthest behind', async () => {
    const r = await cli('django-web', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const names = out.checks[0].migrations.map((m: { name: string }) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names).not.toContain('0001_initial');
    for (const m of out.checks[0].migrations) expect(m.trace.every((t: { lockTimeout: string }) => t.lockTimeout !== '0')).toBe(true);
  });

  it('every django-web migration is safe from an empty database too', async () => {
    const r = await cli('django-web', '--since', 'none', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks[0].migrations[0].name).toBe('0001_initial');
  });

  it('usage errors exit 2', async () => {
    const r = subprocess(dir, '--format', 'xml', 'django-web');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: migrations check: --format must be one of text, json, markdown \(got "xml"\)$/m);
    expect((await cli('--format', 'xml', 'django-web')).code).toBe(2);
    expect((await cli('no-such-app')).code).toBe(2);
    expect((await cli()).code).toBe(2);
    expect((await cli('--bogus', 'x.sql')).code).toBe(2);
    expect((await cli('--pg-version', 'abc', 'django-web')).code).toBe(2);
  });

  it('writes a markdown report for the PR comment, and --exit-zero only reports', async () => {
    const out = join(dir, 'reports', 'm.md');
    const r = await cli('--base-schema', 'base.sql', '--previous-queries', 'queries.sql', '--format', 'markdown', '--output', out, '--exit-zero', '0002_rename.sql');
    expect(r.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^### ❌ Database migrations: unsafe/);
    expect(md).toMatch(/\| `0002_rename` \| \*\*unsafe\*\* \|/);
    expect(md).toMatch(/`lint\/rename-column`/);
    expect((await cli('--base-schema', 'base.sql', '--format', 'markdown', '0002_rename.sql')).code).toBe(1);
  });

  it('the committed lock records every pinned django-web migration (`migrations lock` has nothing to add)', async () => {
    const r = await runCommand('migrations', ['lock'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('apps/django-web/migrations.lock.json: up to date\n');
  });

  it('checks every app with migrations with --all', async () => {
    const r = await cli('--all', '--static', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).checks.map((c: { subject: string }) => c.subject)).toEqual(['django-web']);
  });
});

describe('npm run migrations -- check --changed-since <ref> (the required check on every PR)', () => {
  let repo: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  const commit = (path: string, content: string) => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), content);
    git('add', path);
    git('commit', '-q', '-m', `add ${path}`);
  };
  const unsafe = ['--static', '--base-schema', 'base.sql', '--previous-queries', 'apps/demo/queries.sql', 'apps/demo/migrations/0002_rename.sql'];

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'migrations-changed-'));
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.invalid');
    git('config', 'user.name', 'CI');
    git('config', 'commit.gpgsign', 'false');
    commit('base.sql', BASE_SCHEMA);
    commit('apps/demo/queries.sql', PREVIOUS_QUERIES.join('\n') + '\n');
    commit('README.md', 'docs only\n');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('no migration input changed: says so and exits 0 without checking', async () => {
    const r = await cliIn(repo, '--all', '--changed-since', 'HEAD^1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no migration changes since HEAD^1\n');
    const json = await cliIn(repo, '--all', '--format', 'json', '--changed-since', 'HEAD^1');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ verdict: 'safe', checks: [] });
    const out = join(repo, 'reports', 'migrations.md');
    expect((await cliIn(repo, '--all', '--format', 'markdown', '--output', out, '--changed-since', 'HEAD')).code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a changed queries.sql counts as a migration change', async () => {
    const r = await cliIn(repo, '--changed-since', 'HEAD~2', '--format', 'json', ...unsafe.slice(0, -1), join(dir, '0002_add.sql'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).checks).toHaveLength(1);
  });

  it('an unsafe migration added since the ref: checked as usual, exit 1', async () => {
    commit('apps/demo/migrations/0002_rename.sql', 'ALTER TABLE garage RENAME COLUMN nom TO name;\n');
    const r = await cliIn(repo, '--changed-since', 'HEAD^1', '--format', 'json', ...unsafe);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).verdict).toBe('unsafe');
    // Later commits that touch other files do not hide it: the range is ref..HEAD.
    commit('docs.md', 'more docs\n');
    expect((await cliIn(repo, '--changed-since', 'HEAD~2', ...unsafe)).code).toBe(1);
    expect((await cliIn(repo, '--changed-since', 'HEAD^1', ...unsafe)).code).toBe(0);
  });

  it('a migration merged before the ref and edited since: exit 1, even when the edit is safe', async () => {
    const path = join(repo, 'apps/demo/migrations/0002_rename.sql');
    writeFileSync(path, 'ALTER TABLE garage ADD COLUMN name varchar(30);\n');
    git('commit', '-q', '-am', 'edit an applied migration');
    const r = await cliIn(repo, '--changed-since', 'HEAD^1', '--lock-timeout', '5s', '--format', 'json', ...unsafe);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    const gate = out.checks.find((c: { subject: string }) => c.subject === 'changes since HEAD^1');
    expect(gate.notes.map((f: { rule: string; migration: string }) => `${f.rule} ${f.migration}`)).toEqual(['gate/applied-migration-changed 0002_rename']);
    // what is pending was proven safe: the failure is the history's, with no advice to split
    expect(out.checks[0].verdict).toBe('safe');
    expect(out.checks[0].advice).toBeUndefined();
  });

  it('a checksum recorded in a lock at the ref and rewritten since: exit 1', async () => {
    const sum = (c: string) => `sha256:${c.repeat(64)}`;
    commit('apps/demo/migrations.lock.json', JSON.stringify({ '0001_initial': sum('a') }));
    commit('apps/demo/migrations.lock.json', JSON.stringify({ '0001_initial': sum('b'), '0002_rename': sum('c') }));
    const r = await cliIn(repo, '--changed-since', 'HEAD^1', '--format', 'json', ...unsafe);
    expect(r.code, r.stderr).toBe(1);
    const notes = JSON.parse(r.stdout).checks.at(-1).notes;
    expect(notes.map((f: { rule: string; migration: string }) => `${f.rule} ${f.migration}`)).toEqual(['gate/applied-migration-changed 0001_initial']);
    expect(notes[0].message).toMatch(/rewritten/);
  });

  it('queries.sql deleted since the ref: exit 1 instead of a silent check without it', async () => {
    git('rm', '-q', 'apps/demo/queries.sql');
    git('commit', '-q', '-m', 'drop the running release contract');
    const r = await cliIn(repo, '--changed-since', 'HEAD^1', '--format', 'markdown', '--static', '--base-schema', 'base.sql', join(dir, '0002_add.sql'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\*\*error\*\* `gate\/queries-missing` at `queries.sql`: apps\/demo\/queries.sql was deleted since HEAD\^1/);
  });

  it('a ref that does not exist, or no repository, is a usage error (exit 2)', async () => {
    const bad = await cliIn(repo, '--all', '--changed-since', 'no-such-ref');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--changed-since: "no-such-ref" is not a commit/);
    expect((await cliIn(repo, '--all', '--changed-since=--output=x')).code).toBe(2);
    const notARepo = mkdtempSync(join(tmpdir(), 'migrations-no-repo-'));
    try {
      expect((await cliIn(notARepo, '--all', '--changed-since', 'HEAD')).code).toBe(2);
    } finally {
      rmSync(notARepo, { recursive: true, force: true });
    }
  });
});
