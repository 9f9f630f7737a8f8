// Redaction, empty diffs, bases older than the pipeline, environments added/removed, the CLI.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compareSides, formatJson, formatMarkdown, formatText, readRenderedAtRef,
} from '../../render/diff/index.ts';
import { run } from '../../render/commands/diff.ts';
import { UsageError } from '../../render/commands/args.ts';
import { gitFixture, type GitFixture } from './git-fixture.ts';
import { configMap, deployment, secret } from './objects.ts';

const facts = () => ({ strictPolicy: false });
const repos: GitFixture[] = [];
function repo(): GitFixture {
  const r = gitFixture();
  repos.push(r);
  return r;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function diffOf(r: GitFixture, a: string, b: string) {
  return compareSides(readRenderedAtRef(r.dir, a), readRenderedAtRef(r.dir, b), { facts });
}

describe('redaction', () => {
  // Obviously fake placeholder values: the test checks they never reach any output.
  const OLD = Buffer.from('fake-old-password').toString('base64');
  const NEW = Buffer.from('fake-new-password').toString('base64');
  const everything = (r: ReturnType<typeof diffOf>) => formatText(r) + formatMarkdown(r) + formatJson(r);

  it('shows which Secret keys changed, never the values', () => {
    const r = repo();
    const a = r.commitRendered({ 'dev/web/secret-db.yaml': secret('db', 'web', { password: OLD, user: 'dXNlcg==' }) }, 'a');
    const b = r.commitRendered({ 'dev/web/secret-db.yaml': secret('db', 'web', { password: NEW, user: 'dXNlcg==', apikey: NEW }) }, 'b');
    const report = diffOf(r, a, b);
    const o = report.envs[0].apps[0].objects[0];
    expect(o.redactedKeys).toEqual(['data.apikey', 'data.password']);
    const out = everything(report);
    for (const leak of [OLD, NEW, 'fake-old-password', 'fake-new-password', 'dXNlcg==']) expect(out).not.toContain(leak);
    expect(formatMarkdown(report)).toContain('secret keys changed (values redacted): `data.apikey`, `data.password`');
  });

  it('redacts added and removed Secrets, SealedSecret encryptedData and credential-like env values', () => {
    const r = repo();
    const sealed = (v: string) => ({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's', namespace: 'web' }, spec: { encryptedData: { token: v } } });
    const a = r.commitRendered({
      'dev/web/secret-gone.yaml': secret('gone', 'web', { password: OLD }),
      'dev/web/sealedsecret-s.yaml': sealed('AgBfakeCipherOld'),
      'dev/web/deployment-web.yaml': deployment('web', 'web', { env: [{ name: 'API_TOKEN', value: 'fake-token-1' }, { name: 'LOG_LEVEL', value: 'info' }] }),
    }, 'a');
    const b = r.commitRendered({
      'dev/web/secret-new.yaml': secret('new', 'web', { password: NEW }),
      'dev/web/sealedsecret-s.yaml': sealed('AgBfakeCipherNew'),
      'dev/web/deployment-web.yaml': deployment('web', 'web', { env: [{ name: 'API_TOKEN', value: 'fake-token-2' }, { name: 'LOG_LEVEL', value: 'debug' }] }),
    }, 'b');
    const report = diffOf(r, a, b);
    const out = everything(report);
    for (const leak of [OLD, NEW, 'AgBfakeCipherOld', 'AgBfakeCipherNew', 'fake-token-1', 'fake-token-2']) expect(out).not.toContain(leak);
    // Non-secret env values are still shown.
    expect(out).toContain('debug');
    const ids = Object.fromEntries(report.envs[0].apps[0].objects.map((o) => [o.id, o]));
    expect(ids['SealedSecret/web/s'].redactedKeys).toEqual(['spec.encryptedData.token']);
    expect(ids['Deployment/web/web'].redactedKeys).toEqual(['spec.template.spec.containers[web].env[API_TOKEN].value']);
    expect(ids['Secret/web/gone'].action).toBe('removed');
    expect(ids['Secret/web/new'].hunks).toContain('password: <redacted>');
  });
});

