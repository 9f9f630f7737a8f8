// Promotion, revert, release and preview end to end: the commands in a temp git repository with a
// bare origin, against the local GitHub-compatible server. One run of each command goes through the
// real CLI process (exit code, streams, environment variables); the others run the command's
// `run()` in this process, pointed at the temp repository, so the models load once per file and
// not once per run. Re-renders and diffs inside the commands are subprocesses either way.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.ts';
import { SLOW_CASE } from '../helpers/timeouts.ts';
import { startFakeGitHubPlus, type FakeGitHubPlus } from './fake-github-plus.ts';
import { gitRepo, type Repo } from './git-repo.ts';

const SLUG = 'sound-buzz/gitops';
let gh: FakeGitHubPlus;
let repo: Repo;
let env: Record<string, string>;

const prodPins = () => JSON.parse(repo.read('environments/prod.versions.json')) as { apps: Record<string, Record<string, string>> };
const pulls = () => gh.inner.repos.get(SLUG)!.pulls;
/** `repo.cli` without the process: the command's run() with the temp repository as its repoDir. */
const cmd = ([command, ...args]: string[], vars: Record<string, string> = {}) =>
  runCommand(command, args, { cwd: repo.dir, deps: { repoDir: repo.dir }, env: vars });
/** Back to the committed state (what CI's fresh checkout sees). */
const reset = () => {
  repo.git('checkout', '--quiet', '--', 'environments', 'rendered');
  repo.git('clean', '-fdq', '--', 'environments', 'rendered');
};

beforeAll(async () => {
  gh = await startFakeGitHubPlus();
  gh.inner.addRepo(SLUG);
  // main as CI checks it out: the sources and their rendered/ (one render shared by the suite).
  repo = gitRepo({ rendered: 'fresh' });
  env = { GITHUB_TOKEN: gh.inner.token, GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: SLUG };
  repo.commitAll('initial');
}, SLOW_CASE);

afterAll(async () => {
  await gh?.close();
  repo?.remove();
});

