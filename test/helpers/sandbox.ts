// A throw-away copy of this repository's sources in a temp dir, to run the real CLI against
// without touching the checkout's rendered/.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['environments', 'platform', 'apps', 'render', 'package.json'];

export interface Sandbox {
  dir: string;
  run(...args: string[]): { code: number; stdout: string; stderr: string };
  read(path: string): string;
  write(path: string, content: string): void;
  remove(): void;
}

export function sandbox(options: { withRendered?: boolean } = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-sandbox-'));
  for (const s of SOURCES) cpSync(join(REPO, s), join(dir, s), { recursive: true });
  if (options.withRendered && existsSync(join(REPO, 'rendered'))) cpSync(join(REPO, 'rendered'), join(dir, 'rendered'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    run(...args) {
      const r = spawnSync(process.execPath, [join(dir, 'render/cli.ts'), ...args], { cwd: dir, encoding: 'utf8' });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, content) => writeFileSync(join(dir, path), content),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** sha256 over every file below `dir` (paths and contents), for byte-identity checks. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(relative(dir, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex');
}
