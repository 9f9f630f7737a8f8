// The Argo CD model: the app-of-apps, waves, sync policy and the upstream sources.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { buildEnvironment } from '../../render/build.ts';

type App = {
  metadata: { name: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec: {
    project: string;
    source: { repoURL: string; targetRevision: string; path?: string; chart?: string; kustomize?: { patches?: { patch: string }[] } };
    destination: { namespace: string };
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; retry: { limit: number; backoff: object }; syncOptions?: string[] };
    ignoreDifferences?: unknown[];
  };
};

function applications(env: typeof dev): Map<string, App> {
  const built = buildEnvironment(env);
  return new Map(
    built.objects.filter((o) => o.object.kind === 'Application').map((o) => [o.object.metadata.name, o.object as unknown as App]),
  );
}
const wave = (a: App | undefined): number => Number(a?.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

describe('Argo CD', () => {
  for (const env of [dev, prod]) {
    const apps = applications(env);
    const built = buildEnvironment(env);

    it(`${env.name}: one Application per component, reading rendered/${env.name}/<component> from this repository`, () => {
      for (const c of built.components.filter((c) => c.name !== 'argocd')) {
        const app = apps.get(c.name);
        expect(app?.spec.source).toEqual({ repoURL: env.gitops.repoURL, targetRevision: env.gitops.targetRevision, path: `rendered/${env.name}/${c.name}` });
        expect(app?.spec.destination.namespace).toBe(c.namespace);
        expect(app?.spec.project).toBe(c.layer === 'app' ? 'apps' : 'platform');
        expect(wave(app)).toBe(c.syncWave);
      }
      expect(apps.get('root')?.spec.source.path).toBe(`rendered/${env.name}/argocd`);
      expect(apps.get('root')?.metadata.finalizers).toBeUndefined();
    });

    it(`${env.name}: every Application syncs automatically with self-heal and retries with backoff`, () => {
      for (const app of apps.values()) {
        expect(app.spec.syncPolicy.automated.selfHeal, app.metadata.name).toBe(true);
        expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
        expect(app.spec.syncPolicy.retry.backoff).toMatchObject({ duration: '10s', factor: 2 });
      }
    });

    it(`${env.name}: CRDs come from upstream at pinned tags, one wave before their component, never pruned`, () => {
      const crds = [...apps.values()].filter((a) => a.metadata.name.endsWith('-crds'));
      expect(crds.map((a) => a.metadata.name).sort()).toEqual(['metallb-crds', 'sealed-secrets-crds', 'traefik-crds', 'velero-crds']);
      for (const a of crds) {
        expect(a.spec.source.repoURL).toMatch(/^https:\/\/github\.com\//);
        expect(a.spec.source.targetRevision).toMatch(/^v\d+\.\d+\.\d+$/);
        expect(a.spec.syncPolicy.automated.prune).toBe(false);
        expect(wave(a)).toBe(wave(apps.get(a.metadata.name.replace(/-crds$/, ''))) - 1);
      }
      // Traefik's and MetalLB's CRDs overflow the last-applied annotation of a client-side apply.
      for (const big of ['metallb-crds', 'traefik-crds', 'velero-crds']) expect(apps.get(big)?.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
      expect(apps.get('metallb-crds')?.spec.ignoreDifferences).toEqual([
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', jsonPointers: ['/spec/conversion/webhook/clientConfig/caBundle'] },
      ]);
    });

    it(`${env.name}: Argo CD itself comes from its release, minus the settings this repository owns`, () => {
      const install = apps.get('argocd-install');
      expect(install?.spec.source).toMatchObject({ repoURL: 'https://github.com/argoproj/argo-cd', targetRevision: env.platform.argocd, path: 'manifests/cluster-install' });
      const deleted = install?.spec.source.kustomize?.patches?.filter((p) => p.patch.startsWith('$patch: delete')).map((p) => /name: (\S+)/.exec(p.patch)?.[1]).sort();
      expect(deleted).toEqual(['argocd-cm', 'argocd-cmd-params-cm', 'argocd-rbac-cm']);
      for (const name of deleted ?? []) expect(built.objects.some((o) => o.object.kind === 'ConfigMap' && o.object.metadata.name === name)).toBe(true);
      expect(wave(install)).toBeLessThan(Math.min(...built.components.filter((c) => c.name !== 'argocd').map((c) => c.syncWave)));
    });

    it(`${env.name}: settings sync first, and a change of the start-up parameters rolls Argo CD`, () => {
      const settings = built.objects.filter((o) => o.object.kind === 'ConfigMap' && o.component === 'argocd');
      expect(settings.map((o) => o.object.metadata.name).sort()).toEqual(['argocd-cm', 'argocd-cmd-params-cm', 'argocd-rbac-cm']);
      for (const { object } of settings) expect(Number(object.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeLessThanOrEqual(wave(apps.get('argocd-install')));
      const params = settings.find((o) => o.object.metadata.name === 'argocd-cmd-params-cm')!.object as unknown as { data: Record<string, string> };
      const sum = createHash('sha256').update(JSON.stringify(Object.fromEntries(Object.entries(params.data).sort()))).digest('hex');
      const patches = apps.get('argocd-install')?.spec.source.kustomize?.patches?.map((p) => p.patch) ?? [];
      for (const name of ['argocd-server', 'argocd-repo-server', 'argocd-application-controller']) {
        expect(patches.find((p) => p.includes(`name: ${name}\n`) && p.includes('checksum/argocd-cmd-params-cm'))).toContain(sum);
      }
    });

    it(`${env.name}: the UI route waits for the platform (its CRD comes with Traefik)`, () => {
      const route = built.objects.find((o) => o.object.kind === 'IngressRoute' && o.object.metadata.name === 'argocd-server')!.object;
      const platformWaves = built.components.filter((c) => c.layer === 'platform').map((c) => c.syncWave);
      expect(Number(route.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(Math.max(...platformWaves));
      expect(route.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
    });
  }

  it('renders the pull request preview ApplicationSet only on the cluster that hosts previews', () => {
    const kinds = (env: typeof dev) => buildEnvironment(env).objects.filter((o) => o.object.kind === 'ApplicationSet').map((o) => o.object.metadata.name);
    expect(kinds(dev)).toEqual(['previews']);
    expect(kinds(prod)).toEqual([]);
  });
});
