import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRendered } from '../../render/write.ts';
import { treeHash } from '../helpers/sandbox.ts';

function fresh(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gitops-write-')), 'rendered');
  writeRendered(dir, [{ name: 'dev', files: new Map([['a/x.yaml', 'x: 1\n'], ['b/y.yaml', 'y: 1\n']]) }]);
  return dir;
}

describe('writeRendered', () => {
  it('replaces an environment tree, removing stale files', () => {
    const dir = fresh();
    writeRendered(dir, [{ name: 'dev', files: new Map([['a/x.yaml', 'x: 2\n']]) }]);
    expect(readFileSync(join(dir, 'dev/a/x.yaml'), 'utf8')).toBe('x: 2\n');
    expect(existsSync(join(dir, 'dev/b'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['dev']);
  });

  it('leaves every environment as it was when writing fails part-way', () => {
    const dir = fresh();
    const before = treeHash(dir);
    expect(() =>
      writeRendered(dir, [
        { name: 'prod', files: new Map([['ok.yaml', 'ok: 1\n']]) },
        { name: 'dev', files: new Map([['a/x.yaml', 'x: 3\n'], ['../../escape.yaml', 'no\n']]) },
      ]),
    ).toThrow(/refusing to write outside/);
    expect(treeHash(dir)).toBe(before);
    expect(existsSync(join(dir, '..', 'escape.yaml'))).toBe(false);
  });

  it('refuses every path that leaves its folder, and writes every odd one that does not', () => {
    for (const bad of ['..', '../x.yaml', 'a/../../x.yaml', '/etc/x.yaml', 'a/./../../x.yaml', '', '.']) {
      const dir = fresh();
      expect(() => writeRendered(dir, [{ name: 'dev', files: new Map([[bad, 'x\n']]) }]), bad).toThrow(/refusing to write outside/);
    }
    const dir = fresh();
    writeRendered(dir, [{ name: 'dev', files: new Map([['a/x.yaml', '1\n'], ['a/.hidden.yaml', '2\n'], ['b/c/..d.yaml', '3\n'], ['a/./y.yaml', '4\n']]) }]);
    expect(readFileSync(join(dir, 'dev/a/.hidden.yaml'), 'utf8')).toBe('2\n');
    expect(readFileSync(join(dir, 'dev/b/c/..d.yaml'), 'utf8')).toBe('3\n');
    expect(readFileSync(join(dir, 'dev/a/y.yaml'), 'utf8')).toBe('4\n');
  });

  it('recovers from a swap interrupted between its two renames', () => {
    const dir = fresh();
    // Simulate a crash after `dev` was moved aside and before the staged tree moved in.
    const { renameSync } = require_fs();
    renameSync(join(dir, 'dev'), join(dir, '.old-dev'));
    mkdirSync(join(dir, '.staging-dev'));
    writeFileSync(join(dir, '.staging-dev/half.yaml'), 'half: 1\n');
    writeRendered(dir, [{ name: 'prod', files: new Map([['p.yaml', 'p: 1\n']]) }]);
    expect(readFileSync(join(dir, 'dev/a/x.yaml'), 'utf8')).toBe('x: 1\n');
    expect(readdirSync(dir).sort()).toEqual(['dev', 'prod']);
  });
});

function require_fs(): typeof import('node:fs') {
  return { renameSync: (a: string, b: string) => (globalThis as never as { fsRename: never }) && renameSyncImpl(a, b) } as never;
}
import { renameSync as renameSyncImpl } from 'node:fs';
