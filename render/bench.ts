// npm run bench -- [--apps W[,W…]] [--runs N] [--vs "<command>"] [--format text|json] [--keep]
// Generates a synthetic repository in a temp dir — this repo's pipeline and platform plus W apps
// (ConfigMap, Deployment, Service, Ingress, HPA) × 3 environments that differ in replicas, image
// tag and host — and times `node render/cli.ts render` in it as a whole process, as a user runs it.
// Cold runs start from an empty validation cache (every object checked) with the output renamed
// aside; warm runs re-render with both in place. Start-up (`--version`, `--help`, the real
// repository's render, also with an empty validation cache) is reported on its own; `--vs` times
// another command pair by pair with our cold renders and prints the ratio.
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelpRequested, UsageError, command, parse } from './commands/args.ts';
import { syntheticBundle } from './bench-validate.ts';
import { toYaml } from './yaml.ts';

const BENCH = command({
  name: 'bench',
  summary: 'Render benchmark on a synthetic repository, then the validator alone (reports, never asserts).',
  usage: '[options]',
  flags: {
    apps: { type: 'string', default: '10,1000', value: '<W[,W…]>', description: 'synthetic apps per environment (5 objects each, 3 environments); several sizes comma-separated' },
    runs: { type: 'string', default: '3', value: '<n>', description: 'timed runs per measure (the median is shown)' },
    warmup: { type: 'string', default: '1', value: '<n>', description: 'untimed runs before each measure (they fill the compile, page and dependency caches)' },
    vs: { type: 'string', value: '<command>', description: 'also time this shell command (run in the synthetic repository; $BENCH_APPS is W) pair by pair with each cold render and print the ratio theirs/ours' },
    format: { type: 'string', default: 'text', choices: ['text', 'json'], value: '<format>', description: 'output format' },
    keep: { type: 'boolean', description: 'keep the synthetic repository (its path is printed)' },
  },
});

const REPO = fileURLToPath(new URL('../', import.meta.url));
/** `node render/cli.ts` as the npm scripts run it: with the type-stripped cache loaded first. */
const CLI = ['--import', './render/strip-cache.mjs', 'render/cli.ts'];
const ENVS = ['bench-a', 'bench-b', 'bench-c'];

export function makeSyntheticRepo(apps: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-'));
  for (const s of ['environments', 'platform', 'apps', 'render', 'package.json']) cpSync(join(REPO, s), join(dir, s), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cpSync(join(REPO, 'render/bench/synthetic-app.ts'), join(dir, 'apps/synthetic.ts'));
  writeFileSync(
    join(dir, 'apps/synthetic.ts'),
    readFileSync(join(dir, 'apps/synthetic.ts'), 'utf8').replaceAll("'../types.ts'", "'../render/types.ts'").replaceAll("'../../apps/kit/context.ts'", "'./kit/context.ts'").replaceAll("'../../platform/kinds.ts'", "'../platform/kinds.ts'"),
  );
  const catalogPath = join(dir, 'apps/catalog.ts');
  const catalog = readFileSync(catalogPath, 'utf8');
  if (!catalog.includes('export const catalog = {')) throw new Error('apps/catalog.ts no longer declares `export const catalog = {`: update render/bench.ts');
  writeFileSync(catalogPath, `import { synthetic } from './synthetic.ts';\n${catalog.replace('export const catalog = {', 'export const catalog = {\n  synthetic,')}`);

  const lines = ["import type { Environment } from './types.ts';", "import { dev } from './dev.ts';", ''];
  ENVS.forEach((name, e) => {
    const list = Array.from({ length: apps }, (_, i) => {
      const app = `app-${String(i).padStart(4, '0')}`;
      return { name: app, replicas: 2 + e, tag: `1.${e}.${i % 10}`, host: `${app}.${name}.example.com`, logLevel: e === 2 ? 'warn' : 'debug' };
    });
    // No sealed values: dev's are for apps the synthetic environments do not run.
    lines.push(`const ${name.replace('-', '_')}: Environment = { ...dev, name: '${name}', sealed: {}, apps: { synthetic: { apps: ${JSON.stringify(list)} } } };`);
  });
  lines.push(`export const environments: readonly Environment[] = [${ENVS.map((n) => n.replace('-', '_')).join(', ')}];`, '');
  writeFileSync(join(dir, 'environments/index.ts'), lines.join('\n'));
  return dir;
}

interface Timed {
  wallMs: number;
  /** Time to the first line on stdout, when there was one. */
  firstLineMs?: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; wall time from spawn to exit, as a user waiting on it sees it. */
function timeProcess(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; shell?: boolean }): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstLineMs: number | undefined;
    let stdout = '';
    let stderr = '';
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, shell: options.shell ?? false, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (firstLineMs === undefined && chunk.includes('\n')) firstLineMs = performance.now() - start;
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ wallMs: performance.now() - start, ...(firstLineMs === undefined ? {} : { firstLineMs }), status, stdout, stderr }));
  });
}

