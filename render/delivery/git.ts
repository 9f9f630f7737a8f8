// The few git operations delivery needs. Commits are built with a temporary index (the working
// tree and current branch stay as they are) and dated like their parent, so the same change on
// the same base always yields the same commit SHA: re-running a promotion pushes nothing new.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderError } from '../types.ts';

export interface GitOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Return undefined instead of throwing when git exits non-zero. */
  allowFailure?: boolean;
}

export function git(repoDir: string, args: string[], options: GitOptions & { allowFailure: true }): string | undefined;
export function git(repoDir: string, args: string[], options?: GitOptions): string;
export function git(repoDir: string, args: string[], options: GitOptions = {}): string | undefined {
  const r = spawnSync('git', args, { cwd: repoDir, encoding: 'utf8', env: options.env ?? process.env, input: options.input, maxBuffer: 1 << 28 });
  if (r.error) throw new RenderError({}, `git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) {
    if (options.allowFailure) return undefined;
    throw new RenderError({}, `git ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

export function headCommit(repoDir: string): string {
  return git(repoDir, ['rev-parse', 'HEAD']).trim();
}

/** A file's content at a ref, or undefined when it does not exist there. */
export function showFile(repoDir: string, ref: string, path: string): string | undefined {
  return git(repoDir, ['show', `${ref}:${path}`], { allowFailure: true });
}

/** The last commit that changed `path` (following first parents from `ref`), if any. */
export function lastCommitTouching(repoDir: string, path: string, ref = 'HEAD'): string | undefined {
  const out = git(repoDir, ['log', '-n', '1', '--format=%H', ref, '--', path]).trim();
  return out || undefined;
}

export interface CommitSpec {
  parent: string;
  message: string;
  /** Paths (files or folders) whose working-tree state goes into the commit. */
  paths: string[];
  author?: { name: string; email: string };
}

/**
 * A commit of `paths` from the working tree on top of `parent`, without touching HEAD or the
 * index. Returns the parent itself when nothing differs.
 */
export function commitPaths(repoDir: string, spec: CommitSpec): string {
  const tmp = mkdtempSync(join(tmpdir(), 'gitops-index-'));
  try {
    const author = spec.author ?? { name: 'gitops-delivery', email: 'gitops-delivery@users.noreply.github.com' };
    const date = git(repoDir, ['show', '-s', '--format=%cI', spec.parent]).trim();
    const env = {
      ...process.env,
      GIT_INDEX_FILE: join(tmp, 'index'),
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email, GIT_COMMITTER_DATE: date,
    };
    git(repoDir, ['read-tree', spec.parent], { env });
    git(repoDir, ['add', '--all', '--', ...spec.paths], { env });
    const tree = git(repoDir, ['write-tree'], { env }).trim();
    const parentTree = git(repoDir, ['rev-parse', `${spec.parent}^{tree}`]).trim();
    if (tree === parentTree) return spec.parent;
    return git(repoDir, ['commit-tree', tree, '-p', spec.parent, '-F', '-'], { env, input: spec.message }).trim();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Environment for `git push`/`fetch` with a token, without writing it to .git/config or argv:
 * the same `http.<server>/.extraheader` actions/checkout sets, passed through GIT_CONFIG_*.
 */
export function authEnv(token: string | undefined, serverUrl = process.env.GITHUB_SERVER_URL ?? 'https://github.com'): NodeJS.ProcessEnv {
  if (!token) return process.env;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    ...process.env,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${serverUrl.replace(/\/+$/, '')}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Points `branch` on the remote at `sha` (force: the branch is ours, rebuilt from main each run). */
export function pushBranch(repoDir: string, remote: string, sha: string, branch: string, token?: string): void {
  git(repoDir, ['push', '--force', '--quiet', remote, `${sha}:refs/heads/${branch}`], { env: authEnv(token) });
}

export function deleteRemoteBranch(repoDir: string, remote: string, branch: string, token?: string): void {
  git(repoDir, ['push', '--quiet', remote, '--delete', branch], { env: authEnv(token), allowFailure: true });
}

/** SHA of a branch on the remote, or undefined when it does not exist. */
export function remoteBranch(repoDir: string, remote: string, branch: string, token?: string): string | undefined {
  const out = git(repoDir, ['ls-remote', '--heads', remote, `refs/heads/${branch}`], { env: authEnv(token) }).trim();
  return out ? out.split(/\s+/)[0] : undefined;
}
