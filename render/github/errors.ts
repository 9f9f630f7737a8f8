// GitHub API failures as messages a person can act on (no stack traces for expected failures).

export class GitHubError extends Error {
  readonly status: number | undefined;
  /**
   * A write that got no answer or a 5xx: GitHub may have applied it. The request is not repeated
   * blindly; the caller looks (lists again) before writing again.
   */
  readonly outcomeUnknown: boolean;
  constructor(message: string, status?: number, options: { outcomeUnknown?: boolean } = {}) {
    super(message);
    this.name = 'GitHubError';
    this.status = status;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/** Shape of @octokit/request-error's RequestError, read structurally. */
export interface HttpFailure {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

export function isHttpFailure(e: unknown): e is HttpFailure {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
}

export function explain(e: HttpFailure): GitHubError {
  const what = `${e.request?.method ?? 'request'} ${e.request?.url ?? ''}`.trim();
  // Octokit reports a request that never got an answer (refused, DNS, a malformed URL) as a
  // "500" with no response: say what really happened.
  if (e.response === undefined) {
    const cause = (e as { cause?: { code?: string; message?: string; cause?: { code?: string } } }).cause;
    const why = cause?.cause?.code ?? cause?.code ?? cause?.message ?? e.message;
    return new GitHubError(`cannot reach the GitHub API for ${what} (${why}): check GITHUB_API_URL and the network`, e.status);
  }
  const apiMessage = apiMessageOf(e);
  switch (e.status) {
    case 401:
      return new GitHubError(`GitHub rejected the token (401 ${apiMessage || 'Bad credentials'}) for ${what}: set GITHUB_TOKEN to a valid, unexpired token`, 401);
    case 403:
      return new GitHubError(
        `GitHub refused ${what} (403 ${apiMessage || 'Forbidden'}): the token lacks permission. ` +
          'In a pull_request run from a fork the token is read-only: post comments from the pr-comment workflow (workflow_run, pull-requests: write) instead; the full diff is in the run artifact.',
        403,
      );
    case 404:
      return new GitHubError(
        `GitHub found nothing at ${what} (404): check the repository (owner/name), the pull request number and GITHUB_API_URL; ` +
          'a token without access to a private repository also gets 404',
        404,
      );
    default:
      return new GitHubError(`GitHub answered ${e.status} to ${what}${apiMessage ? `: ${apiMessage}` : ''}`, e.status);
  }
}

function apiMessageOf(e: HttpFailure): string {
  const data = e.response?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    const d = data as { message: string; errors?: { message?: string }[] };
    const details = (d.errors ?? []).map((x) => x.message).filter(Boolean).join('; ');
    return details ? `${d.message}: ${details}` : d.message;
  }
  return '';
}
