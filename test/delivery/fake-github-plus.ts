// test/github/fake-github.ts, composed with what delivery also calls: a front server that answers
// GraphQL (enablePullRequestAutoMerge), POST …/labels, and adds `node_id` to pull requests; every
// other request is forwarded untouched to the shared fake.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.ts';

export interface FakeGitHubPlus {
  url: string;
  inner: FakeGitHub;
  /** Pull request node ids auto-merge was enabled for. */
  autoMerged: string[];
  close(): Promise<void>;
}

export async function startFakeGitHubPlus(): Promise<FakeGitHubPlus> {
  const inner = await startFakeGitHub();
  const plus: FakeGitHubPlus = { url: '', inner, autoMerged: [], close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url === '/graphql') {
        const body = JSON.parse(raw.toString('utf8')) as { query: string; variables: { id: string } };
        if (body.query.includes('enablePullRequestAutoMerge')) plus.autoMerged.push(body.variables.id);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { enablePullRequestAutoMerge: { clientMutationId: null } } }));
        return;
      }
      const forward = request(`${inner.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(inner.url).host } }, (up) => {
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          if (/\/pulls(\/\d+)?(\?|$)/.test(req.url ?? '') && text) {
            const add = (p: Record<string, unknown>) => (typeof p.number === 'number' ? { ...p, node_id: `PR_${p.number}` } : p);
            const data = JSON.parse(text) as unknown;
            text = JSON.stringify(Array.isArray(data) ? data.map(add) : add(data as Record<string, unknown>));
          }
          const headers = { ...up.headers };
          delete headers['content-length'];
          res.writeHead(up.statusCode ?? 500, headers);
          res.end(text);
        });
      });
      forward.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  plus.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  plus.close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await inner.close();
  };
  return plus;
}
