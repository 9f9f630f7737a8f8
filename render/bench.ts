// npm run bench -- [--apps W] [--runs N] [--format text|json] [--keep]
// Generates a synthetic repository in a temp dir — this repo's pipeline and platform plus W apps
// (ConfigMap, Deployment, Service, Ingress, HPA) × 3 environments that differ in replicas, image
// tag and host — and times `node render/cli.ts render` in it as a whole process, as a user runs it.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelpRequested, UsageError, command, parse } from './commands/args.ts';

const BENCH = command({
  name: 'bench',
  summary: 'Render benchmark on a synthetic repository, then the validator alone (reports, never asserts).',
  usage: '[options]',
  flags: {
    apps: { type: 'string', default: '100', value: '<W>', description: 'synthetic apps per environment (5 objects each, 3 environments)' },
    runs: { type: 'string', default: '3', value: '<n>', description: 'timed runs per measure (the median is shown)' },
    format: { type: 'string', default: 'text', choices: ['text', 'json'], value: '<format>', description: 'output format' },
    keep: { type: 'boolean', description: 'keep the synthetic repository (its path is printed)' },
  },
});

const REPO = fileURLToPath(new URL('../', import.meta.url));
const ENVS = ['bench-a', 'bench-b', 'bench-c'];

export function makeSyntheticRepo(apps: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-'));
  for (const s of ['environments', 'platform', 'apps', 'render', 'package.json']) cpSync(join(REPO, s), join(dir, s), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cpSync(join(REPO, 'render/bench/synthetic-app.ts'), join(dir, 'apps/synthetic.ts'));
  writeFileSync(
    join(dir, 'apps/synthetic.ts'),
    readFileSync(join(dir, 'apps/synthetic.ts'), 'utf8').replaceAll("'../types.ts'", "'../render/types.ts'").replaceAll("'../../apps/kit/context.ts'", "'./kit/context.ts'"),
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

interface RunResult {
  wallMs: number;
  objects: number;
  maxRssMiB: number;
  phases: Record<string, number>;
}

function timeRender(dir: string, cold: boolean): RunResult {
  if (cold) rmSync(join(dir, 'rendered'), { recursive: true, force: true });
  const start = performance.now();
  const r = spawnSync(process.execPath, ['render/cli.ts', 'render', '--quiet'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITOPS_RENDER_STATS: '1' } });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`render failed in ${dir}:\n${r.stderr.split('\n').slice(0, 5).join('\n')}\n…\n${r.stderr.split('\n').slice(-4).join('\n')}`);
  const stat = (tag: string): Record<string, number> => JSON.parse(/^GITOPS_RENDER_\w+ (.*)$/m.exec(r.stderr.split('\n').filter((l) => l.startsWith(tag)).join('\n'))?.[1] ?? '{}') as Record<string, number>;
  const phases = stat('GITOPS_RENDER_PHASES');
  const stats = stat('GITOPS_RENDER_STATS');
  return { wallMs, objects: phases.objects ?? 0, maxRssMiB: (stats.maxRssKiB ?? 0) / 1024, phases };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { values } = parse(BENCH, process.argv.slice(2));
  const apps = Number(values.apps);
  const runs = Number(values.runs);
  const dir = makeSyntheticRepo(apps);
  try {
    timeRender(dir, true); // warm the filesystem cache; not counted
    // Cold: no rendered/ yet, every file is written (what the peers were measured on).
    const results = Array.from({ length: runs }, () => timeRender(dir, true));
    // Warm: re-render over an up-to-date rendered/ (the everyday case: nothing or little changed).
    const warm = median(Array.from({ length: runs }, () => timeRender(dir, false).wallMs));
    const wall = median(results.map((r) => r.wallMs));
    const best = results.find((r) => r.wallMs === wall)!;
    const summary = {
      apps,
      environments: ENVS.length,
      objects: best.objects,
      runs,
      wallMs: Math.round(wall),
      minWallMs: Math.round(Math.min(...results.map((r) => r.wallMs))),
      objectsPerSecond: Math.round(best.objects / (wall / 1000)),
      peakMiB: Math.round(Math.max(...results.map((r) => r.maxRssMiB))),
      warmWallMs: Math.round(warm),
      phasesMs: Object.fromEntries(Object.entries(best.phases).filter(([k]) => k !== 'objects').map(([k, v]) => [k, Math.round(v)])),
      validateOnly: validateOnly(apps),
    };
    if (values.format === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(
        `render W=${apps} × ${ENVS.length} envs: ${summary.objects} objects, wall ${summary.wallMs} ms (median of ${runs}, min ${summary.minWallMs} ms), ` +
          `${summary.objectsPerSecond} objects/s, peak ${summary.peakMiB} MiB; over an up-to-date rendered/: ${summary.warmWallMs} ms\n` +
          `  phases (ms): ${Object.entries(summary.phasesMs).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}\n` +
          (summary.validateOnly ? `  validator alone: ${summary.validateOnly.split('\n').join('\n  ')}\n` : ''),
      );
    }
  } finally {
    if (values.keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
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
