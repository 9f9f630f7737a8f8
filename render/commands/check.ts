// npm run check: fails when the committed rendered/ differs from a fresh render, or validation fails.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { environments } from '../../environments/index.ts';
import { readRendered, readTree } from '../write.ts';
import { parse } from './args.ts';
import { SPECS } from './specs.ts';
import { RENDERED_PATH, renderAll, selectEnvironments } from './common.ts';

export interface TreeDifference {
  added: string[];
  changed: string[];
  deleted: string[];
}

/** What a fresh render would add, change and delete in the committed tree (paths relative to rendered/). */
export function compareTrees(env: string, fresh: Map<string, string>, committed: Map<string, string>): TreeDifference {
  const diff: TreeDifference = { added: [], changed: [], deleted: [] };
  for (const [path, content] of fresh) {
    const old = committed.get(path);
    if (old === undefined) diff.added.push(`${env}/${path}`);
    else if (old !== content) diff.changed.push(`${env}/${path}`);
  }
  for (const path of committed.keys()) if (!fresh.has(path)) diff.deleted.push(`${env}/${path}`);
  for (const list of [diff.added, diff.changed, diff.deleted]) list.sort();
  return diff;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parse(SPECS.check, args);
  const envs = selectEnvironments(values.env);
  const { renders, errors } = renderAll(envs, { quiet: true });
  if (errors > 0) {
    process.stderr.write(`check failed: ${errors} validation error(s)\n`);
    return 1;
  }
  const total: TreeDifference = { added: [], changed: [], deleted: [] };
  readRendered(RENDERED_PATH, () => compareAll(renders, values.env, total), { onWait: (m) => process.stderr.write(`${m}\n`) });
  const count = total.added.length + total.changed.length + total.deleted.length;
  if (count === 0) {
    const objects = renders.reduce((n, r) => n + r.files.size, 0);
    process.stdout.write(`rendered/ is up to date (${renders.map((r) => r.env.name).join(', ')}: ${objects} objects)\n`);
    return 0;
  }
  process.stderr.write(`rendered/ is stale: a fresh render differs in ${count} file(s):\n`);
  for (const p of total.added) process.stderr.write(`  added:   rendered/${p}\n`);
  for (const p of total.changed) process.stderr.write(`  changed: rendered/${p}\n`);
  for (const p of total.deleted) process.stderr.write(`  deleted: rendered/${p}\n`);
  process.stderr.write('run `npm run render` and commit rendered/\n');
  return 1;
}

/** Every difference between the fresh renders and rendered/ (plus folders of removed environments on a full check). */
function compareAll(renders: { env: { name: string }; files: Map<string, string> }[], only: string[] | undefined, total: TreeDifference): void {
  for (const r of renders) {
    const d = compareTrees(r.env.name, r.files, readTree(join(RENDERED_PATH, r.env.name)));
    total.added.push(...d.added);
    total.changed.push(...d.changed);
    total.deleted.push(...d.deleted);
  }
  if (!only?.length && existsSync(RENDERED_PATH)) {
    const known = new Set([...environments.map((e) => e.name), 'previews']);
    for (const entry of readdirSync(RENDERED_PATH, { withFileTypes: true })) {
      if (entry.isDirectory() && !known.has(entry.name) && !entry.name.startsWith('.')) {
        total.deleted.push(...[...readTree(join(RENDERED_PATH, entry.name)).keys()].map((p) => `${entry.name}/${p}`));
      }
    }
  }
}
