// render/strip-cache.mjs serves our .ts files type-stripped from a cache keyed by their content:
// an edit is seen at once, and what Node cannot strip is still reported by Node itself.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/sandbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'strip-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'render'));
copyFileSync(join(REPO, 'render/strip-cache.mjs'), join(dir, 'render/strip-cache.mjs'));
const cache = join(dir, 'node_modules/.cache/gitops-strip-cache');

const run = (file: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', join(dir, 'render/strip-cache.mjs'), join(dir, file)], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('strip cache', () => {
  it('runs a .ts file from the cache, and sees an edit at once', () => {
    writeFileSync(join(dir, 'm.ts'), 'const x: number = 1;\nconsole.log(x);\n');
    expect(run('m.ts').stdout).toBe('1\n');
    expect(readdirSync(cache)).toHaveLength(1);
    expect(run('m.ts').stdout).toBe('1\n');
    writeFileSync(join(dir, 'm.ts'), 'const x: number = 2;\nconsole.log(x);\n');
    const r = run('m.ts');
    expect(r.stdout).toBe('2\n');
    expect(r.stderr).toBe('');
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('leaves what cannot be stripped to Node, with the same error as without the cache', () => {
    writeFileSync(join(dir, 'e.ts'), 'enum E { A }\nconsole.log(E.A);\n');
    const on = run('e.ts');
    const off = run('e.ts', { GITOPS_STRIP_CACHE: '0' });
    expect(on.status).not.toBe(0);
    expect(on.stderr).toMatch(/ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX/);
    expect(on.stderr.replace(/\n\s+at .*/g, '')).toBe(off.stderr.replace(/\n\s+at .*/g, ''));
  });
});
