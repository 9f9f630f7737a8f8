// Platform versions as pins: the versions files hold exactly what the platform models read, each
// model renders only the release line it was written for, and promotion / revert move platform
// pins dev → prod with the same refusals as app pins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW_CASE } from '../helpers/timeouts.ts';
import { environments } from '../../environments/index.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { Environment, PlatformVersions } from '../../environments/types.ts';
import { platformReleases } from '../../platform/index.ts';
import { pinnedRelease } from '../../platform/releases.ts';
import { buildEnvironment } from '../../render/build.ts';
import { PLATFORM, PLATFORM_PIN_SCHEMES, type PinGroup } from '../../render/delivery/pins.ts';
import { changesTable, planPromotion, type PromotionOptions } from '../../render/delivery/promotion.ts';
import { planRevert } from '../../render/delivery/revert.ts';
import { formatVersions, parseVersions, type PinMap } from '../../render/delivery/versions-file.ts';
import { renderError } from '../helpers/errors.ts';
import { gitRepo, type Repo } from './git-repo.ts';
import { runCommand } from '../helpers/run-command.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const text = (env: string) => readFileSync(join(ROOT, 'environments', `${env}.versions.json`), 'utf8');
const sorted = (keys: Iterable<string>) => [...keys].sort();


describe('versions files: the platform section', () => {
  it('every platform pin has exactly one model release line, and every model pin a scheme', () => {
    const pins = platformReleases.map((l) => l.pin);
    expect(new Set(pins).size).toBe(pins.length);
    expect(sorted(pins)).toEqual(sorted(Object.keys(PLATFORM_PIN_SCHEMES)));
  });

  it.each(environments.map((e) => e.name))('%s: exactly the platform keys the models need, as the environment runs them', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const pins = parseVersions(text(name), name);
    expect(sorted(Object.keys(pins[PLATFORM]!))).toEqual(sorted(platformReleases.map((l) => l.pin)));
    expect(pins[PLATFORM]).toEqual({ ...env.platform });
    expect(formatVersions(pins)).toBe(text(name));
  });

  it('every pin is inside the release line of its model, in every environment', () => {
    for (const env of environments) {
      for (const line of platformReleases) expect(pinnedRelease(line, env.platform[line.pin], env.name)).toBe(env.platform[line.pin]);
    }
  });

  it('rejects a missing or unknown platform pin, naming the field; history may predate the section', () => {
    const apps = JSON.parse(text('dev')).apps as unknown;
    const without = JSON.stringify({ apps });
    expect(renderError(() => parseVersions(without, 'dev')).describe()).toBe('environments/dev.versions.json › platform: missing (expected an object)');
    expect(parseVersions(without, 'dev', { history: true })[PLATFORM]).toBeUndefined();
    const { argocd: _, ...rest } = dev.platform;
    const missing = renderError(() => parseVersions(JSON.stringify({ apps, platform: rest }), 'dev'));
    expect(missing.where).toMatchObject({ file: 'environments/dev.versions.json', field: 'platform.argocd' });
    expect(missing.message).toBe('missing (expected a string)');
    expect(renderError(() => parseVersions(JSON.stringify({ apps, platform: { ...dev.platform, cilium: 'v1.0.0' } }), 'dev')).describe()).toMatch(/› platform\.cilium: unknown key \(known: argocd, flannel/);
    expect(renderError(() => parseVersions(JSON.stringify({ apps, platform: dev.platform, charts: {} }), 'dev')).describe()).toBe('environments/dev.versions.json › charts: unknown key (known: apps, platform)');
  });
});

