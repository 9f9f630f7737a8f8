// A throw-away clone of this repository's sources as a real git repository with a bare origin:
// what the delivery commands see in CI after actions/checkout.
import { execFile } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliArgs, sandbox, type Sandbox } from '../helpers/sandbox.ts';

const exec = promisify(execFile);

export interface Repo extends Sandbox {
  origin: string;
  git(...args: string[]): string;
  /** The CLI, asynchronously (the fake GitHub server lives in this process). */
  cli(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  commitAll(message: string): string;
}

/** `rendered: 'fresh'`: the sources' rendered/ is there already (copied, not rendered again). */
export function gitRepo(options: { rendered?: 'fresh' } = {}): Repo {
  const box = sandbox(options);
  const origin = mkdtempSync(join(tmpdir(), 'gitops-origin-'));
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git(origin, 'init', '--quiet', '--bare', '-b', 'main');
  git(box.dir, 'init', '--quiet', '-b', 'main');
  git(box.dir, 'config', 'user.name', 'Test');
  git(box.dir, 'config', 'user.email', 'test@example.invalid');
  git(box.dir, 'config', 'commit.gpgsign', 'false');
  git(box.dir, 'remote', 'add', 'origin', origin);
  const repo: Repo = {
    ...box,
    origin,
    git: (...args) => git(box.dir, ...args),
    async cli(args, env = {}) {
      try {
        const r = await exec(process.execPath, cliArgs(box.dir, args), { cwd: box.dir, env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        const x = e as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
      }
    },
    commitAll(message) {
      git(box.dir, 'add', '--all', '--', 'environments', 'platform', 'apps', 'render', 'package.json', 'rendered');
      git(box.dir, 'commit', '--quiet', '-m', message);
      git(box.dir, 'push', '--quiet', 'origin', 'main');
      return git(box.dir, 'rev-parse', 'HEAD');
    },
    remove() {
      box.remove();
      rmSync(origin, { recursive: true, force: true });
    },
  };
  // node_modules is a symlink into the checkout: never part of the commits.
  git(box.dir, 'config', 'core.excludesFile', '/dev/null');
  spawnSync('sh', ['-c', 'printf "node_modules\\n" > .gitignore'], { cwd: box.dir });
  return repo;
}