describe('edge cases', () => {
  it('says "no changes in rendered manifests" when only sources changed', () => {
    const r = repo();
    const a = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }) }, 'a');
    const b = r.commitFiles({ 'README.md': 'docs only\n' }, 'b');
    const report = diffOf(r, a, b);
    expect(report.envs).toEqual([]);
    expect(formatText(report)).toContain('No changes in rendered manifests.');
    expect(formatMarkdown(report)).toContain('**No changes in rendered manifests.**');
  });

  it('treats a base without rendered/ as everything added', () => {
    const r = repo();
    const a = r.commitFiles({ 'README.md': 'before the render pipeline\n' }, 'a');
    const b = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }), 'prod/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }) }, 'b');
    const report = diffOf(r, a, b);
    expect(report.baseWithoutRendered).toBe(true);
    expect(report.totals).toEqual({ added: 2, removed: 0, changed: 0 });
    expect(report.envs.map((e) => [e.env, e.status])).toEqual([['dev', 'added'], ['prod', 'added']]);
    expect(formatMarkdown(report)).toContain('predates the render pipeline');
  });

  it('reports an environment added and one removed', () => {
    const r = repo();
    const a = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }), 'staging/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }) }, 'a');
    const b = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }), 'prod/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }) }, 'b');
    const report = diffOf(r, a, b);
    expect(report.envs.map((e) => [e.env, e.status])).toEqual([['prod', 'added'], ['staging', 'removed']]);
    const staging = report.envs[1];
    expect(staging.apps[0].status).toBe('removed');
    expect(staging.apps[0].risks[0].reason).toMatch(/Application web removed: Argo CD prunes the 1 object it manages/);
    expect(formatMarkdown(report)).toMatch(/\| staging \(removed\) \| 1 \| 0 \| 1 \| 0 \|/);
  });

  it('shows a field-level diff and YAML hunks for a changed object', () => {
    const r = repo();
    const a = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'v', keep: 'x' }) }, 'a');
    const b = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'w', keep: 'x' }) }, 'b');
    const o = diffOf(r, a, b).envs[0].apps[0].objects[0];
    expect(o.fields).toEqual([{ path: 'data.k', before: 'v', after: 'w' }]);
    expect(o.hunks).toContain('-  k: v\n+  k: w');
    expect(o.hunks).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/);
  });

  it('rejects an unknown ref with a usage error', () => {
    const r = repo();
    r.commitFiles({ 'README.md': 'x\n' }, 'a');
    expect(() => readRenderedAtRef(r.dir, 'no-such-ref')).toThrow(UsageError);
  });
});

describe('npm run diff', () => {
  it('writes every format to --out-dir and the requested one to --output', async () => {
    const r = repo();
    const a = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'v' }) }, 'a');
    const b = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { k: 'w' }) }, 'b');
    const out = mkdtempSync(join(tmpdir(), 'diff-out-'));
    try {
      const code = await run(['--base', a, '--head', b, '--repo-dir', r.dir, '--format', 'json', '--output', join(out, 'x.json'), '--out-dir', join(out, 'all'), '--full-diff-url', 'https://example.invalid/run/1']);
      expect(code).toBe(0);
      const json = JSON.parse(readFileSync(join(out, 'x.json'), 'utf8'));
      expect(json.totals).toEqual({ added: 0, removed: 0, changed: 1 });
      expect(readFileSync(join(out, 'all', 'comment.md'), 'utf8')).toContain('https://example.invalid/run/1');
      expect(readFileSync(join(out, 'all', 'diff.txt'), 'utf8')).toContain('ConfigMap/web/a changed');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('needs --base and a known --format', async () => {
    await expect(run([])).rejects.toThrow(/--base/);
    await expect(run(['--base', 'HEAD', '--format', 'html'])).rejects.toThrow(/--format/);
  });
});

describe('pull request previews', () => {
  it('are not an environment: rendered/previews/ never shows in the diff', () => {
    const r = repo();
    const a = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { x: '1' }) }, 'a');
    const b = r.commitRendered({ 'dev/web/configmap-a.yaml': configMap('a', 'web', { x: '1' }), 'previews/pr-1/configmap-a.yaml': configMap('a', 'pr-1', { x: '1' }) }, 'b');
    expect(diffOf(r, a, b).envs).toEqual([]);
  });
});
