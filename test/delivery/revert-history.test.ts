// `promote --revert` against history shaped like this repository's: the versions file was created
// with apps only, a promotion changed it, then a commit added the platform section. The revert
// must pass over the commit that only added a section, go back to the last version change, and
// name the commit of a historical file it cannot read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRevert, previousVersions } from '../../render/delivery/revert.ts';
import { parseVersions, type PinMap } from '../../render/delivery/versions-file.ts';
import { renderError } from '../helpers/errors.ts';
import { gitRepo, type Repo } from './git-repo.ts';

let repo: Repo;
const commit = (path: string, content: unknown, message: string): string => {
  repo.write(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  repo.git('add', '--', path);
  repo.git('commit', '--quiet', '-m', message);
  return repo.git('rev-parse', 'HEAD');
};
const short = (sha: string) => sha.slice(0, 12);

let current: { apps: Record<string, Record<string, string>>; platform: Record<string, string> };
let beforePromotion: string;

beforeAll(() => {
  repo = gitRepo();
  current = JSON.parse(repo.read('environments/prod.versions.json'));
  const appsAt = (version: string) => ({ ...current.apps, 'django-web': { ...current.apps['django-web']!, api: version, public: version } });
  // The shape of this repository's history: created with apps only, promoted, then platform pins added.
  beforePromotion = commit('environments/prod.versions.json', { apps: appsAt('1.0.0') }, 'Environments: version pins moved to environments/<env>.versions.json');
  commit('environments/prod.versions.json', { apps: appsAt(current.apps['django-web']!.api!) }, 'promote dev → prod');
  commit('environments/prod.versions.json', current, 'Platform versions are pins');
}, 60_000);

afterAll(() => repo?.remove());

describe('revert over a versions file whose layout changed', () => {
  it('passes over the commit that only added the platform pins and reverts the last promotion (CLI)', async () => {
    const r = await repo.cli(['promote', '--to', 'prod', '--revert', '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`revert prod to the versions of ${short(beforePromotion)}:`);
    expect(r.stdout).toContain(`django-web api: ${current.apps['django-web']!.api} → 1.0.0`);
    expect(r.stdout).toContain(`django-web public: ${current.apps['django-web']!.public} → 1.0.0`);
    expect(r.stdout).not.toMatch(/platform/);
  }, 60_000);

  it('says there is nothing earlier when no commit since the creation changed a version', () => {
    const created = commit('environments/a.versions.json', { apps: current.apps }, 'created');
    commit('environments/a.versions.json', current, 'platform section added');
    const pins = parseVersions(JSON.stringify(current), 'a');
    const differs = (earlier: PinMap) => planRevert(pins, earlier, 'a', []).changes.length > 0;
    expect(renderError(() => previousVersions(repo.dir, 'a', undefined, differs)).describe()).toBe(
      `env a › environments/a.versions.json: created by ${short(created)}, and no commit since changed a version this revert would move: nothing earlier to revert to (--ref <commit> picks a point in history)`,
    );
  });

  it('reads older layouts leniently: an app since removed and a pin since renamed are left out', () => {
    const older = commit('environments/b.versions.json', { apps: { ...current.apps, hello: { tag: 'abc1234' }, gone: { image: '1.0.0' } } }, 'older layout');
    commit('environments/b.versions.json', current, 'newer layout');
    const previous = previousVersions(repo.dir, 'b');
    expect(previous.commit).toBe(older);
    expect(previous.pins.gone).toBeUndefined();
    expect(previous.pins.hello).toEqual({ tag: 'abc1234' });
    expect(previous.pins.platform).toBeUndefined();
  });

  it('names the commit of a historical file it cannot read', () => {
    const unreadable = commit('environments/c.versions.json', { pins: { hello: '1' } }, 'a layout of long ago');
    commit('environments/c.versions.json', current, 'today');
    expect(renderError(() => previousVersions(repo.dir, 'c')).describe()).toBe(
      `environments/c.versions.json at ${short(unreadable)} › pins: unknown key (known: apps, platform) (and 1 more problem in environments/c.versions.json at ${short(unreadable)}) (this historical version cannot be read: pick another point with --ref <commit>)`,
    );
    const broken = commit('environments/d.versions.json', '{ "apps": ', 'truncated');
    commit('environments/d.versions.json', current, 'fixed');
    expect(renderError(() => previousVersions(repo.dir, 'd')).describe()).toMatch(new RegExp(`^environments/d\\.versions\\.json at ${short(broken)}: not valid JSON: .* \\(this historical version cannot be read: pick another point with --ref <commit>\\)$`));
  });
});
