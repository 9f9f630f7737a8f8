// One pull request per purpose, kept current: commit the changed paths on top of the base,
// force-push the purpose's branch, and create or update the PR whose body shows the semantic
// diff. Shared by promotion (`promote/<env>`) and releases (`release/<app>`).
import { createOrUpdatePullRequest, type GitHub, type PullRequestResult, type RepoRef } from '../github/index.ts';
import { semanticDiff } from './semantic-diff.ts';
import { closePullsFrom } from './github-pulls.ts';
import { commitPaths, deleteRemoteBranch, headCommit, pushBranch } from './git.ts';

/** GitHub's comment/body limit, less room for the header and footer we add. */
const BODY_LIMIT = 65_536;

export interface ProposeSpec {
  repoDir: string;
  gh: GitHub;
  repo: RepoRef;
  remote: string;
  /** Branch the PR merges into (the one Argo CD follows). */
  base: string;
  branch: string;
  paths: string[];
  message: string;
  title: string;
  /** Markdown above the diff (what changes and why). */
  header: string;
  footer?: string;
  /** Token for git push over HTTPS (the App token in CI). */
  pushToken?: string;
}

export interface ProposeResult {
  commit: string;
  pull: PullRequestResult;
}

/** Undefined when the working tree holds no change of `paths` against HEAD. */
export async function proposeChange(spec: ProposeSpec): Promise<ProposeResult | undefined> {
  const parent = headCommit(spec.repoDir);
  const commit = commitPaths(spec.repoDir, { parent, message: spec.message, paths: spec.paths });
  if (commit === parent) return undefined;
  pushBranch(spec.repoDir, spec.remote, commit, spec.branch, spec.pushToken);
  const footer = spec.footer ?? '';
  const room = BODY_LIMIT - spec.header.length - footer.length - 200;
  const diff = await semanticDiff(spec.repoDir, parent, { head: commit, format: 'markdown', maxChars: room });
  const body = `${spec.header}\n${diff.trimEnd()}\n${footer}`;
  const pull = await createOrUpdatePullRequest(spec.gh, { ...spec.repo, head: spec.branch, base: spec.base, title: spec.title, body });
  return { commit, pull };
}

/** Nothing left to propose: close the branch's PR (with a comment) and delete the branch. */
export async function withdrawChange(spec: Pick<ProposeSpec, 'repoDir' | 'gh' | 'repo' | 'remote' | 'branch' | 'pushToken'>, reason: string): Promise<number> {
  const closed = await closePullsFrom(spec.gh, spec.repo, spec.branch, reason);
  deleteRemoteBranch(spec.repoDir, spec.remote, spec.branch, spec.pushToken);
  return closed.length;
}
