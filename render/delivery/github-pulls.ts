// GitHub calls delivery needs beyond render/github: closing a PR that has nothing left to do,
// labelling, and turning on auto-merge. Same Octokit (retries, clear errors) as everything else.
import type { GitHub, RepoRef } from '../github/index.ts';

export interface OpenPull {
  number: number;
  url: string;
  nodeId?: string;
}

/** Open PRs from `branch` of this repository (one, normally). */
export async function openPullsFrom(gh: GitHub, repo: RepoRef, branch: string): Promise<OpenPull[]> {
  const pulls = await gh.paginate(gh.rest.pulls.list, { ...repo, state: 'open', head: `${repo.owner}:${branch}`, per_page: 100 });
  return pulls.map((p) => ({ number: p.number, url: p.html_url, nodeId: (p as { node_id?: string }).node_id }));
}

/** Closes every open PR from `branch`, leaving a comment that says why. */
export async function closePullsFrom(gh: GitHub, repo: RepoRef, branch: string, reason: string): Promise<OpenPull[]> {
  const open = await openPullsFrom(gh, repo, branch);
  for (const p of open) {
    await gh.rest.issues.createComment({ ...repo, issue_number: p.number, body: reason });
    await gh.rest.pulls.update({ ...repo, pull_number: p.number, state: 'closed' });
  }
  return open;
}

export async function addLabels(gh: GitHub, repo: RepoRef, number: number, labels: string[]): Promise<void> {
  await gh.rest.issues.addLabels({ ...repo, issue_number: number, labels });
}

/**
 * Auto-merge (squash) once the required checks pass: GraphQL only. Returns false, with the API's
 * reason, when the repository does not allow auto-merge; the PR then waits for a person.
 */
export async function enableAutoMerge(gh: GitHub, pullNodeId: string): Promise<{ enabled: boolean; reason?: string }> {
  try {
    await gh.graphql(
      'mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: SQUASH }) { clientMutationId } }',
      { id: pullNodeId },
    );
    return { enabled: true };
  } catch (e) {
    return { enabled: false, reason: (e as Error).message };
  }
}
