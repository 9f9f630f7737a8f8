// Pull requests by head branch: resolve the PR a workflow_run belongs to (never trust a PR number
// handed over in an artifact) and find-or-create/update the PRs promotion and releases open.
import type { GitHub } from './client.ts';
import { GitHubError } from './errors.ts';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
  headSha: string;
  /** The head lives in another repository (a fork). */
  fromFork: boolean;
}

export function parseRepo(slug: string): RepoRef | undefined {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(slug);
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

interface PullLike {
  number: number;
  html_url: string;
  head: { sha: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

function toRef(p: PullLike): PullRequestRef {
  return { number: p.number, url: p.html_url, headSha: p.head.sha, fromFork: p.head.repo?.full_name !== p.base.repo.full_name };
}

/**
 * The open PR whose head is `headOwner:headBranch` (and, when given, exactly at `headSha`).
 * Works for fork PRs, unlike workflow_run's pull_requests list.
 */
export async function findOpenPullRequest(
  gh: GitHub, where: RepoRef & { headOwner: string; headBranch: string; headSha?: string },
): Promise<PullRequestRef | undefined> {
  const pulls = await gh.paginate(gh.rest.pulls.list, {
    owner: where.owner, repo: where.repo, state: 'open', head: `${where.headOwner}:${where.headBranch}`, per_page: 100,
  });
  const hit = pulls.find((p) => where.headSha === undefined || p.head.sha === where.headSha);
  return hit ? toRef(hit as PullLike) : undefined;
}

export async function getPullRequest(gh: GitHub, where: RepoRef & { number: number }): Promise<PullRequestRef> {
  const { data } = await gh.rest.pulls.get({ owner: where.owner, repo: where.repo, pull_number: where.number });
  return toRef(data as PullLike);
}

export interface PullRequestSpec extends RepoRef {
  /** Branch in this repository. */
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface PullRequestResult extends PullRequestRef {
  action: 'created' | 'updated' | 'unchanged';
}

/**
 * One open PR per head branch: created the first time, title/body kept current afterwards. A
 * create GitHub may have applied (5xx, no answer) is followed by a fresh look, not a second POST.
 */
export async function createOrUpdatePullRequest(gh: GitHub, spec: PullRequestSpec): Promise<PullRequestResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await createOrUpdateOnce(gh, spec);
      // Found after an unanswered create: it is the one this call created.
      return attempt > 1 && r.action === 'unchanged' ? { ...r, action: 'created' } : r;
    } catch (e) {
      if (!(e instanceof GitHubError && e.outcomeUnknown) || attempt >= 3) throw e;
    }
  }
}

async function createOrUpdateOnce(gh: GitHub, spec: PullRequestSpec): Promise<PullRequestResult> {
  const pulls = await gh.paginate(gh.rest.pulls.list, {
    owner: spec.owner, repo: spec.repo, state: 'open', head: `${spec.owner}:${spec.head}`, per_page: 100,
  });
  const existing = pulls.find((p) => p.base.ref === spec.base) ?? pulls[0];
  if (existing) {
    if (existing.title === spec.title && (existing.body ?? '') === spec.body && existing.base.ref === spec.base) {
      return { ...toRef(existing as PullLike), action: 'unchanged' };
    }
    const { data } = await gh.rest.pulls.update({
      owner: spec.owner, repo: spec.repo, pull_number: existing.number, title: spec.title, body: spec.body, base: spec.base,
    });
    return { ...toRef(data as PullLike), action: 'updated' };
  }
  const { data } = await gh.rest.pulls.create({
    owner: spec.owner, repo: spec.repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body, draft: spec.draft,
  });
  return { ...toRef(data as PullLike), action: 'created' };
}
