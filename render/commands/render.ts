// npm run render [-- --env dev[,prod]] [--lock-timeout <seconds>]: validate everything first, then replace rendered/<env>/ atomically.
import { environments } from '../../environments/index.ts';
import { writeRendered } from '../write.ts';
import { parse, UsageError } from './args.ts';
import { RENDERED_PATH, renderAll, selectEnvironments } from './common.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parse('render', args, {
    env: { type: 'string', multiple: true, short: 'e' },
    quiet: { type: 'boolean', short: 'q' },
    // Another render holding rendered/ is waited for this long (seconds), then this one fails.
    'lock-timeout': { type: 'string', default: '120' },
  });
  const lockTimeout = Number(values['lock-timeout']);
  if (!/^\d+(\.\d+)?$/.test(values['lock-timeout']) || !Number.isFinite(lockTimeout)) {
    throw new UsageError(`render: --lock-timeout takes a number of seconds, not "${values['lock-timeout']}"`);
  }
  // performance.now() counts from process start: this is Node start-up plus loading every module.
  const start = performance.now();
  const envs = selectEnvironments(values.env);
  const { renders, errors } = renderAll(envs, { quiet: values.quiet });
  if (errors > 0) {
    process.stderr.write(`render failed: ${errors} validation error(s); rendered/ was left unchanged\n`);
    return 1;
  }
  const all = !values.env || values.env.length === 0;
  const beforeWrite = performance.now();
  writeRendered(
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
    process.stderr.write(`GITOPS_RENDER_PHASES ${JSON.stringify({ objects: files, ...phases })}\n`);
  }
  if (!values.quiet) process.stdout.write(`wrote ${files} files to rendered/ in ${Math.round(performance.now() - start)} ms\n`);
  return 0;
}