interface RunResult {
  wallMs: number;
  objects: number;
  maxRssMiB: number;
  phases: Record<string, number>;
  /** Objects whose checks came from the validation cache. */
  cacheHits: number;
}

let aside = 0;

/**
 * The environment of a timed render. Cold: an empty validation cache of its own (a first render,
 * or one after the validator changed: every object checked). Warm: the one the repository's
 * renders keep (render/validation-cache.ts), filled by the runs before.
 */
function renderEnv(dir: string, cold: boolean): NodeJS.ProcessEnv {
  const cache = cold ? mkdtempSync(join(dir, '.validation-cache-cold-')) : join(dir, '.validation-cache');
  return { ...process.env, GITOPS_RENDER_STATS: '1', GITOPS_VALIDATION_CACHE: cache };
}

async function timeRender(dir: string, cold: boolean): Promise<RunResult> {
  // Cold runs write every file. The previous output is renamed aside, not deleted: on ext4,
  // creating files right after deleting as many costs ~10× a settled disk, which measured the
  // file system's journal rather than the render. The asides go with the temp dir.
  const out = join(dir, 'rendered');
  if (cold && existsSync(out)) renameSync(out, join(dir, `.rendered-aside-${aside++}`));
  const r = await timeProcess(process.execPath, [...CLI, 'render', '--quiet'], { cwd: dir, env: renderEnv(dir, cold) });
  if (r.status !== 0) throw new Error(`render failed in ${dir}:\n${r.stderr.split('\n').slice(0, 5).join('\n')}\n…\n${r.stderr.split('\n').slice(-4).join('\n')}`);
  const stat = (tag: string): Record<string, unknown> => JSON.parse(/^GITOPS_RENDER_\w+ (.*)$/m.exec(r.stderr.split('\n').filter((l) => l.startsWith(tag)).join('\n'))?.[1] ?? '{}') as Record<string, unknown>;
  const { objects, validationCache, ...phases } = stat('GITOPS_RENDER_PHASES');
  const stats = stat('GITOPS_RENDER_STATS');
  const cache = validationCache as { hits?: number } | undefined;
  return { wallMs: r.wallMs, objects: Number(objects ?? 0), maxRssMiB: Number(stats.maxRssKiB ?? 0) / 1024, phases: phases as Record<string, number>, cacheHits: cache?.hits ?? 0 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Math.round(x);
const significant = (x: number): number => Number(x.toPrecision(3));

/** A copy of the repository as it is (environments, models, committed rendered/), to time what a user runs. */
function copyRealRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-real-'));
  for (const s of ['environments', 'platform', 'apps', 'render', 'rendered', 'package.json']) {
    if (existsSync(join(REPO, s))) cpSync(join(REPO, s), join(dir, s), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Whole-process times of the commands that load least, and of the real repository's render. */
async function startup(runs: number, warmup: number) {
  const dir = copyRealRepo();
  try {
    const node = (args: string[], env?: NodeJS.ProcessEnv) => timeProcess(process.execPath, args, { cwd: dir, ...(env ? { env } : {}) });
    const times = async (args: string[], env?: () => NodeJS.ProcessEnv) => {
      for (let i = 0; i < warmup; i++) await node(args, env?.()); // fills the caches; not counted
      const rs: Timed[] = [];
      for (let i = 0; i < runs; i++) rs.push(await node(args, env?.()));
      const bad = rs.find((r) => r.status !== 0);
      if (bad) throw new Error(`node ${args.join(' ')} failed: ${bad.stderr.trim().split('\n').slice(-1)[0]}`);
      return rs;
    };
    const nodeAlone = median((await times(['-e', '0'])).map((r) => r.wallMs));
    const version = median((await times([...CLI, '--version'])).map((r) => r.wallMs));
    const help = median((await times([...CLI, '--help'])).map((r) => r.wallMs));
    // A first render (or one after the validator changed): every object checked.
    const first = await times([...CLI, 'render'], () => renderEnv(dir, true));
    // Any later one: the validation cache holds the objects, and nothing changed.
    const render = await times([...CLI, 'render'], () => renderEnv(dir, false));
    // The same, as `node render/cli.ts render` without the npm scripts' --import: Node then strips
    // the entry's types itself before any hook is in place.
    const bare = await times(['render/cli.ts', 'render'], () => renderEnv(dir, false));
    return {
      nodeMs: round(nodeAlone),
      versionMs: round(version),
      helpMs: round(help),
      // Over the committed rendered/ (nothing to write): what `npm run render` costs on a clean checkout.
      realRenderMs: round(median(render.map((r) => r.wallMs))),
      realRenderFirstLineMs: round(median(render.map((r) => r.firstLineMs ?? r.wallMs))),
      realRenderUncachedMs: round(median(first.map((r) => r.wallMs))),
      realRenderBareMs: round(median(bare.map((r) => r.wallMs))),
      realObjects: Number(/(\d+) unchanged/.exec(render[0]!.stdout)?.[1] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One size: cold runs (each paired with `vs` when given), then warm runs. */
async function measure(apps: number, runs: number, warmup: number, vs: string | undefined, keep: boolean) {
  const dir = makeSyntheticRepo(apps);
  try {
    for (let i = 0; i < warmup; i++) {
      await timeRender(dir, true); // warm the caches; not counted
      if (vs) await timeProcess(vs, [], { cwd: dir, shell: true, env: { ...process.env, BENCH_APPS: String(apps) } });
    }
    const results: RunResult[] = [];
    const ratios: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Cold: every file written and every object checked (what the peers were measured on).
      const ours = await timeRender(dir, true);
      results.push(ours);
      if (vs) {
        const t = await timeProcess(vs, [], { cwd: dir, shell: true, env: { ...process.env, BENCH_APPS: String(apps) } });
        if (t.status !== 0) throw new Error(`--vs command failed (exit ${t.status}): ${t.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
        theirs.push(t.wallMs);
        ratios.push(t.wallMs / ours.wallMs);
      }
    }
    // Warm: re-render over an up-to-date rendered/ (the everyday case: nothing or little changed).
    // One untimed warm run first: it fills the validation cache the warm runs use.
    await timeRender(dir, false);
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push((await timeRender(dir, false)).wallMs);
    const wall = median(results.map((r) => r.wallMs));
    const best = results.find((r) => r.wallMs === wall)!;
    return {
      apps,
      environments: ENVS.length,
      objects: best.objects,
      runs,
      wallMs: round(wall),
      minWallMs: round(Math.min(...results.map((r) => r.wallMs))),
      objectsPerSecond: round(best.objects / (wall / 1000)),
      peakMiB: round(Math.max(...results.map((r) => r.maxRssMiB))),
      warmWallMs: round(median(warm)),
      phasesMs: Object.fromEntries(Object.entries(best.phases).filter(([k]) => k !== 'objects').map(([k, v]) => [k, round(v)])),
      ...(vs ? { vs: { command: vs, wallMs: round(median(theirs)), ratio: significant(median(ratios)), minRatio: significant(Math.min(...ratios)), maxRatio: significant(Math.max(...ratios)) } } : {}),
    };
  } finally {
    if (keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parse(BENCH, process.argv.slice(2));
  const sizes = values.apps.split(',').map((a) => Number(a.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new UsageError(`bench: --apps takes whole numbers (comma-separated), not "${values.apps}"`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`bench: --runs takes a positive whole number, not "${values.runs}"`);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) throw new UsageError(`bench: --warmup takes a whole number, not "${values.warmup}"`);
  const text = values.format === 'text';
  const start = await startup(runs, warmup);
  if (text) {
    process.stdout.write(
      `start-up (whole process, median of ${runs}): node alone ${start.nodeMs} ms, --version ${start.versionMs} ms, --help ${start.helpMs} ms; ` +
        `real repository render (${start.realObjects} objects, nothing to write) ${start.realRenderMs} ms, first line after ${start.realRenderFirstLineMs} ms, ` +
        `as \`node render/cli.ts render\` ${start.realRenderBareMs} ms; with an empty validation cache (a first render) ${start.realRenderUncachedMs} ms\n`,
    );
  }
  const results = [];
  for (const apps of sizes) {
    const s = await measure(apps, runs, warmup, values.vs, values.keep ?? false);
    results.push(s);
    if (text) {
      process.stdout.write(
        `render W=${apps} × ${ENVS.length} envs: ${s.objects} objects, cold ${s.wallMs} ms (median of ${runs}, min ${s.minWallMs} ms), ` +
          `${s.objectsPerSecond} objects/s, peak ${s.peakMiB} MiB; over an up-to-date rendered/ and validation cache: ${s.warmWallMs} ms\n` +
          `  phases (ms): ${Object.entries(s.phasesMs).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}\n` +
          (s.vs ? `  vs \`${s.vs.command}\`: ${s.vs.wallMs} ms, ratio theirs/ours ${s.vs.ratio}× (pairs: ${s.vs.minRatio}–${s.vs.maxRatio}×)\n` : ''),
      );
    }
  }
  const yaml = await validateYaml(Math.max(...sizes), runs, warmup);
  if (text) {
    process.stdout.write(
      `npm run validate of one YAML file of ${yaml.objects} objects (${yaml.mib} MiB): ${yaml.wallMs} ms whole process (median of ${runs}, min ${yaml.minWallMs} ms), ` +
        `peak ${yaml.peakMiB} MiB, exit ${yaml.status}\n`,
    );
  }
  const validator = validateOnly(Math.max(...sizes));
  if (text) {
    if (validator) process.stdout.write(`validator alone: ${validator.split('\n').join('\n  ')}\n`);
  } else {
    process.stdout.write(`${JSON.stringify({ startup: start, sizes: results, validateYaml: yaml, validateOnly: validator })}\n`);
  }
}

/**
 * `validate <file>` as a user runs it (whole process) on one YAML file holding the validator
 * benchmark's objects: 15,000 at W=1000 (3 × W × 5), no findings expected.
 */
async function validateYaml(apps: number, runs: number, warmup: number) {
  const items = syntheticBundle(apps);
  const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-yaml-'));
  try {
    const file = join(dir, 'objects.yaml');
    const text = items.map((i) => toYaml(i.object)).join('---\n');
    writeFileSync(file, text);
    // Each run from an empty validation cache: every object checked, as on a first validate.
    const once = () => timeProcess(process.execPath, [...CLI, 'validate', file], { cwd: REPO, env: { ...process.env, GITOPS_RENDER_STATS: '1', GITOPS_VALIDATION_CACHE: mkdtempSync(join(dir, 'validation-cache-')) } });
    for (let i = 0; i < warmup; i++) await once(); // fills the caches; not counted
    const rs: Timed[] = [];
    for (let i = 0; i < runs; i++) rs.push(await once());
    const peak = (r: Timed) => Number(/"maxRssKiB":(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
    return {
      objects: items.length,
      mib: significant(Buffer.byteLength(text) / 1048576),
      wallMs: round(median(rs.map((r) => r.wallMs))),
      minWallMs: round(Math.min(...rs.map((r) => r.wallMs))),
      peakMiB: round(Math.max(...rs.map(peak))),
      status: rs[0]!.status,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The validator's own benchmark (15,000 objects, then one ConfigMap of 100,000 keys), when
 * present; a tenth of that for small runs (the test suite's smoke run).
 */
function validateOnly(apps: number): string | undefined {
  const script = join(REPO, 'render/bench-validate.ts');
  if (!existsSync(script)) return undefined;
  const small = apps < 100 ? ['--apps', '100', '--configmap-keys', '10000'] : [];
  const r = spawnSync(process.execPath, [script, ...small], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `failed: ${r.stderr.trim().split('\n').slice(-1)[0]}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    if (e instanceof HelpRequested) {
      process.stdout.write(e.text);
      return;
    }
    process.stderr.write(`${e instanceof UsageError ? 'error: ' : 'bench: '}${(e as Error).message}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  });
}