describe('models render only the release line they were written for', () => {
  const withPin = (env: Environment, pin: keyof PlatformVersions, version: string): Environment => ({ ...env, platform: { ...env.platform, [pin]: version } });

  it('patch releases render, and every image tag and upstream revision follows the pin', () => {
    const bumped: Environment = { ...dev, platform: { ...dev.platform, metallb: 'v0.16.9', 'sealed-secrets': '0.36.4', 'traefik-chart': 'v41.3.2', argocd: 'v3.3.9' } };
    const objects = buildEnvironment(bumped).objects.map((o) => JSON.stringify(o.object)).join('\n');
    expect(objects).toContain('quay.io/metallb/controller:v0.16.9');
    expect(objects).toContain('quay.io/metallb/speaker:v0.16.9');
    expect(objects).toContain('docker.io/bitnami/sealed-secrets-controller:0.36.4');
    expect(objects).toMatch(/"repoURL":"https:\/\/github.com\/metallb\/metallb","targetRevision":"v0.16.9"/);
    expect(objects).toMatch(/"repoURL":"https:\/\/github.com\/bitnami-labs\/sealed-secrets","targetRevision":"v0.36.4"/);
    expect(objects).toMatch(/"repoURL":"https:\/\/github.com\/traefik\/traefik-helm-chart","targetRevision":"v41.3.2"/);
    expect(objects).toMatch(/"repoURL":"https:\/\/github.com\/argoproj\/argo-cd","targetRevision":"v3.3.9"/);
    expect(objects).not.toContain(':v0.16.1');
  });

  it.each([
    ['prod', 'metallb', 'v0.17.0'],
    ['dev', 'traefik', 'v3.8.0'],
    ['prod', 'argocd', 'v4.0.0'],
    ['dev', 'flannel', 'v0.28.8'],
    // Rendered nowhere in prod (Let's Encrypt there), still checked: it is promoted like the rest.
    ['prod', 'pebble-chart', '1.6.0'],
  ] as const)('%s: platform.%s %s is refused with env and field named', (name, pin, version) => {
    const env = name === 'dev' ? dev : prod;
    const e = renderError(() => buildEnvironment(withPin(env, pin, version)));
    expect(e.where).toMatchObject({ env: name, field: `platform.${pin}`, file: `environments/${name}.versions.json` });
    expect(e.describe()).toContain(`env ${name}`);
    expect(e.message).toMatch(/outside the releases platform\/[a-z-]+\.ts was written for/);
  });

  it('a pin spelled unlike upstream tags is refused', () => {
    expect(renderError(() => buildEnvironment(withPin(dev, 'metallb', '0.16.1'))).message).toMatch(/not spelled as upstream tags metallb releases \(v1\.2\.3\)/);
    expect(renderError(() => buildEnvironment(withPin(dev, 'sealed-secrets', 'v0.36.1'))).where.field).toBe('platform.sealed-secrets');
    expect(() => buildEnvironment(withPin(dev, 'flannel-cni-plugin', 'v1.9.2-flannel1'))).not.toThrow();
  });
});

// dev with a newer MetalLB patch and Traefik chart than prod; apps identical.
const pinsOf = (env: Environment): PinMap => parseVersions(text(env.name), env.name);
const target = pinsOf(prod);
const source: PinMap = { ...pinsOf(prod), [PLATFORM]: { ...prod.platform, metallb: 'v0.16.2', 'traefik-chart': 'v41.3.1' } };
const opts = (o: Partial<PromotionOptions> = {}): PromotionOptions => ({ from: 'dev', to: 'prod', apps: [], allowMajor: false, migrationExists: () => true, ...o });
const withPlatformPin = (pins: PinMap, pin: string, v: string): PinMap => ({ ...pins, [PLATFORM]: { ...pins[PLATFORM], [pin]: v } });

