// A local HTTP server that answers like GitHub's REST API for the endpoints our features use:
// issue comments, pull requests, commits→pulls, GET /user. Real status codes and bodies, `Link`
// pagination, x-ratelimit-* headers, and injectable faults (5xx, secondary rate limits with
// retry-after, 401/403/404, a request applied but answered with an error, no answer at all).
// Each token has an identity: comments are written by it, and GET /user answers as GitHub does —
// the user for a user token, 403 for an App installation token (GITHUB_TOKEN is one).
// Tests drive real Octokit against it; nothing is stubbed.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  issue: number;
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  draft: boolean;
  head: { ref: string; sha: string; repo: string; owner: string };
  base: { ref: string };
}

export interface FakeRepo {
  comments: FakeComment[];
  pulls: FakePull[];
}

export interface Fault {
  /** Only requests whose `METHOD /path` matches (default: any). */
  match?: RegExp;
  status: number;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /** Send the secondary-rate-limit message GitHub uses. */
  secondary?: boolean;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Apply the request first (store the comment…), then answer with the fault: the client cannot tell. */
  after?: boolean;
  /** Never answer (the connection stays open until the client gives up). */
  hang?: boolean;
}

/** Who a token acts as: a user, or a GitHub App installation (`<slug>[bot]`, which GET /user refuses). */
export interface FakeIdentity {
  login: string;
  type: 'User' | 'Bot';
  installation: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeGitHub {
  /** Base URL to pass as GITHUB_API_URL. */
  url: string;
  token: string;
  repos: Map<string, FakeRepo>;
  requests: RecordedRequest[];
  /** Tokens that can read but not write (a fork PR's pull_request token). */
  readOnlyTokens: Set<string>;
  /** Extra tokens that can write, each with its identity. */
  tokens: Map<string, FakeIdentity>;
  /** The identity of `token` (default: github-actions[bot], an installation token like GITHUB_TOKEN). */
  identity: FakeIdentity;
  /** Largest per_page honoured (GitHub: 100); lower it to force pagination in tests. */
  maxPerPage: number;
  addRepo(slug: string): FakeRepo;
  fail(fault: Fault): void;
  close(): Promise<void>;
}

export const ACTIONS_BOT: FakeIdentity = { login: 'github-actions[bot]', type: 'Bot', installation: true };
const DATE = '2026-01-01T00:00:00Z';

export async function startFakeGitHub(options: { token?: string } = {}): Promise<FakeGitHub> {
  const faults: Fault[] = [];
  let nextId = 1000;
  let remaining = 5000;
  const fake: FakeGitHub = {
    url: '',
    token: options.token ?? 'test-token',
    repos: new Map(),
    requests: [],
    readOnlyTokens: new Set(),
    tokens: new Map(),
    identity: ACTIONS_BOT,
    maxPerPage: 100,
    addRepo(slug) {
      const repo: FakeRepo = { comments: [], pulls: [] };
      fake.repos.set(slug, repo);
      return repo;
    },
    fail(fault) {
      faults.push({ times: 1, ...fault });
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Hung requests keep their connections open: end them, or close would wait forever.
      server.closeAllConnections();
    }),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let status = 500;
      try {
        status = handle(req, res, raw);
      } catch (e) {
        status = send(res, 500, { message: `fake GitHub bug: ${(e as Error).message}` });
      }
      const u = new URL(req.url ?? '/', fake.url);
      fake.requests.push({ method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), status });
    });
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
    remaining = Math.max(0, remaining - 1);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-reset': '1893456000',
      'x-ratelimit-resource': 'core',
      ...headers,
    });
    res.end(status === 204 ? undefined : JSON.stringify(body));
    return status;
  }

  function page<T>(res: ServerResponse, u: URL, items: T[], toJson: (t: T) => unknown): number {
    const perPage = Math.min(Number(u.searchParams.get('per_page') ?? 30), fake.maxPerPage);
    const pageNo = Math.max(1, Number(u.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const l = new URL(u.href);
      l.searchParams.set('page', String(p));
      return l.href;
    };
    const rels: string[] = [];
    if (pageNo < last) rels.push(`<${link(pageNo + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (pageNo > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(pageNo - 1)}>; rel="prev"`);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage).map(toJson);
    return send(res, 200, slice, rels.length ? { link: rels.join(', ') } : {});
  }

  function commentJson(slug: string, c: FakeComment) {
    return {
      id: c.id, node_id: `IC_${c.id}`, body: c.body, user: c.user,
      url: `${fake.url}/repos/${slug}/issues/comments/${c.id}`,
      html_url: `https://github.example/${slug}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${fake.url}/repos/${slug}/issues/${c.issue}`,
      created_at: DATE, updated_at: DATE, author_association: 'NONE',
    };
  }

  function pullJson(slug: string, p: FakePull) {
    return {
      id: p.number + 500000, number: p.number, state: p.state, title: p.title, body: p.body, draft: p.draft,
      html_url: `https://github.example/${slug}/pull/${p.number}`,
      url: `${fake.url}/repos/${slug}/pulls/${p.number}`,
      head: { ref: p.head.ref, sha: p.head.sha, label: `${p.head.owner}:${p.head.ref}`, repo: { full_name: p.head.repo } },
      base: { ref: p.base.ref, label: `${slug.split('/')[0]}:${p.base.ref}`, repo: { full_name: slug } },
    };
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): number {
    const method = req.method ?? 'GET';
    const u = new URL(req.url ?? '/', fake.url);
    const route = `${method} ${u.pathname}`;
    const fault = faults.find((f) => (f.times ?? 0) > 0 && (!f.match || f.match.test(route)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      // Applied but unanswered or answered with an error: run the request against a response that goes nowhere.
      if (fault.after) handleRequest(req, { writeHead: () => undefined, end: () => undefined } as unknown as ServerResponse, raw, u);
      if (fault.hang) return 0;
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      const message = fault.secondary
        ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
        : fault.status >= 500 ? 'Server Error' : fault.status === 404 ? 'Not Found' : fault.status === 401 ? 'Bad credentials' : 'Forbidden';
      return send(res, fault.status, { message, documentation_url: 'https://docs.github.com/rest', status: String(fault.status) }, headers);
    }

    return handleRequest(req, res, raw, u);
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse, raw: string, u: URL): number {
    const method = req.method ?? 'GET';
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^(token|bearer)\s+/i, '');
    const who = token === fake.token ? fake.identity : fake.tokens.get(token) ?? (fake.readOnlyTokens.has(token) ? ACTIONS_BOT : undefined);
    if (!who) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    if (u.pathname === '/user' && method === 'GET') {
      // An installation token is not a user: GitHub refuses it here.
      if (who.installation) return send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' });
      return send(res, 200, { login: who.login, id: 4242, type: who.type, html_url: `https://github.example/${who.login}` });
    }

    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(u.pathname);
    const slug = m ? `${m[1]}/${m[2]}` : '';
    const repo = fake.repos.get(slug);
    if (!m || !repo) return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const rest = m[3];
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const writes = method !== 'GET' && method !== 'HEAD';
    if (writes && fake.readOnlyTokens.has(token)) {
      return send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' });
    }

    let r: RegExpExecArray | null;
    if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(r[1]);
      if (!repo.pulls.some((p) => p.number === issue)) return send(res, 404, { message: 'Not Found', status: '404' });
      if (method === 'GET') return page(res, u, repo.comments.filter((c) => c.issue === issue), (c) => commentJson(slug, c));
      if (method === 'POST') {
        const text = String(body.body ?? '');
        if (text.length > 65536) return tooLong(res);
        const c: FakeComment = { id: nextId++, body: text, user: { login: who.login, type: who.type }, issue };
        repo.comments.push(c);
        return send(res, 201, commentJson(slug, c));
      }
    }
    if ((r = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const c = repo.comments.find((x) => x.id === Number(r![1]));
      if (!c) return send(res, 404, { message: 'Not Found', status: '404' });
      if (method === 'PATCH') {
        const text = String(body.body ?? '');
        if (text.length > 65536) return tooLong(res);
        c.body = text;
        return send(res, 200, commentJson(slug, c));
      }
      if (method === 'GET') return send(res, 200, commentJson(slug, c));
    }
    if (rest === '/pulls') {
      if (method === 'GET') {
        const state = u.searchParams.get('state') ?? 'open';
        const head = u.searchParams.get('head');
        const base = u.searchParams.get('base');
        const items = repo.pulls.filter((p) => (state === 'all' || p.state === state) && (!head || `${p.head.owner}:${p.head.ref}` === head) && (!base || p.base.ref === base));
        return page(res, u, items, (p) => pullJson(slug, p));
      }
      if (method === 'POST') {
        const headRef = String(body.head ?? '');
        if (!headRef || !body.base || !body.title) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'missing_field' }] });
        if (repo.pulls.some((p) => p.state === 'open' && p.head.ref === headRef && p.base.ref === body.base)) {
          return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${slug.split('/')[0]}:${headRef}.` }] });
        }
        const p: FakePull = {
          number: repo.pulls.length + 1, title: String(body.title), body: String(body.body ?? ''), state: 'open', draft: body.draft === true,
          head: { ref: headRef, sha: 'f'.repeat(40), repo: slug, owner: slug.split('/')[0] }, base: { ref: String(body.base) },
        };
        repo.pulls.push(p);
        return send(res, 201, pullJson(slug, p));
      }
    }
    if ((r = /^\/pulls\/(\d+)$/.exec(rest))) {
      const p = repo.pulls.find((x) => x.number === Number(r![1]));
      if (!p) return send(res, 404, { message: 'Not Found', status: '404' });
      if (method === 'GET') return send(res, 200, pullJson(slug, p));
      if (method === 'PATCH') {
        if (typeof body.title === 'string') p.title = body.title;
        if (typeof body.body === 'string') p.body = body.body;
        if (typeof body.base === 'string') p.base.ref = body.base;
        if (body.state === 'open' || body.state === 'closed') p.state = body.state;
        return send(res, 200, pullJson(slug, p));
      }
    }
    if ((r = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(rest)) && method === 'GET') {
      const sha = r[1];
      return page(res, u, repo.pulls.filter((p) => p.head.sha === sha && p.head.repo === slug), (p) => pullJson(slug, p));
    }
    return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  }

  function tooLong(res: ServerResponse): number {
    return send(res, 422, {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
      status: '422',
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A pull request in a fake repo (same-repo head unless `fork` names the fork owner). */
export function addPull(repo: FakeRepo, slug: string, p: { number: number; headRef: string; headSha: string; baseRef?: string; fork?: string }): FakePull {
  const pull: FakePull = {
    number: p.number, title: `PR ${p.number}`, body: '', state: 'open', draft: false,
    head: { ref: p.headRef, sha: p.headSha, repo: p.fork ? `${p.fork}/${slug.split('/')[1]}` : slug, owner: p.fork ?? slug.split('/')[0] },
    base: { ref: p.baseRef ?? 'main' },
  };
  repo.pulls.push(pull);
  return pull;
}
