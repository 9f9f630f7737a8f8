// A throw-away copy of this repository's sources in a temp dir, to run the real CLI against
// without touching the checkout's rendered/.
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['environments', 'platform', 'apps', 'render', 'package.json'];

/**
 * `node render/cli.ts <args>` of the checkout at `dir`, as the npm scripts run it: with the strip
 * cache loaded first, so that not even the entry file starts Node's type stripper (≈ 80 ms a
 * process). test/render/cli-manners.test.ts runs the bare `node render/cli.ts` form.
 */
export function cliArgs(dir: string, args: readonly string[]): string[] {
  return ['--import', join(dir, 'render/strip-cache.mjs'), join(dir, 'render/cli.ts'), ...args];
}

export interface Sandbox {
  dir: string;
  run(...args: string[]): { code: number; stdout: string; stderr: string };
  read(path: string): string;
  write(path: string, content: string): void;
  remove(): void;
}

/**
 * `rendered: 'fresh'` starts the sandbox with what `npm run render` writes for the current sources
 * (rendered once per source state and kept in the temp dir: see freshRender); `'committed'` with
 * the checkout's rendered/.
 */
export function sandbox(options: { rendered?: 'fresh' | 'committed' } = {}): Sandbox {
  const fresh = options.rendered === 'fresh' ? freshRender() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gitops-sandbox-'));
  for (const s of SOURCES) cpSync(join(REPO, s), join(dir, s), { recursive: true });
  if (fresh) cpSync(join(fresh, 'rendered'), join(dir, 'rendered'), { recursive: true });
  if (options.rendered === 'committed' && existsSync(join(REPO, 'rendered'))) cpSync(join(REPO, 'rendered'), join(dir, 'rendered'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    run(...args) {
      const r = spawnSync(process.execPath, cliArgs(dir, args), { cwd: dir, encoding: 'utf8' });
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

/** sha256 over the files of the sources a render reads, and the Node that runs it. */
function sourcesHash(): string {
  const h = createHash('sha256').update(process.version).update('\0');
  const walk = (rel: string): void => {
    const p = join(REPO, rel);
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(rel, e));
    } else h.update(rel).update('\0').update(readFileSync(p)).update('\0');
  };
  for (const s of SOURCES) walk(s);
  return h.digest('hex').slice(0, 16);
}

let freshDir: string | undefined;

/**
 * A folder whose `rendered/` is what `npm run render` (the real CLI, in a sandbox) writes for the
 * current sources. Rendered once per source state and shared by every test file and worker
 * through the temp dir (the folder appears by an atomic rename, complete or not at all); tests
 * that need a rendered tree to start from copy it instead of rendering again.
 */
export function freshRender(): string {
  if (freshDir) return freshDir;
  const target = join(tmpdir(), `gitops-fresh-render-${sourcesHash()}`);
  if (!existsSync(join(target, 'rendered'))) {
    const box = sandbox();
    try {
      // Without the dependency bundle: test/render/prebundle.test.ts compares renders with it to this one.
      const r = spawnSync(process.execPath, cliArgs(box.dir, ['render', '--quiet']), { cwd: box.dir, encoding: 'utf8', env: { ...process.env, GITOPS_PREBUNDLE: '0' } });
      if (r.status !== 0) throw new Error(`npm run render failed in a sandbox (exit ${r.status}):\n${r.stderr}`);
      const staged = mkdtempSync(join(tmpdir(), 'gitops-fresh-render-staging-'));
      renameSync(join(box.dir, 'rendered'), join(staged, 'rendered'));
      try {
        renameSync(staged, target);
      } catch {
        // another worker finished first: its render is the same
        rmSync(staged, { recursive: true, force: true });
      }
    } finally {
      box.remove();
    }
    // Renders of earlier source states: other checkouts on the machine may still use a recent one.
    const dayAgo = Date.now() - 24 * 3600_000;
    for (const e of readdirSync(tmpdir())) {
      const p = join(tmpdir(), e);
      if (/^gitops-fresh-render-[0-9a-f]{16}$/.test(e) && p !== target && statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
    }
  }
  freshDir = target;
  return target;
}
