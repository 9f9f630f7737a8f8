// npm run render [-- --env dev[,prod]] [--lock-timeout <seconds>]: validate everything first, then replace rendered/<env>/ atomically.
import { environments } from '../../environments/index.ts';
import { writeRendered, type WriteStats } from '../write.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { RENDERED_PATH, renderAll, selectEnvironments } from './common.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parse(SPECS.render, args);
  const lockTimeout = Number(values['lock-timeout']);
  if (!/^\d+(\.\d+)?$/.test(values['lock-timeout']) || !Number.isFinite(lockTimeout)) {
    throw new UsageError(`render: --lock-timeout takes a number of seconds, not "${values['lock-timeout']}"`);
  }
  // performance.now() counts from process start: the time printed is the whole process's.
  const start = performance.now();
  const envs = selectEnvironments(values.env);
  const { renders, errors, validationCache } = renderAll(envs, { quiet: values.quiet });
  if (errors > 0) {
    process.stderr.write(`render failed: ${errors} validation error(s); rendered/ was left unchanged\n`);
    return 1;
  }
  const all = !values.env || values.env.length === 0;
  const beforeWrite = performance.now();
  const written = writeRendered(
    RENDERED_PATH,
    renders.map((r) => ({ name: r.env.name, files: r.files })),
    // Only a full render may remove the folders of environments that no longer exist.
    {
      ...(all ? { pruneEnvironments: new Set([...environments.map((e) => e.name), 'previews']) } : {}),
      lockTimeoutMs: lockTimeout * 1000,
      onWait: (message) => process.stderr.write(`${message}\n`),
    },
  );
  const files = renders.reduce((n, r) => n + r.files.size, 0);
  if (process.env.GITOPS_RENDER_STATS) {
    const sum = (k: 'build' | 'validate' | 'serialize') => renders.reduce((n, r) => n + r.phases[k], 0);
    const phases = { loadMs: start, buildMs: sum('build'), validateMs: sum('validate'), serializeMs: sum('serialize'), writeMs: performance.now() - beforeWrite };
    process.stderr.write(`GITOPS_RENDER_PHASES ${JSON.stringify({ objects: files, ...phases, validationCache })}\n`);
  }
  if (!values.quiet) process.stdout.write(`${writeSummary(written)} in ${(performance.now() / 1000).toFixed(2)} s\n`);
  return 0;
}

/** `wrote 3 files (323 unchanged, 1 removed) to rendered/`: what changed on disk, not what was rendered. */
export function writeSummary(s: WriteStats): string {
  const extra = [`${s.unchanged} unchanged`, s.removed ? `${s.removed} removed` : ''].filter(Boolean).join(', ');
  return `wrote ${s.written} file${s.written === 1 ? '' : 's'} (${extra}) to rendered/`;
}
