// npm run render [-- --env dev[,prod]]: validate everything first, then replace rendered/<env>/ atomically.
import { environments } from '../../environments/index.ts';
import { writeRendered } from '../write.ts';
import { parse } from './args.ts';
import { RENDERED_PATH, renderAll, selectEnvironments } from './common.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parse('render', args, {
    env: { type: 'string', multiple: true, short: 'e' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const start = performance.now();
  const envs = selectEnvironments(values.env);
  const { renders, errors } = renderAll(envs, { quiet: values.quiet });
  if (errors > 0) {
    process.stderr.write(`render failed: ${errors} validation error(s); rendered/ was left unchanged\n`);
    return 1;
  }
  const all = !values.env || values.env.length === 0;
  writeRendered(
    RENDERED_PATH,
    renders.map((r) => ({ name: r.env.name, files: r.files })),
    // Only a full render may remove the folders of environments that no longer exist.
    all ? { pruneEnvironments: new Set([...environments.map((e) => e.name), 'previews']) } : {},
  );
  const files = renders.reduce((n, r) => n + r.files.size, 0);
  if (!values.quiet) process.stdout.write(`wrote ${files} files to rendered/ in ${Math.round(performance.now() - start)} ms\n`);
  return 0;
}
