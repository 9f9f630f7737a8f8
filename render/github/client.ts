// One configured Octokit for every feature that talks to GitHub (PR comments, promotion PRs,
// previews, releases). Configured like Actions configures itself: GITHUB_TOKEN and GITHUB_API_URL
// (GitHub Enterprise sets the latter). Retries live in a request hook, so every call gets them.
import { Octokit } from '@octokit/rest';
import { GitHubError, explain, isHttpFailure, type HttpFailure } from './errors.ts';

export type GitHub = InstanceType<typeof Octokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST API root, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl?: string;
  /** Attempts after the first one, for 5xx and rate limits. */
  retries?: number;
  /** First back-off for 5xx without retry-after; doubles each attempt. */
  backoffMs?: number;
  /** Longest wait this process accepts; a longer retry-after fails with a clear message. */
  maxRetryWaitMs?: number;
  /** Injected in tests to observe waits without sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Progress messages (retries); stderr by default. */
  log?: (message: string) => void;
}

export const DEFAULT_API_URL = 'https://api.github.com';

export function createGitHubClient(options: GitHubClientOptions): GitHub {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    userAgent: 'gitops-render',
    // Octokit's own console logging would duplicate our messages.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 1000;
  const maxWait = options.maxRetryWaitMs ?? 120_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));

  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (e) {
        if (!isHttpFailure(e)) throw e;
        const wait = retryWait(e, attempt, backoff);
        if (wait === undefined) throw explain(e);
        const what = `${requestOptions.method} ${requestOptions.url}`;
        if (attempt >= retries) throw new GitHubError(`${explain(e).message} (gave up after ${retries + 1} attempts)`, e.status);
        if (wait > maxWait) {
          throw new GitHubError(`GitHub rate-limited ${what} for ${Math.ceil(wait / 1000)} s, longer than the ${Math.ceil(maxWait / 1000)} s this tool waits; try again later`, e.status);
        }
        const answer = e.response === undefined ? 'No answer from GitHub' : `GitHub answered ${e.status}`;
        log(`${answer} to ${what}; retrying in ${Math.ceil(wait / 1000)} s (attempt ${attempt + 2} of ${retries + 1})`);
        await sleep(wait);
      }
    }
  });
  return octokit;
}

/** From the environment GitHub Actions provides; a clear error when the token is missing. */
export function gitHubClientFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<GitHubClientOptions> = {}): GitHub {
  const token = overrides.token ?? env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!token) throw new GitHubError('GITHUB_TOKEN is not set: export a token that can write pull-request comments (in Actions: env: GITHUB_TOKEN: ${{ github.token }})');
  return createGitHubClient({ ...overrides, token, baseUrl: overrides.baseUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL });
}

/** How long to wait before retrying, or undefined when the failure is not worth retrying. */
export function retryWait(e: HttpFailure, attempt: number, backoffMs: number): number | undefined {
  const headers = e.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (e.status >= 500) return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs * 2 ** attempt;
  if (e.status !== 403 && e.status !== 429) return undefined;
  if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) return Math.max(0, retryAfter) * 1000;
  const message = `${e.message} ${JSON.stringify(e.response?.data ?? '')}`;
  if (/secondary rate limit/i.test(message)) return 60_000 * 2 ** attempt;
  // Primary rate limit: wait until the window resets.
  if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - Date.now()) + 1000;
  }
  if (e.status === 429) return backoffMs * 2 ** attempt;
  return undefined;
}
