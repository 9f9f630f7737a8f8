// Real Octokit against a local fake GitHub: sticky comments, pagination, retries, errors, PRs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGitHubClient, createOrUpdatePullRequest, findOpenPullRequest, gitHubClientFromEnv, upsertStickyComment, GitHubError, type GitHub,
} from '../../render/github/index.ts';
import { run as prComment, FORK_NOTICE } from '../../render/commands/pr-comment.ts';
import { addPull, startFakeGitHub, type FakeGitHub, type FakeRepo } from './fake-github.ts';

const ACTIONS = 'github-actions[bot]';

const SLUG = 'sound-buzz/gitops';
let fake: FakeGitHub;
let repo: FakeRepo;
let waits: number[];
let tmp: string;

/** The fake's default token is an installation token (like GITHUB_TOKEN): it is told its login. */
function client(overrides: { token?: string; maxRetryWaitMs?: number; login?: string | null; timeoutMs?: number } = {}): GitHub {
  const login = overrides.login === undefined ? ACTIONS : overrides.login ?? undefined;
  return createGitHubClient({
    token: overrides.token ?? fake.token, baseUrl: fake.url, backoffMs: 10, maxRetryWaitMs: overrides.maxRetryWaitMs ?? 120_000,
    sleep: async (ms) => void waits.push(ms), log: () => {}, ...(login ? { login } : {}), ...(overrides.timeoutMs ? { timeoutMs: overrides.timeoutMs } : {}),
  });
}
const target = { owner: 'sound-buzz', repo: 'gitops', issueNumber: 7, marker: 'gitops-diff' };

