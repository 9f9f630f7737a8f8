// render/prebundle.mjs serves node_modules from a bundle built once per install. What must hold:
// the output is byte-identical with or without it, an import it lacks still works and is bundled
// next time, a new install rebuilds it, and an install without rolldown renders as before.
// Each sandbox gets its own node_modules (one symlink per package) and so its own cache.
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, cliArgs, freshRender, sandbox, treeHash, type Sandbox } from '../helpers/sandbox.ts';

const boxes: Sandbox[] = [];
afterAll(() => boxes.forEach((b) => b.remove()));

/** A sandbox whose node_modules is its own folder of links, without the packages in `omit`. */
function privateBox(omit: string[] = []): Sandbox {
  const box = sandbox();
  boxes.push(box);
  const modules = join(box.dir, 'node_modules');
  rmSync(modules);
  mkdirSync(modules);
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (name === '.cache' || omit.includes(name)) continue;
    symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
  }
  return box;
}

const cache = (box: Sandbox) => join(box.dir, 'node_modules/.cache/gitops-prebundle');
const current = (box: Sandbox) => JSON.parse(readFileSync(join(cache(box), 'current.json'), 'utf8')) as { dir: string; specifiers: Record<string, string> };

/** `node render/prebundle.mjs` (what the test suite's setup runs): the bundle's folder, built if stale. */
function ensure(box: Sandbox): string {
  const r = spawnSync(process.execPath, [join(box.dir, 'render/prebundle.mjs')], { cwd: box.dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const m = /^prebundle: \d+ entry modules in node_modules\/\.cache\/gitops-prebundle\/([0-9a-f]{16}) \(\d+\.\d s\)\n$/.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  return m![1]!;
}

function render(box: Sandbox, env: Record<string, string> = {}): string {
  // Without the validation cache: every schema module (loaded on first use) comes through the bundle too.
  const r = spawnSync(process.execPath, cliArgs(box.dir, ['render', '--env', 'e2e', '--quiet']), { cwd: box.dir, encoding: 'utf8', env: { ...process.env, GITOPS_VALIDATION_CACHE: '0', ...env } });
  expect(r.stderr.replace(/^warning: .*\n/gm, '')).toBe('');
  expect(r.status).toBe(0);
  const hash = treeHash(join(box.dir, 'rendered/e2e'));
  rmSync(join(box.dir, 'rendered'), { recursive: true, force: true });
  return hash;
}

describe('dependency pre-bundling', () => {
  const box = privateBox();
  let unbundled = '';

  it('renders byte-identically with the bundle and without it; the first run builds the bundle', () => {
    // Without: the suite's shared render of these sources, made with the bundle off.
    unbundled = treeHash(join(freshRender(), 'rendered/e2e'));
    expect(existsSync(cache(box))).toBe(false);
    expect(render(box)).toBe(unbundled);
    const built = current(box);
    expect(built.specifiers['@kubernetes-models/base']).toMatch(/^e\d+\.js$/);
    expect(built.specifiers['zod']).toBeDefined();
    // Only the render path: the packages other commands load on demand stay out.
    expect(Object.keys(built.specifiers).filter((s) => /^(pg|@octokit|@peculiar)/.test(s))).toEqual([]);
    expect(existsSync(join(cache(box), built.dir, built.specifiers['zod']!))).toBe(true);
    // Reused, not rebuilt.
    expect(ensure(box)).toBe(built.dir);
  });

  it('loads an import it lacks from node_modules, remembers it, and bundles it on the next run', () => {
    const file = join(box.dir, 'platform/flannel.ts');
    writeFileSync(file, `import { PodTemplate } from 'kubernetes-models/v1/PodTemplate';\nvoid PodTemplate;\n${readFileSync(file, 'utf8')}`);
    const before = current(box).dir;
    expect(render(box)).toBe(unbundled);
    expect(JSON.parse(readFileSync(join(cache(box), 'wanted.json'), 'utf8'))).toContain('kubernetes-models/v1/PodTemplate');
    expect(current(box).dir).toBe(before);
    expect(ensure(box)).not.toBe(before);
    expect(current(box).specifiers['kubernetes-models/v1/PodTemplate']).toBeDefined();
  });

  it('rebuilds after another install (the installed lockfile changed)', () => {
    const before = current(box).dir;
    const lock = join(box.dir, 'node_modules/.package-lock.json');
    const text = readFileSync(lock, 'utf8');
    rmSync(lock);
    writeFileSync(lock, text.replace('"lockfileVersion"', '"requires": true,\n  "lockfileVersion"'));
    expect(ensure(box)).not.toBe(before);
  });

  it('renders the same from an install without rolldown (no bundle at all)', () => {
    const bare = privateBox(['rolldown']);
    expect(render(bare)).toBe(unbundled);
    expect(existsSync(join(cache(bare), 'current.json'))).toBe(false);
    // Asked to build, it says why it cannot.
    const r = spawnSync(process.execPath, [join(bare.dir, 'render/prebundle.mjs')], { cwd: bare.dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('prebundle: not built (rolldown is not installed (npm ci installs it; a production install does without)); modules load from node_modules\n');
  });
});
