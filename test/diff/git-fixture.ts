// Real git repositories in temp dirs: write rendered/ trees, commit, return SHAs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export interface GitFixture {
  dir: string;
  /** Replace rendered/ with these files (path below rendered/ → object or raw text) and commit. */
  commitRendered(files: Record<string, unknown>, message: string): string;
  /** Commit arbitrary files without touching rendered/. */
  commitFiles(files: Record<string, string>, message: string): string;
  cleanup(): void;
}

export function gitFixture(): GitFixture {
  const dir = mkdtempSync(join(tmpdir(), 'diff-fixture-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'test');
  git('config', 'commit.gpgsign', 'false');
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  return {
    dir,
    commitRendered(files, message) {
      rmSync(join(dir, 'rendered'), { recursive: true, force: true });
      for (const [rel, content] of Object.entries(files)) {
        write(`rendered/${rel}`, typeof content === 'string' ? content : stringify(content));
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    commitFiles(files, message) {
      for (const [rel, text] of Object.entries(files)) write(rel, text);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
