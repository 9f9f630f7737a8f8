// GitHub access shared by the PR comment, promotion, preview and release features.
export { createGitHubClient, gitHubClientFromEnv, retryWait, tokenLogin, assumeLogin, DEFAULT_API_URL, type GitHub, type GitHubClientOptions } from './client.ts';
export { GitHubError, explain } from './errors.ts';
export {
  upsertStickyComment, findStickyComment, stickyBody, markerLine, COMMENT_LIMIT,
  type StickyCommentTarget, type StickyCommentResult, type FoundComment,
} from './sticky-comment.ts';
export {
  findOpenPullRequest, getPullRequest, createOrUpdatePullRequest, parseRepo,
  type RepoRef, type PullRequestRef, type PullRequestSpec, type PullRequestResult,
} from './pulls.ts';
