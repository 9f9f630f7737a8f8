// The `previews` branch: one folder per labelled PR, written by CI, read by Argo CD. Commits are
// built with plumbing against the branch tip (no checkout of the branch); concurrent writers for
// other PRs are handled by retrying on a rejected push.
// Only the delivery App may push it (the repository ruleset in .github/rulesets/previews.json).
// Behind that, the publisher builds only on a tip it wrote itself: committed and authored by its
// identity, holding nothing but `rendered/previews/pr-<n>/<kind>-<name>.yaml`. A tip anyone else
// pushed is refused rather than carried forward into the next preview.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderError } from '../types.ts';
import { authEnv, git } from './git.ts';
import { PREVIEWS_BRANCH, PREVIEWS_PATH } from './preview-appset.ts';
import { byText } from '../text-order.ts';

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
  /** Who commits (author and committer): the delivery App's bot account in CI. */
  publisher?: PublisherIdentity;
}

export interface PublisherIdentity {
  name: string;
  email: string;
}

/** The commit identity of a GitHub App's bot account, `<slug>[bot]`; `gitops-preview` locally. */
export function publisherIdentity(appSlug?: string): PublisherIdentity {
  if (appSlug !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(appSlug)) throw new RenderError({ field: 'publisher' }, `"${appSlug}" is not a GitHub App slug`);
  const name = appSlug ? `${appSlug}[bot]` : 'gitops-preview';
  return { name, email: `${name}@users.noreply.github.com` };
}

const PREVIEW_FILE = new RegExp(`^${PREVIEWS_PATH}/pr-[1-9][0-9]{0,8}/[A-Za-z0-9._-]+\\.yaml$`);

export type PreviewsBranchResult = { action: 'written' | 'removed' | 'unchanged'; commit?: string };

export function updatePreviewsBranch(spec: PreviewsBranchSpec): PreviewsBranchResult {
  const branch = spec.branch ?? PREVIEWS_BRANCH;
  const env = authEnv(spec.token);
  const folder = `${PREVIEWS_PATH}/${spec.namespace}`;
  const attempts = spec.attempts ?? 5;
  const who = spec.publisher ?? publisherIdentity();
  for (let attempt = 1; ; attempt++) {
    const fetched = git(spec.repoDir, ['fetch', '--quiet', '--no-tags', spec.remote, `+refs/heads/${branch}:refs/gitops/${branch}`], { env, allowFailure: true });
    const tip = fetched === undefined ? undefined : git(spec.repoDir, ['rev-parse', `refs/gitops/${branch}`]).trim();
    if (tip) checkOwnTip(spec.repoDir, branch, tip, who);
    const commit = buildCommit(spec.repoDir, tip, folder, spec.files, spec.message, who);
    if (commit === tip) return { action: 'unchanged' };
    const pushed = git(spec.repoDir, ['push', '--quiet', spec.remote, `${commit}:refs/heads/${branch}`], { env, allowFailure: true });
    if (pushed !== undefined) return { action: spec.files ? 'written' : 'removed', commit };
    if (attempt >= attempts) throw new RenderError({}, `could not push ${branch} after ${attempts} attempts (another writer kept moving it)`);
  }
}

/**
 * Refuses a tip the publisher did not write: another author or committer, or a file outside
 * `rendered/previews/pr-<n>/`. Commit headers can be forged by whoever can push, which is why
 * the ruleset is the barrier; this catches every push that got past it anyway (an admin, a
 * mistaken bypass, another tool) before the publisher builds on it and makes it look like its own.
 */
export function checkOwnTip(repoDir: string, branch: string, tip: string, who: PublisherIdentity): void {
  const [an, ae, cn, ce] = git(repoDir, ['show', '-s', '--format=%an%n%ae%n%cn%n%ce', tip]).split('\n');
  const fix = `inspect it, then reset ${branch} to the last commit of the publisher (docs/delivery.md, "Previews branch")`;
  for (const [role, name, email] of [['author', an, ae], ['committer', cn, ce]] as const) {
    if (name !== who.name || email !== who.email) {
      throw new RenderError({ field: branch }, `refusing to build on ${branch} at ${tip.slice(0, 12)}: its ${role} is ${name} <${email}>, not the publisher ${who.name} <${who.email}>; ${fix}`);
    }
  }
  const stray = git(repoDir, ['ls-tree', '-r', '--name-only', tip]).split('\n').filter((f) => f !== '' && !PREVIEW_FILE.test(f));
  if (stray.length > 0) throw new RenderError({ field: branch, file: stray[0] }, `refusing to build on ${branch} at ${tip.slice(0, 12)}: it holds ${stray[0]}, which the publisher never writes; ${fix}`);
}

function buildCommit(repoDir: string, tip: string | undefined, folder: string, files: Map<string, string> | undefined, message: string, who: PublisherIdentity): string | undefined {
  const tmp = mkdtempSync(join(tmpdir(), 'gitops-previews-'));
  try {
    const env = {
      ...process.env, GIT_INDEX_FILE: join(tmp, 'index'),
      GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email,
    };
    if (tip) git(repoDir, ['read-tree', tip], { env });
    else git(repoDir, ['read-tree', '--empty'], { env });
    git(repoDir, ['rm', '-r', '--cached', '--quiet', '--ignore-unmatch', '--', folder], { env });
    for (const [name, content] of [...(files ?? new Map<string, string>())].sort(([a], [b]) => byText(a, b))) {
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