beforeEach(async () => {
  fake = await startFakeGitHub();
  repo = fake.addRepo(SLUG);
  addPull(repo, SLUG, { number: 7, headRef: 'feature', headSha: 'a'.repeat(40) });
  waits = [];
  tmp = mkdtempSync(join(tmpdir(), 'pr-comment-'));
});
afterEach(async () => {
  await fake.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('sticky comment', () => {
  it('creates one comment, then updates it in place; an identical body is left alone', async () => {
    const gh = client();
    const first = await upsertStickyComment(gh, target, 'diff v1');
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(gh, target, 'diff v2');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    const third = await upsertStickyComment(gh, target, 'diff v2');
    expect(third).toMatchObject({ action: 'unchanged', id: first.id });
    const ours = repo.comments.filter((c) => c.body.includes('<!-- gitops-diff -->'));
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toBe('<!-- gitops-diff -->\ndiff v2');
  });

  it('finds its marker comment on a later page of a long conversation', async () => {
    fake.maxPerPage = 5;
    for (let i = 0; i < 12; i++) repo.comments.push({ id: i + 1, body: `human comment ${i}`, user: { login: 'alice', type: 'User' }, issue: 7 });
    repo.comments.push({ id: 99, body: '<!-- gitops-diff -->\nold diff', user: { login: 'github-actions[bot]', type: 'Bot' }, issue: 7 });
    const result = await upsertStickyComment(client(), target, 'new diff');
    expect(result).toMatchObject({ action: 'updated', id: 99 });
    expect(repo.comments).toHaveLength(13);
    const pages = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments')).map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('keeps the body under GitHub\'s limit', async () => {
    const result = await upsertStickyComment(client(), target, 'x'.repeat(70_000));
    expect(result.action).toBe('created');
    expect(repo.comments[0].body.length).toBeLessThanOrEqual(65_536);
    expect(repo.comments[0].body).toContain('Cut to fit');
  });
});

describe('retries', () => {
  it('retries reads on 5xx with back-off', async () => {
    fake.fail({ match: /^GET /, status: 502, times: 2 });
    const result = await upsertStickyComment(client(), target, 'diff');
    expect(result.action).toBe('created');
    expect(waits).toEqual([10, 20]);
    expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('never repeats a POST blindly: after a 5xx it lists again, and posts again only when nothing was stored', async () => {
    fake.fail({ match: /^POST /, status: 502, times: 2 });
    const result = await upsertStickyComment(client(), target, 'diff');
    expect(result.action).toBe('created');
    expect(waits).toEqual([]);
    expect(fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 502', 'GET 200', 'POST 502', 'GET 200', 'POST 201']);
    expect(repo.comments).toHaveLength(1);
  });

  it('a POST GitHub stored but answered 502 leaves exactly one comment, adopted', async () => {
    fake.fail({ match: /^POST /, status: 502, after: true });
    const result = await upsertStickyComment(client(), target, 'diff');
    expect(result.action).toBe('created');
    expect(repo.comments).toHaveLength(1);
    expect(result.id).toBe(repo.comments[0].id);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    // The next push edits that one.
    expect(await upsertStickyComment(client(), target, 'diff 2')).toMatchObject({ action: 'updated', id: repo.comments[0].id });
  });

  it('gives up on a POST whose outcome stays unknown, with the error', async () => {
    fake.fail({ match: /^POST /, status: 503, times: 10 });
    await expect(upsertStickyComment(client(), target, 'diff')).rejects.toThrow(/GitHub answered 503 to POST/);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
  });

  it('honours retry-after on secondary rate limits (403 and 429)', async () => {
    fake.fail({ match: /^GET /, status: 403, secondary: true, retryAfter: 3 });
    fake.fail({ match: /^POST /, status: 429, retryAfter: 1 });
    const result = await upsertStickyComment(client(), target, 'diff');
    expect(result.action).toBe('created');
    expect(waits).toEqual([3000, 1000]);
  });

  it('fails clearly when retry-after exceeds the longest accepted wait', async () => {
    fake.fail({ status: 403, secondary: true, retryAfter: 600 });
    await expect(upsertStickyComment(client({ maxRetryWaitMs: 5000 }), target, 'diff')).rejects.toThrow(/rate-limited .* for 600 s, longer than the 5 s this tool waits/);
  });

  it('gives up after the retry budget with the last error', async () => {
    fake.fail({ match: /^GET /, status: 503, times: 10 });
    await expect(upsertStickyComment(client(), target, 'diff')).rejects.toThrow(/503.*gave up after 4 attempts/);
  });
});

describe('timeouts', () => {
  it('a server that never answers a read: a clear error after the retries, not a hang', async () => {
    fake.fail({ match: /^GET /, status: 200, hang: true, times: 10 });
    const err = await upsertStickyComment(client({ timeoutMs: 200 }), target, 'diff').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as Error).message).toMatch(/^GitHub did not answer GET .*\/issues\/7\/comments.* within 0\.2 s \(gave up after 4 attempts\)$/);
    expect(waits).toEqual([10, 20, 40]);
  });

  it('a create that GitHub stored but never answered: looked for, adopted, one comment', async () => {
    fake.fail({ match: /^POST /, status: 200, hang: true, after: true });
    // Long enough for the answered reads on a busy machine; only the POST hangs.
    const result = await upsertStickyComment(client({ timeoutMs: 3000 }), target, 'diff');
    expect(result.action).toBe('created');
    expect(repo.comments).toHaveLength(1);
  });
});

describe('only our own comment', () => {
  it('ignores, and never edits, a comment with the marker written by someone else', async () => {
    repo.comments.push({ id: 5, body: '<!-- gitops-diff -->\nplanted', user: { login: 'mallory', type: 'User' }, issue: 7 });
    const result = await upsertStickyComment(client(), target, 'diff');
    expect(result.action).toBe('created');
    expect(repo.comments.find((c) => c.id === 5)!.body).toBe('<!-- gitops-diff -->\nplanted');
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    expect(repo.comments.filter((c) => c.user.login === ACTIONS)).toHaveLength(1);
  });

  it('a user token asks GET /user who it is, and adopts only that user\'s comment', async () => {
    fake.tokens.set('alice-token', { login: 'alice', type: 'User', installation: false });
    repo.comments.push({ id: 6, body: '<!-- gitops-diff -->\nby the bot', user: { login: ACTIONS, type: 'Bot' }, issue: 7 });
    repo.comments.push({ id: 8, body: '<!-- gitops-diff -->\nby alice', user: { login: 'alice', type: 'User' }, issue: 7 });
    const result = await upsertStickyComment(client({ token: 'alice-token', login: null }), target, 'new');
    expect(result).toMatchObject({ action: 'updated', id: 8 });
    expect(repo.comments.find((c) => c.id === 6)!.body).toBe('<!-- gitops-diff -->\nby the bot');
    expect(fake.requests.filter((r) => r.path === '/user').map((r) => r.status)).toEqual([200]);
  });

  it('an App installation token is refused GET /user (as GitHub does): it must be told its login', async () => {
    const err = await upsertStickyComment(client({ login: null }), target, 'diff').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot tell who it is .* pass --as <app-slug>\[bot\] \(github-actions\[bot\] for GITHUB_TOKEN\)/);
    expect(repo.comments).toHaveLength(0);
  });

  it('an App installation token writes as <slug>[bot]', async () => {
    fake.tokens.set('app-token', { login: 'sound-buzz-delivery[bot]', type: 'Bot', installation: true });
    repo.comments.push({ id: 9, body: '<!-- gitops-diff -->\nby actions', user: { login: ACTIONS, type: 'Bot' }, issue: 7 });
    const first = await upsertStickyComment(client({ token: 'app-token', login: 'sound-buzz-delivery[bot]' }), target, 'x');
    const second = await upsertStickyComment(client({ token: 'app-token', login: 'sound-buzz-delivery[bot]' }), target, 'y');
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(repo.comments.find((c) => c.id === first.id)!.user.login).toBe('sound-buzz-delivery[bot]');
  });
});

describe('errors a person can act on', () => {
  it('401: bad token', async () => {
    const err = await upsertStickyComment(client({ token: 'wrong' }), target, 'diff').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(401);
    expect((err as Error).message).toMatch(/rejected the token \(401 Bad credentials\).*GITHUB_TOKEN/);
  });

  it('403: read-only token (fork PR) points to the workflow_run comment job', async () => {
    fake.readOnlyTokens.add('read-only');
    const err = await upsertStickyComment(client({ token: 'read-only' }), target, 'diff').catch((e: unknown) => e);
    expect((err as GitHubError).status).toBe(403);
    expect((err as Error).message).toMatch(/403 Resource not accessible by integration.*fork.*read-only.*pr-comment workflow/);
    expect(fake.requests.filter((r) => r.status === 403)).toHaveLength(1);
  });

  it('404: unknown repository or pull request', async () => {
    const err = await upsertStickyComment(client(), { ...target, repo: 'nope' }, 'diff').catch((e: unknown) => e);
    expect((err as GitHubError).status).toBe(404);
    expect((err as Error).message).toMatch(/found nothing at GET .*\/repos\/sound-buzz\/nope\/issues\/7\/comments.*owner\/name/);
  });

  it('reads GITHUB_TOKEN and GITHUB_API_URL, and says so when the token is missing', async () => {
    expect(() => gitHubClientFromEnv({})).toThrow(/GITHUB_TOKEN is not set/);
    const gh = gitHubClientFromEnv({ GITHUB_TOKEN: fake.token, GITHUB_API_URL: `${fake.url}/` });
    const { data } = await gh.rest.pulls.get({ owner: 'sound-buzz', repo: 'gitops', pull_number: 7 });
    expect(data.number).toBe(7);
  });
});

describe('pull requests by head branch', () => {
  it('creates, updates and leaves alone one PR per head branch', async () => {
    const gh = client();
    const spec = { owner: 'sound-buzz', repo: 'gitops', head: 'promote/prod', base: 'main', title: 'Promote to prod', body: 'v1' };
    const a = await createOrUpdatePullRequest(gh, spec);
    const b = await createOrUpdatePullRequest(gh, { ...spec, body: 'v2' });
    const c = await createOrUpdatePullRequest(gh, { ...spec, body: 'v2' });
    expect([a.action, b.action, c.action]).toEqual(['created', 'updated', 'unchanged']);
    expect(new Set([a.number, b.number, c.number]).size).toBe(1);
    expect(repo.pulls.filter((p) => p.head.ref === 'promote/prod')).toHaveLength(1);
  });

  it('a create GitHub stored but answered 502 is found again, not opened twice', async () => {
    fake.fail({ match: /^POST \/repos\/[^/]+\/[^/]+\/pulls$/, status: 502, after: true });
    const spec = { owner: 'sound-buzz', repo: 'gitops', head: 'release/hello', base: 'main', title: 'Release hello', body: 'b' };
    const r = await createOrUpdatePullRequest(client(), spec);
    expect(r.action).toBe('created');
    expect(repo.pulls.filter((p) => p.head.ref === 'release/hello')).toHaveLength(1);
    expect(fake.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
  });

  it('resolves a fork PR by head owner, branch and SHA', async () => {
    addPull(repo, SLUG, { number: 8, headRef: 'patch-1', headSha: 'b'.repeat(40), fork: 'contributor' });
    const gh = client();
    expect(await findOpenPullRequest(gh, { owner: 'sound-buzz', repo: 'gitops', headOwner: 'contributor', headBranch: 'patch-1', headSha: 'b'.repeat(40) }))
      .toMatchObject({ number: 8, fromFork: true });
    expect(await findOpenPullRequest(gh, { owner: 'sound-buzz', repo: 'gitops', headOwner: 'contributor', headBranch: 'patch-1', headSha: 'c'.repeat(40) })).toBeUndefined();
  });
});

describe('npm run pr-comment', () => {
  function diffFile(text: string): string {
    const f = join(tmp, 'comment.md');
    writeFileSync(f, text);
    return f;
  }

  it('posts by PR number and updates on the next run', async () => {
    const lines: string[] = [];
    const deps = { client: () => client(), out: (l: string) => void lines.push(l) };
    expect(await prComment(['--repo', SLUG, '--pr', '7', '--file', diffFile('first')], deps)).toBe(0);
    expect(await prComment(['--repo', SLUG, '--pr', '7', '--file', diffFile('second')], deps)).toBe(0);
    expect(lines[0]).toMatch(/^created comment/);
    expect(lines[1]).toMatch(/^updated comment/);
    expect(repo.comments).toHaveLength(1);
  });

  it('resolves a fork PR from workflow_run facts and adds the fork notice', async () => {
    addPull(repo, SLUG, { number: 9, headRef: 'main', headSha: 'd'.repeat(40), fork: 'contributor' });
    const deps = { client: () => client(), out: () => {} };
    const code = await prComment(['--repo', SLUG, '--head-owner', 'contributor', '--head-branch', 'main', '--head-sha', 'd'.repeat(40), '--file', diffFile('fork diff')], deps);
    expect(code).toBe(0);
    const c = repo.comments.find((x) => x.issue === 9)!;
    expect(c.body).toBe(`<!-- gitops-diff -->\n${FORK_NOTICE}fork diff`);
  });

  it('does nothing when the PR moved on (superseded head SHA)', async () => {
    const lines: string[] = [];
    const code = await prComment(['--repo', SLUG, '--head-branch', 'feature', '--head-sha', 'e'.repeat(40), '--file', diffFile('x')], { client: () => client(), out: (l) => void lines.push(l) });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/no open pull request/);
    expect(repo.comments).toHaveLength(0);
  });

  it('degrades to a warning with --soft-fail when the token cannot write, fails otherwise', async () => {
    fake.readOnlyTokens.add('read-only');
    const lines: string[] = [];
    const deps = { client: () => client({ token: 'read-only' }), out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
    expect(await prComment(['--repo', SLUG, '--pr', '7', '--file', diffFile('x'), '--soft-fail'], deps)).toBe(0);
    expect(lines[0]).toMatch(/^::warning title=PR comment not posted::GitHub refused/);
    expect(await prComment(['--repo', SLUG, '--pr', '7', '--file', diffFile('x')], deps)).toBe(1);
    expect(lines[1]).toMatch(/^error: GitHub refused POST/);
  });

  it('rejects bad arguments as usage errors', async () => {
    await expect(prComment(['--pr', '7', '--file', 'x'], { client: () => client() })).rejects.toThrow(/--repo/);
    await expect(prComment(['--repo', SLUG, '--file', 'x'], { client: () => client() })).rejects.toThrow(/either --pr/);
    await expect(prComment(['--repo', SLUG, '--pr', 'abc', '--file', 'x'], { client: () => client() })).rejects.toThrow(/pull request number/);
  });
});

describe('retry policy', () => {
  it('waits for the primary rate-limit window to reset, and does not retry other 4xx', async () => {
    const { retryWait } = await import('../../render/github/client.ts');
    const reset = Math.floor(Date.now() / 1000) + 30;
    const wait = retryWait({ status: 403, message: 'API rate limit exceeded', response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } } }, 0, 10);
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(32_000);
    expect(retryWait({ status: 403, message: 'Resource not accessible by integration', response: { headers: {} } }, 0, 10)).toBeUndefined();
    expect(retryWait({ status: 422, message: 'Validation Failed', response: { headers: {} } }, 0, 10)).toBeUndefined();
  });
});

describe('no answer at all', () => {
  it('says the API could not be reached (a closed port, a malformed URL), not that GitHub answered 500', async () => {
    // The fake server's port, closed: connection refused.
    const url = fake.url;
    await fake.close();
    for (const baseUrl of [url, 'not-a-url']) {
      const gh = createGitHubClient({ token: 't', baseUrl, retries: 1, backoffMs: 1, sleep: async () => {}, log: () => {} });
      const e = await gh.rest.pulls.list({ owner: 'a', repo: 'b' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GitHubError);
      expect((e as Error).message).toMatch(/^cannot reach the GitHub API for GET .*: check GITHUB_API_URL and the network/);
    }
    fake = await startFakeGitHub(); // afterEach closes it again
  });
});
