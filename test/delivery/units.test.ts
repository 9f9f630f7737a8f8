// Versions files, promotion/revert/release rules, preview confinement, the ApplicationSet, and
// zero-downtime rollouts of every workload that receives releases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderError } from '../helpers/errors.ts';
import { environments } from '../../environments/index.ts';
import { preview } from '../../environments/preview.ts';
import { dev } from '../../environments/dev.ts';
import { buildEnvironment } from '../../render/build.ts';
import { PIN_SCHEMES, RELEASE_PINS } from '../../render/delivery/pins.ts';
import { planPromotion, type PromotionOptions } from '../../render/delivery/promotion.ts';
import { planRelease } from '../../render/delivery/release.ts';
import { planRevert } from '../../render/delivery/revert.ts';
import { renderPreview } from '../../render/delivery/preview.ts';
import { previewApplicationSet } from '../../render/delivery/preview-appset.ts';
import { appsOf, formatVersions, parseVersions, type PinMap } from '../../render/delivery/versions-file.ts';
import type { KubeObject } from '../../render/types.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const text = (env: string) => readFileSync(join(ROOT, 'environments', `${env}.versions.json`), 'utf8');

describe('versions files', () => {
  it.each(environments.map((e) => e.name))('%s: exactly the pins of the apps it runs, canonical form', (name) => {
    const pins = parseVersions(text(name), name);
    const env = environments.find((e) => e.name === name)!;
    // The platform section: test/delivery/platform-pins.test.ts.
    expect(appsOf(pins)).toEqual(Object.keys(env.apps).sort());
    for (const app of appsOf(pins)) expect(Object.keys(pins[app]).sort()).toEqual(Object.keys(PIN_SCHEMES[app as keyof typeof PIN_SCHEMES]).sort());
    expect(formatVersions(pins)).toBe(text(name));
  });

  it('rejects a missing or unknown pin with the field named', () => {
    const platform = JSON.parse(text('dev')).platform as unknown;
    const parse = (apps: unknown) => renderError(() => parseVersions(JSON.stringify({ apps, platform }), 'x')).describe();
    expect(parse({ hello: {} })).toBe('environments/x.versions.json › apps.hello.image: missing (expected a string)');
    expect(parse({ hello: { image: 'abc1234', tag: 'x' } })).toBe('environments/x.versions.json › apps.hello.tag: unknown key (known: image)');
    expect(parse({ nope: {} })).toBe('environments/x.versions.json › apps.nope: unknown key (known: django-web, ftps, hello, monitoring, sound-buzz, wordpress)');
    expect(parse({ hello: { image: 1.1 } })).toBe('environments/x.versions.json › apps.hello.image: expected a string, got number 1.1');
    expect(parse({ hello: { imag: 'abc1234' } })).toBe('environments/x.versions.json › apps.hello.imag: unknown key (did you mean image?)');
  });
});

const source: PinMap = {
  'django-web': { api: '1.2.0', migration: '0007_validate_voiture_annee_check', postgres: '17.6', public: '1.2.0', redis: '7.4.5' },
  hello: { image: 'aaaaaaa' },
};
const target: PinMap = {
  'django-web': { api: '1.1.0', migration: '0006_voiture_annee_check', postgres: '17.5', public: '1.1.0', redis: '7.4.4' },
  hello: { image: 'bbbbbbb' },
};
const opts = (o: Partial<PromotionOptions> = {}): PromotionOptions => ({ from: 'dev', to: 'prod', apps: [], allowMajor: false, migrationExists: () => true, ...o });
const withPin = (pins: PinMap, app: string, pin: string, v: string): PinMap => ({ ...pins, [app]: { ...pins[app], [pin]: v } });

