// The working tree's rendered/ as it is on disk: what a commit made now would hold.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRenderedFile } from './git-source.ts';
import type { RenderedSide, SideObject } from './model.ts';

export function readRenderedDir(repoDir: string, label = 'working tree'): RenderedSide {
  const root = join(repoDir, 'rendered');
  if (!existsSync(root)) return { label, hasRendered: false, objects: [] };
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1).split('\\').join('/'))
    // What a killed render left (.staging-*, .old-*) is git-ignored: no commit holds it.
    .filter((rel) => !rel.split('/').some((segment) => segment.startsWith('.')))
    .sort();
  const objects: SideObject[] = [];
  for (const rel of files) {
    // Paths below rendered/<env>/, as a render in memory gives them.
    for (const o of parseRenderedFile(rel, readFileSync(join(root, rel), 'utf8'))) objects.push({ ...o, path: rel.slice(o.env.length + 1) });
  }
  return { label, hasRendered: true, objects };
}
