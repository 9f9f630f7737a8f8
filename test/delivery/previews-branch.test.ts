// The `previews` branch writer against a real bare origin: it commits as the publisher, and
// refuses to build on a tip anyone else pushed (another author or committer, a file outside
// rendered/previews/pr-<n>/), so a push past the ruleset is never carried forward.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publisherIdentity, updatePreviewsBranch } from '../../render/delivery/previews-branch.ts';

let dirs: string[] = [];
let work: string;
let origin: string;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

beforeEach(() => {
  origin = tmp('previews-origin-');
  work = tmp('previews-work-');
  git(origin, 'init', '--quiet', '--bare', '-b', 'main');
  git(work, 'init', '--quiet', '-b', 'main');
  git(work, 'remote', 'add', 'origin', origin);
});
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const bot = publisherIdentity('sound-buzz-delivery');
const publish = (pr: number, files: Map<string, string> | undefined) =>
  updatePreviewsBranch({ repoDir: work, remote: 'origin', namespace: `pr-${pr}`, files, message: `preview pr-${pr}`, publisher: bot });

/** Someone else pushes a commit on top of the previews branch. */
function foreignPush(edit: (dir: string) => void, who = { name: 'Mallory', email: 'mallory@example.com' }): void {
  const clone = tmp('previews-clone-');
  git(clone, 'clone', '--quiet', '--branch', 'previews', origin, '.');
  git(clone, 'config', 'user.name', who.name);
  git(clone, 'config', 'user.email', who.email);
  git(clone, 'config', 'commit.gpgsign', 'false');
  edit(clone);
  git(clone, 'add', '-A');
  git(clone, 'commit', '--quiet', '-m', 'not the publisher');
  git(clone, 'push', '--quiet', 'origin', 'previews');
}

describe('the previews branch', () => {
  it('commits as the delivery App\'s bot account and builds on its own commits', () => {
    expect(bot).toEqual({ name: 'sound-buzz-delivery[bot]', email: 'sound-buzz-delivery[bot]@users.noreply.github.com' });
    expect(publish(1, new Map([['configmap-a.yaml', 'a: 1\n']])).action).toBe('written');
    expect(publish(2, new Map([['configmap-b.yaml', 'b: 1\n']])).action).toBe('written');
    const tip = git(origin, 'rev-parse', 'previews');
    expect(git(origin, 'show', '-s', '--format=%an <%ae> / %cn <%ce>', tip)).toBe(`${bot.name} <${bot.email}> / ${bot.name} <${bot.email}>`);
    expect(git(origin, 'ls-tree', '-r', '--name-only', tip).split('\n')).toEqual(['rendered/previews/pr-1/configmap-a.yaml', 'rendered/previews/pr-2/configmap-b.yaml']);
  });

  it('refuses a tip someone else committed, and pushes nothing', () => {
    publish(1, new Map([['configmap-a.yaml', 'a: 1\n']]));
    foreignPush((d) => writeFileSync(join(d, 'rendered/previews/pr-1/configmap-a.yaml'), 'a: 2\n'));
    const before = git(origin, 'rev-parse', 'previews');
    expect(() => publish(2, new Map([['configmap-b.yaml', 'b: 1\n']]))).toThrow(/refusing to build on previews at [0-9a-f]{12}: its author is Mallory <mallory@example\.com>, not the publisher sound-buzz-delivery\[bot\]/);
    expect(() => publish(1, undefined)).toThrow(/refusing to build on previews/);
    expect(git(origin, 'rev-parse', 'previews')).toBe(before);
  });

  it('refuses a tip that forges the identity but holds a file the publisher never writes', () => {
    publish(1, new Map([['configmap-a.yaml', 'a: 1\n']]));
    foreignPush((d) => writeFileSync(join(d, 'kustomization.yaml'), 'resources: []\n'), bot);
    expect(() => publish(2, new Map([['configmap-b.yaml', 'b: 1\n']]))).toThrow(/it holds kustomization\.yaml, which the publisher never writes/);
  });

  it('refuses a tip whose committer differs even when the author is forged', () => {
    publish(1, new Map([['configmap-a.yaml', 'a: 1\n']]));
    const clone = tmp('previews-clone-');
    git(clone, 'clone', '--quiet', '--branch', 'previews', origin, '.');
    writeFileSync(join(clone, 'rendered/previews/pr-1/configmap-a.yaml'), 'a: 3\n');
    git(clone, 'add', '-A');
    const r = spawnSync('git', ['-c', 'user.name=Mallory', '-c', 'user.email=m@example.com', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', 'x', `--author=${bot.name} <${bot.email}>`], { cwd: clone });
    expect(r.status).toBe(0);
    git(clone, 'push', '--quiet', 'origin', 'previews');
    expect(() => publish(1, undefined)).toThrow(/its committer is Mallory <m@example\.com>/);
  });

  it('refuses a slug that is not one', () => {
    expect(() => publisherIdentity('x y')).toThrow(/not a GitHub App slug/);
  });
});