describe('promotion rules', () => {
  it('moves every pin of the shared apps to the source', () => {
    const plan = planPromotion(source, target, opts());
    expect(plan.pins).toEqual(source);
    expect(plan.changes).toHaveLength(6);
  });
  it('refuses a downgrade (semver and migration order)', () => {
    expect(() => planPromotion(withPin(source, 'django-web', 'public', '1.0.9'), target, opts())).toThrow(/downgrade django-web public in prod from 1\.1\.0 to 1\.0\.9/);
    expect(() => planPromotion(withPin(source, 'django-web', 'migration', '0005_entretien'), target, opts())).toThrow(/downgrade django-web migration/);
    expect(() => planPromotion(withPin(source, 'django-web', 'postgres', '17.4'), target, opts())).toThrow(/downgrade django-web postgres/);
  });
  it('refuses skipping a major unless allowed', () => {
    const skip = withPin(source, 'django-web', 'api', '3.0.0');
    expect(() => planPromotion(skip, target, opts())).toThrow(/skips major version\(s\) 2–2; pass --allow-major/);
    expect(planPromotion(skip, target, opts({ allowMajor: true })).pins['django-web'].api).toBe('3.0.0');
    expect(planPromotion(withPin(source, 'django-web', 'api', '2.0.0'), target, opts()).pins['django-web'].api).toBe('2.0.0');
  });
  it('refuses a migration level not applied in the source', () => {
    expect(() => planPromotion(source, target, opts({ migrationExists: () => false }))).toThrow(/apps\/django-web\/migrations\/0007_validate_voiture_annee_check\.sql does not exist/);
    expect(() => planPromotion(source, target, opts({ committedSourcePin: () => '0006_voiture_annee_check' }))).toThrow(/not committed yet/);
  });
  it('refuses apps missing from the source or not deployed in the target', () => {
    expect(() => planPromotion({ hello: source.hello }, target, opts({ apps: ['django-web'] }))).toThrow(/does not exist in dev/);
    expect(() => planPromotion(source, { hello: target.hello }, opts({ apps: ['django-web'] }))).toThrow(/not deployed in prod/);
  });
  it('reverts to previous pins without order checks', () => {
    const r = planRevert(source, target, 'prod', ['django-web']);
    expect(r.pins['django-web']).toEqual(target['django-web']);
    expect(r.pins.hello).toEqual(source.hello);
  });
});

describe('release rules', () => {
  it('bumps every image of the app, or one with --image; only forward', () => {
    expect(planRelease(source, { app: 'django-web', version: '1.3.0', env: 'dev' }).changes.map((c) => c.pin)).toEqual(['api', 'public']);
    expect(planRelease(source, { app: 'django-web', version: '1.3.0', image: 'api', env: 'dev' }).changes.map((c) => c.pin)).toEqual(['api']);
    expect(planRelease(source, { app: 'django-web', version: '1.2.0', env: 'dev' }).changes).toEqual([]);
    expect(() => planRelease(source, { app: 'django-web', version: '1.1.0', env: 'dev' })).toThrow(/older than 1\.2\.0/);
    expect(() => planRelease(source, { app: 'django-web', version: 'v2', env: 'dev' })).toThrow(/not a semantic version/);
    expect(() => planRelease(source, { app: 'sound-buzz', version: '1.0.0', env: 'dev' })).toThrow(/does not receive image releases/);
    expect(planRelease(source, { app: 'hello', version: 'ccccccc', env: 'dev' }).pins.hello.image).toBe('ccccccc');
  });
});

describe('rolling releases', () => {
  const built = buildEnvironment(dev).objects.map((o) => o.object);
  const byKind = (kind: string, app: string) => built.filter((o) => o.kind === kind && o.metadata.namespace === app);
  for (const app of Object.keys(RELEASE_PINS)) {
    it(`${app}: every Deployment rolls without downtime`, () => {
      const deployments = byKind('Deployment', app);
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments) {
        const spec = d.spec as {
          replicas?: number; minReadySeconds?: number; selector: { matchLabels: Record<string, string> };
          strategy: { type: string; rollingUpdate?: { maxUnavailable: number } };
          template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { readinessProbe?: unknown }[] } };
        };
        const name = `${app}/${d.metadata.name}`;
        expect(spec.strategy.type, name).toBe('RollingUpdate');
        expect(spec.strategy.rollingUpdate?.maxUnavailable, name).toBe(0);
        expect(spec.minReadySeconds, name).toBeGreaterThan(0);
        for (const c of spec.template.spec.containers) expect(c.readinessProbe, name).toBeDefined();
        const hpa = byKind('HorizontalPodAutoscaler', app).find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === d.metadata.name);
        const minPods = spec.replicas ?? (hpa?.spec as { minReplicas?: number } | undefined)?.minReplicas ?? 1;
        // Only the caches of a tier (redis) may run one pod; everything released keeps ≥ 2 and a PDB.
        if (d.metadata.name === 'redis') continue;
        expect(minPods, name).toBeGreaterThanOrEqual(2);
        const pdb = byKind('PodDisruptionBudget', app).find((p) => JSON.stringify((p.spec as { selector: unknown }).selector) === JSON.stringify(spec.selector));
        expect(pdb, `${name} PDB`).toBeDefined();
        const usesConfig = JSON.stringify(spec.template.spec).includes('configMap');
        if (usesConfig) expect(Object.keys(spec.template.metadata.annotations ?? {}).some((k) => k.includes('checksum')), `${name} checksum`).toBe(true);
      }
    });
  }
});