describe('promotion of platform pins', () => {
  it('moves platform pins with everything else by default', () => {
    const plan = planPromotion(source, target, opts());
    expect(plan.changes).toEqual([
      { app: 'platform', pin: 'metallb', from: 'v0.16.1', to: 'v0.16.2' },
      { app: 'platform', pin: 'traefik-chart', from: 'v41.3.0', to: 'v41.3.1' },
    ]);
    expect(plan.pins).toEqual(source);
    expect(changesTable(plan.changes)).toContain('| platform | metallb | `v0.16.1` | `v0.16.2` |');
  });

  it('selects the platform as a whole, or one platform pin', () => {
    expect(planPromotion(source, target, opts({ apps: ['platform'] })).changes.map((c) => c.pin)).toEqual(['metallb', 'traefik-chart']);
    const one = planPromotion(source, target, opts({ apps: ['platform/metallb'] }));
    expect(one.changes.map((c) => c.pin)).toEqual(['metallb']);
    expect(one.pins[PLATFORM]!['traefik-chart']).toBe('v41.3.0');
    expect(planPromotion(source, target, opts({ apps: ['platform', 'platform/metallb'] })).changes).toHaveLength(2);
    expect(planPromotion(source, target, opts({ apps: ['hello'] })).changes).toEqual([]);
  });

  it('refuses a downgrade and a skipped major, naming env, group and field', () => {
    const down = renderError(() => planPromotion(withPlatformPin(source, 'metallb', 'v0.16.0'), target, opts()));
    expect(down.message).toBe('refusing to downgrade platform metallb in prod from v0.16.1 to v0.16.0 (dev is behind prod); use --revert to roll back');
    expect(down.where).toMatchObject({ env: 'prod', component: 'platform', field: 'platform.metallb', file: 'environments/prod.versions.json' });
    const skip = withPlatformPin(source, 'argocd', 'v5.0.0');
    expect(() => planPromotion(skip, target, opts())).toThrow(/platform argocd v3\.3\.6 → v5\.0\.0 skips major version\(s\) 4–4; pass --allow-major/);
    expect(planPromotion(skip, target, opts({ allowMajor: true })).pins[PLATFORM]!.argocd).toBe('v5.0.0');
  });

  it('refuses a release the target model was not written for, before anything is written', () => {
    const check = (group: PinGroup, pin: string, version: string) => {
      const line = platformReleases.find((l) => group === PLATFORM && l.pin === pin);
      if (line) pinnedRelease(line, version, 'prod');
    };
    const e = renderError(() => planPromotion(withPlatformPin(source, 'metallb', 'v0.17.0'), target, opts({ checkPin: check })));
    expect(e.where).toMatchObject({ env: 'prod', field: 'platform.metallb' });
    expect(planPromotion(source, target, opts({ checkPin: check })).changes).toHaveLength(2);
  });

  it('refuses unknown selections: a platform pin that does not exist, one pin of an app', () => {
    expect(() => planPromotion(source, target, opts({ apps: ['platform/cilium'] }))).toThrow(/"cilium" is not a platform pin \(argocd, flannel/);
    expect(() => planPromotion(source, target, opts({ apps: ['django-web/api'] }))).toThrow(/select django-web as a whole/);
    expect(() => planPromotion(source, target, opts({ apps: ['nope'] }))).toThrow(/"nope" is not an app of this repository \(apps: .*; or platform, platform\/<pin>\)/);
    const { [PLATFORM]: _, ...noPlatform } = target;
    expect(() => planPromotion(source, noPlatform, opts({ apps: ['platform'] }))).toThrow(/prod pins no platform versions/);
  });
});

describe('revert of platform pins', () => {
  it('restores previous platform pins, all or one, without order checks', () => {
    const promoted = planPromotion(source, target, opts()).pins;
    expect(planRevert(promoted, target, 'prod', []).changes.map((c) => `${c.app} ${c.pin} ${c.to}`)).toEqual(['platform metallb v0.16.1', 'platform traefik-chart v41.3.0']);
    expect(planRevert(promoted, target, 'prod', ['platform/traefik-chart']).pins[PLATFORM]).toEqual({ ...source[PLATFORM], 'traefik-chart': 'v41.3.0' });
  });

  it('leaves the platform alone when the previous file predates its pins', () => {
    const { [PLATFORM]: _, ...history } = target;
    expect(planRevert(source, history, 'prod', []).changes).toEqual([]);
    expect(() => planRevert(source, history, 'prod', ['platform'])).toThrow(/platform had no pinned versions in prod before/);
  });
});

describe('npm run promote with platform pins', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = gitRepo({ rendered: 'fresh' });
    repo.commitAll('initial');
  }, SLOW_CASE);
  afterAll(() => repo?.remove());
  // The command's run() in this process, on the temp repository (test/delivery/e2e.test.ts runs the
  // real CLI process); its re-render and diff are subprocesses that read the edited files.
  const promote = (args: string[]) => runCommand('promote', args, { cwd: repo.dir, deps: { repoDir: repo.dir } });

  const setDevPin = (pin: string, version: string) => {
    const file = JSON.parse(repo.read('environments/dev.versions.json')) as { platform: Record<string, string> };
    file.platform[pin] = version;
    repo.write('environments/dev.versions.json', `${JSON.stringify(file, null, 2)}\n`);
  };

  it('promotes one platform pin dev → prod and re-renders prod with it', async () => {
    // The patch releases reached dev first (a merged PR): dev renders them.
    setDevPin('metallb', 'v0.16.2');
    setDevPin('traefik', 'v3.7.12');
    expect((await repo.cli(['render', '--quiet', '--env', 'dev'])).code).toBe(0);
    repo.commitAll('dev: MetalLB v0.16.2, Traefik v3.7.12');
    const r = await promote(['--from', 'dev', '--to', 'prod', 'platform/metallb']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('platform metallb: v0.16.1 → v0.16.2');
    // The semantic diff of prod: MetalLB's images and CRD revision, nothing of Traefik.
    expect(r.stdout).toMatch(/quay\.io\/metallb\/controller:v0\.16\.2/);
    expect(r.stdout).not.toMatch(/traefik:v3\.7\.12|== dev/);
    const prodPins = JSON.parse(repo.read('environments/prod.versions.json')) as { platform: Record<string, string> };
    expect(prodPins.platform).toMatchObject({ metallb: 'v0.16.2', traefik: 'v3.7.11' });
    const controller = repo.read('rendered/prod/metallb/deployment-controller.yaml');
    expect(controller).toContain('image: quay.io/metallb/controller:v0.16.2');
    expect(repo.git('status', '--porcelain', '--', 'rendered/dev')).toBe('');
  }, SLOW_CASE);

  it('refuses a release prod\'s model was not written for, leaving prod untouched', async () => {
    setDevPin('metallb', 'v0.17.0');
    const before = repo.read('environments/prod.versions.json');
    const r = await promote(['--from', 'dev', '--to', 'prod', 'platform']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/env prod › component metallb › platform\.metallb › environments\/prod\.versions\.json: metallb v0\.17\.0 is outside the releases platform\/metallb\.ts was written for/);
    expect(repo.read('environments/prod.versions.json')).toBe(before);
  }, SLOW_CASE);
});
