// One configured Octokit for every feature that talks to GitHub (PR comments, promotion PRs,
// previews, releases). Configured like Actions configures itself: GITHUB_TOKEN and GITHUB_API_URL
// (GitHub Enterprise sets the latter). Retries and the per-request timeout live in a request hook,
// so every call gets them. A write that may have been applied (a POST answered 5xx or not at all)
// is never repeated here: the caller checks what GitHub holds first (sticky-comment.ts).
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
  /** Longest wait for one request's answer (each attempt), default 30 s. */
  timeoutMs?: number;
  /**
   * The token's own login, when the token cannot say (an App installation token: `<slug>[bot]`;
   * GITHUB_TOKEN: `github-actions[bot]`). Otherwise asked from GET /user.
   */
  login?: string;
}

const logins = new WeakMap<object, string>();

/**
 * Who the client's token writes as: the configured login, else GitHub's answer to GET /user.
 * Installation tokens cannot ask that, so they must be told (`login`).
 */
export async function tokenLogin(gh: GitHub): Promise<string> {
  const known = logins.get(gh);
  if (known) return known;
  let login: string;
  try {
    login = (await gh.rest.users.getAuthenticated()).data.login;
  } catch (e) {
    if (e instanceof GitHubError && e.status === 403) {
      throw new GitHubError('this token cannot tell who it is (a GitHub App installation token, such as GITHUB_TOKEN, is refused GET /user): pass --as <app-slug>[bot] (github-actions[bot] for GITHUB_TOKEN)', 403);
    }
    throw e;
  }
  logins.set(gh, login);
  return login;
}

/** Tells the client who its token writes as (`--as`), so GET /user is not asked. */
export function assumeLogin(gh: GitHub, login: string): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/.test(login)) throw new GitHubError(`"${login}" is not a GitHub login (a user name, or <app-slug>[bot])`);
  logins.set(gh, login);
}

/** Thrown inside an attempt whose answer did not come in time. */
class Timeout extends Error {}

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
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (options.login) assumeLogin(octokit, options.login);

  octokit.hook.wrap('request', async (request, requestOptions) => {
    const what = `${requestOptions.method} ${requestOptions.url}`;
    // POST creates: repeating one GitHub may have applied makes a second comment or pull request.
    const repeatable = requestOptions.method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      let failure: GitHubError;
      let wait: number | undefined;
      try {
        return await withTimeout(request, requestOptions, timeoutMs);
      } catch (e) {
        if (e instanceof Timeout) {
          failure = new GitHubError(`GitHub did not answer ${what} within ${timeoutMs / 1000} s`, undefined, { outcomeUnknown: !repeatable });
          wait = repeatable ? backoff * 2 ** attempt : undefined;
        } else if (isHttpFailure(e)) {
          const unknown = e.status >= 500 || e.response === undefined;
          const explained = explain(e);
          failure = unknown && !repeatable ? new GitHubError(explained.message, explained.status, { outcomeUnknown: true }) : explained;
          wait = unknown && !repeatable ? undefined : retryWait(e, attempt, backoff);
          if (wait !== undefined && wait > maxWait) {
            throw new GitHubError(`GitHub rate-limited ${what} for ${Math.ceil(wait / 1000)} s, longer than the ${Math.ceil(maxWait / 1000)} s this tool waits; try again later`, e.status);
          }
        } else {
          throw e;
        }
      }
      if (wait === undefined) throw failure;
      if (attempt >= retries) throw new GitHubError(`${failure.message} (gave up after ${retries + 1} attempt${retries === 0 ? '' : 's'})`, failure.status, { outcomeUnknown: failure.outcomeUnknown });
      log(`${failure.message}; retrying in ${Math.ceil(wait / 1000)} s (attempt ${attempt + 2} of ${retries + 1})`);
      await sleep(wait);
    }
  });
  return octokit;
}

/**
 * One attempt, aborted (connection and body) when no complete answer came within `ms`. The signal
 * is set on the options object itself: the hooks inside this one (the token's) were bound to
 * that object and ignore a copy.
 */
async function withTimeout<O extends { request?: object }, T>(request: (o: O) => T | Promise<T>, options: O, ms: number): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  try {
    options.request = { ...options.request, signal: controller.signal };
    return await request(options);
  } catch (e) {
    if (timedOut) throw new Timeout();
    throw e;
  } finally {
    clearTimeout(timer);
  }
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
