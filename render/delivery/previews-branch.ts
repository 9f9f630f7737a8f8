// The `previews` branch: one folder per labelled PR, written by CI, read by Argo CD. Commits are
// built with plumbing against the branch tip (no checkout of the branch); concurrent writers for
// other PRs are handled by retrying on a rejected push.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderError } from '../types.ts';
import { authEnv, git } from './git.ts';
import { PREVIEWS_BRANCH, PREVIEWS_PATH } from './preview-appset.ts';

export interface PreviewsBranchSpec {
  repoDir: string;
  remote: string;
  namespace: string;
  /** File name → content; undefined removes the folder. */
  files: Map<string, string> | undefined;
  message: string;
  token?: string;
  branch?: string;
  attempts?: number;
}

export type PreviewsBranchResult = { action: 'written' | 'removed' | 'unchanged'; commit?: string };

export function updatePreviewsBranch(spec: PreviewsBranchSpec): PreviewsBranchResult {
  const branch = spec.branch ?? PREVIEWS_BRANCH;
  const env = authEnv(spec.token);
  const folder = `${PREVIEWS_PATH}/${spec.namespace}`;
  const attempts = spec.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const fetched = git(spec.repoDir, ['fetch', '--quiet', '--no-tags', spec.remote, `+refs/heads/${branch}:refs/gitops/${branch}`], { env, allowFailure: true });
    const tip = fetched === undefined ? undefined : git(spec.repoDir, ['rev-parse', `refs/gitops/${branch}`]).trim();
    const commit = buildCommit(spec.repoDir, tip, folder, spec.files, spec.message);
    if (commit === tip) return { action: 'unchanged' };
    const pushed = git(spec.repoDir, ['push', '--quiet', spec.remote, `${commit}:refs/heads/${branch}`], { env, allowFailure: true });
    if (pushed !== undefined) return { action: spec.files ? 'written' : 'removed', commit };
    if (attempt >= attempts) throw new RenderError({}, `could not push ${branch} after ${attempts} attempts (another writer kept moving it)`);
  }
}

function buildCommit(repoDir: string, tip: string | undefined, folder: string, files: Map<string, string> | undefined, message: string): string | undefined {
  const tmp = mkdtempSync(join(tmpdir(), 'gitops-previews-'));
  try {
    const who = { name: 'gitops-preview', email: 'gitops-preview@users.noreply.github.com' };
    const env = {
      ...process.env, GIT_INDEX_FILE: join(tmp, 'index'),
      GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email,
    };
    if (tip) git(repoDir, ['read-tree', tip], { env });
    else git(repoDir, ['read-tree', '--empty'], { env });
    git(repoDir, ['rm', '-r', '--cached', '--quiet', '--ignore-unmatch', '--', folder], { env });
    for (const [name, content] of [...(files ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b))) {
      if (!/^[A-Za-z0-9._-]+\.yaml$/.test(name)) throw new RenderError({ file: name }, 'preview files are flat <kind>-<name>.yaml names');
      const blob = git(repoDir, ['hash-object', '-w', '--stdin'], { input: content }).trim();
      git(repoDir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${folder}/${name}`], { env });
    }
    const tree = git(repoDir, ['write-tree'], { env }).trim();
    if (tip && git(repoDir, ['rev-parse', `${tip}^{tree}`]).trim() === tree) return tip;
    if (!tip && !files) return undefined;
    return git(repoDir, ['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-F', '-'], { env, input: message }).trim();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