describe('preview', () => {
  const r = renderPreview(preview, 42);
  it('confines everything to one namespace, which the platform (not the preview) provides', () => {
    expect(r.files.size).toBeGreaterThan(10);
    expect(r.objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(r.platformObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/pr-42', 'ResourceQuota/preview', 'LimitRange/preview']);
    for (const o of r.objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('pr-42');
    expect(r.objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny')).toBe(true);
    expect(JSON.stringify(r.objects)).not.toContain('Delete=false');
    expect(r.urls).toContain('https://pr-42.dev.sound-buzz.live/');
    expect(r.urls.every((u) => u.endsWith('.pr-42.dev.sound-buzz.live/') || u === 'https://pr-42.dev.sound-buzz.live/')).toBe(true);
  });
  it('uses ACME certificates through Traefik (Pebble on dev) and smaller sizes', () => {
    const routes = r.objects.filter((o) => o.kind === 'IngressRoute');
    for (const route of routes) expect((route.spec as { tls?: { certResolver?: string } }).tls?.certResolver).toBeTruthy();
    const web = r.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web') as KubeObject;
    expect((web.spec as { replicas: number }).replicas).toBe(1);
    expect(r.objects.some((o) => o.kind === 'DaemonSet')).toBe(false);
  });
  it('builds a valid ApplicationSet (PR generator, label-gated) and a confining AppProject', () => {
    const [project, appSet] = previewApplicationSet(dev, preview);
    expect(() => assertSchemaValid(project)).not.toThrow();
    expect(() => assertSchemaValid(appSet)).not.toThrow();
    const json = appSet as unknown as { spec: { generators: { pullRequest: { github: { owner: string; repo: string; labels: string[] } } }[]; template: { spec: { source: { path: string; targetRevision: string } } } } };
    expect(json.spec.generators[0].pullRequest.github).toMatchObject({ owner: 'sound-buzz', repo: 'gitops', labels: ['preview'] });
    expect(json.spec.template.spec.source).toMatchObject({ targetRevision: 'previews', path: 'rendered/previews/pr-{{.number}}' });
    const spec = (project as unknown as { spec: { clusterResourceWhitelist: unknown; namespaceResourceWhitelist: { group: string; kind: string }[]; destinations: unknown } }).spec;
    expect(spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'pr-*' }]);
    const kinds = spec.namespaceResourceWhitelist.map((k) => `${k.group}/${k.kind}`);
    // The platform's quota and limits (written by the publisher), nothing RBAC, no Namespace twice.
    expect(kinds).toEqual(expect.arrayContaining(['/ResourceQuota', '/LimitRange', 'apps/Deployment', 'bitnami.com/SealedSecret']));
    expect(kinds.filter((k) => /rbac|Namespace|Endpoints|DaemonSet/.test(k))).toEqual([]);
  });
});

describe('preview secrets', () => {
  it('takes no ciphertext from dev (it would not decrypt in pr-<n>) and marks its own cluster-wide', () => {
    const cipher = 'A'.repeat(80);
    const withSealed = structuredClone(preview);
    expect(withSealed.sealed).toBeUndefined();
    withSealed.sealed = { 'django-web/db-credentials': { scope: 'cluster-wide', encryptedData: { password: cipher, 'replication-password': cipher } } };
    const r = renderPreview(withSealed, 7);
    const sealed = r.objects.find((o) => o.kind === 'SealedSecret' && o.metadata.name === 'db-credentials') as KubeObject & {
      spec: { template: { metadata: { namespace: string; annotations: Record<string, string> } } };
    };
    expect(sealed.metadata.namespace).toBe('pr-7');
    expect(sealed.metadata.annotations?.['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(sealed.spec.template.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(sealed.spec.template.metadata.namespace).toBe('pr-7');
  });

  it("never carries the base's strict ciphertext, and refuses strict ciphertext of its own", () => {
    expect(Object.values(preview.base.sealed).some((e) => e.scope === 'strict')).toBe(true);
    expect(renderPreview(preview, 7).objects.filter((o) => o.kind === 'SealedSecret')).toEqual([]);
    const strict = { ...structuredClone(preview), sealed: { 'wordpress/mysql-credentials': { scope: 'strict' as const, encryptedData: { password: 'A'.repeat(80) } } } };
    expect(() => renderPreview(strict, 7)).toThrow(/seal wordpress\/mysql-credentials with --scope cluster-wide/);
  });
});