describe('promote', () => {
  it('opens one promotion PR, updates it in place, and closes it when nothing is left', async () => {
    const first = await repo.cli(['promote', '--from', 'dev', '--to', 'prod', '--open-pr', 'django-web'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('django-web public: 1.1.0 → 1.2.0');
    expect(first.stdout).toMatch(/created https:\/\/github\.example\/sound-buzz\/gitops\/pull\/1/);
    expect(pulls()).toHaveLength(1);
    const pr = pulls()[0];
    expect(pr.head.ref).toBe('promote/prod');
    expect(pr.base.ref).toBe('main');
    expect(pr.body).toContain('| django-web | public | `1.1.0` | `1.2.0` |');
    // The semantic diff of the target, from render/diff.
    expect(pr.body).toMatch(/garage-public:1\.1\.0.*garage-public:1\.2\.0|1\.1\.0 → .*1\.2\.0/s);
    const branchSha = repo.git('ls-remote', repo.origin, 'refs/heads/promote/prod').split(/\s/)[0];
    expect(repo.git('show', `${branchSha}:environments/prod.versions.json`)).toContain('"public": "1.2.0"');
    expect(repo.git('show', `--stat`, '--format=', branchSha)).toContain('rendered/prod/django-web/');

    // Re-run from a clean checkout of main: same commit (deterministic), same PR.
    reset();
    const again = await cmd(['promote', '--from', 'dev', '--to', 'prod', '--open-pr', 'django-web'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged https:\/\/github\.example\/sound-buzz\/gitops\/pull\/1/);
    expect(repo.git('ls-remote', repo.origin, 'refs/heads/promote/prod').split(/\s/)[0]).toBe(branchSha);

    // More to promote: the same PR is updated, not a second one opened.
    reset();
    const wider = await cmd(['promote', '--from', 'dev', '--to', 'prod', '--open-pr', 'django-web', 'sound-buzz'], env);
    expect(wider.code).toBe(0);
    expect(wider.stdout).toMatch(/updated .*pull\/1/);
    expect(pulls()).toHaveLength(1);
    expect(pulls()[0].body).toContain('| sound-buzz | navidrome | `0.57.0` | `0.58.0` |');

    // The PR is merged (main now holds the promoted pins): nothing left, the PR is closed.
    repo.git('fetch', '--quiet', 'origin', 'promote/prod');
    reset();
    repo.git('merge', '--quiet', '--ff-only', 'FETCH_HEAD');
    const done = await cmd(['promote', '--from', 'dev', '--to', 'prod', '--open-pr', 'django-web', 'sound-buzz'], env);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('nothing to change');
    expect(done.stdout).toContain('closed 1 promotion pull request(s) of prod');
    expect(pulls()[0].state).toBe('closed');
    expect(gh.inner.repos.get(SLUG)!.comments.at(-1)?.body).toContain('Nothing left to promote');
    expect(repo.git('ls-remote', repo.origin, 'refs/heads/promote/prod')).toBe('');
  }, SLOW_CASE);

  it('reverts the target to the versions before its last promotion, as a PR', async () => {
    expect(prodPins().apps['django-web'].public).toBe('1.2.0');
    const r = await cmd(['promote', '--to', 'prod', '--revert', '--open-pr'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('django-web public: 1.2.0 → 1.1.0');
    expect(r.stdout).toContain('sound-buzz navidrome: 0.58.0 → 0.57.0');
    const open = pulls().filter((p) => p.state === 'open');
    expect(open).toHaveLength(1);
    expect(open[0].title).toMatch(/^Roll back prod/);
    expect(prodPins().apps['django-web'].migration).toBe('0006_voiture_annee_check');
    reset();
  }, SLOW_CASE);

  it('refuses a downgrade, an unknown app and a migration level dev has not committed', async () => {
    const unknown = await repo.cli(['promote', '--to', 'prod', '--dry-run', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"nope" is not an app of this repository');

    const dev = JSON.parse(repo.read('environments/dev.versions.json')) as { apps: Record<string, Record<string, string>> };
    dev.apps['django-web'].public = '1.0.0';
    repo.write('environments/dev.versions.json', `${JSON.stringify(dev, null, 2)}\n`);
    const down = await cmd(['promote', '--to', 'prod', 'django-web']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('refusing to downgrade django-web public in prod from 1.2.0 to 1.0.0');
    reset();
  }, SLOW_CASE);
});

describe('release', () => {
  it('bumps dev, re-renders, opens an auto-merge PR; refuses an older version', async () => {
    const old = await cmd(['release', '--app', 'django-web', '--version', '1.1.5']);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('1.1.5 is older than 1.2.0');
    const bad = await cmd(['release', '--app', 'django-web', '--version', 'latest']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a semantic version');

    const r = await repo.cli(['release', '--app', 'django-web', '--version', '1.3.0', '--open-pr'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('django-web public: 1.2.0 → 1.3.0');
    expect(r.stdout).toContain('auto-merge enabled');
    const pr = pulls().find((p) => p.head.ref === 'release/django-web')!;
    expect(pr.title).toBe('Release django-web 1.3.0 to dev');
    expect(gh.autoMerged).toContain(`PR_${pr.number}`);
    const sha = repo.git('ls-remote', repo.origin, 'refs/heads/release/django-web').split(/\s/)[0];
    const deployment = repo.git('show', `${sha}:rendered/dev/django-web/deployment-public.yaml`);
    expect(deployment).toContain('image: ghcr.io/sound-buzz/garage-public:1.3.0');
    expect(JSON.parse(repo.git('show', `${sha}:environments/dev.versions.json`)).apps['django-web'].api).toBe('1.3.0');
    reset();
  }, SLOW_CASE);

  it('takes the tag of an image this repository built (images.yml → release.yml): one pin moves', async () => {
    const r = await cmd(['release', '--image-tag', 'images/garage-api/v1.2.1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('django-web api: 1.2.0 → 1.2.1');
    expect(r.stdout).not.toContain('django-web public:');
    expect(JSON.parse(repo.read('environments/dev.versions.json')).apps['django-web']).toMatchObject({ api: '1.2.1', public: '1.2.0' });
    expect(repo.read('rendered/dev/django-web/deployment-api.yaml')).toContain('image: ghcr.io/sound-buzz/garage-api:1.2.1');
    reset();
  }, SLOW_CASE);
});

describe('preview', () => {
  it('renders a PR preview, publishes it to the previews branch, comments, and removes it', async () => {
    // The publisher runs with the delivery App's installation token: its bot account writes.
    gh.inner.identity = { login: 'sound-buzz-delivery[bot]', type: 'Bot', installation: true };
    const as = ['--publisher', 'sound-buzz-delivery'];
    const num = pulls().length + 1;
    gh.inner.repos.get(SLUG)!.pulls.push({
      number: num, title: 'a change', body: '', state: 'open', draft: false,
      head: { ref: 'feature', sha: 'a'.repeat(40), repo: SLUG, owner: 'sound-buzz' }, base: { ref: 'main' },
    });
    const out = join(repo.dir, 'preview-output');
    const r = await cmd(['preview', '--pr', String(num), '--out', out]);
    expect(r.code).toBe(0);
    // The preview holds no Namespace: the publisher adds the platform's.
    expect(readdirSync(out).filter((f) => f.startsWith('namespace-'))).toEqual([]);
    // The real CLI: the default folder is the rendered/ of the checkout the CLI runs from.
    const def = await repo.cli(['preview', '--pr', String(num)]);
    expect(def.code).toBe(0);
    expect(repo.read(`rendered/previews/pr-${num}/networkpolicy-default-deny.yaml`)).toContain(`namespace: pr-${num}`);

    const pub = await cmd(['preview', '--pr', String(num), '--publish', out, '--comment', ...as], env);
    expect(pub.stderr).toBe('');
    expect(pub.code).toBe(0);
    const tree = repo.git('ls-tree', '-r', '--name-only', repo.git('ls-remote', repo.origin, 'refs/heads/previews').split(/\s/)[0]);
    expect(tree).toContain(`rendered/previews/pr-${num}/namespace-pr-${num}.yaml`);
    expect(tree).toContain(`rendered/previews/pr-${num}/resourcequota-preview.yaml`);
    const comment = gh.inner.repos.get(SLUG)!.comments.find((c) => c.issue === num)!;
    expect(comment.body).toContain('<!-- gitops-preview -->');
    expect(comment.body).toContain(`https://pr-${num}.dev.sound-buzz.live/`);

    // Publishing the same folder again changes nothing; the comment stays one comment.
    const again = await cmd(['preview', '--pr', String(num), '--publish', out, '--comment', ...as], env);
    expect(again.stdout).toContain('unchanged');

    const rm = await cmd(['preview', '--pr', String(num), '--remove', '--comment', ...as], env);
    expect(rm.code).toBe(0);
    const after = repo.git('ls-tree', '-r', '--name-only', repo.git('ls-remote', repo.origin, 'refs/heads/previews').split(/\s/)[0]);
    expect(after).not.toContain(`pr-${num}/`);
    const comments = gh.inner.repos.get(SLUG)!.comments.filter((c) => c.issue === num);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('was removed');
    expect(comments[0].user.login).toBe('sound-buzz-delivery[bot]');
  }, SLOW_CASE);

  it('refuses to publish a folder that reaches outside its namespace', async () => {
    const out = join(repo.dir, 'preview-output');
    repo.write('preview-output/clusterrolebinding-x.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: x\n');
    const r = await cmd(['preview', '--pr', '99', '--publish', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ClusterRoleBinding is not allowed in a preview');
  }, SLOW_CASE);
});
