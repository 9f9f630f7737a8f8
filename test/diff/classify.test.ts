// Two commits with known risky changes in a real git repository; every risk class is asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareSides, readRenderedAtRef, type DiffReport, type ObjectDiff, type RenderedSide, type RiskClass } from '../../render/diff/index.ts';
import type { KubeObject } from '../../render/types.ts';
import { gitFixture, type GitFixture } from './git-fixture.ts';
import {
  application, configMap, crd, daemonSet, deployment, job, namespace, pdb, persistentVolume, pvc, secret, service, statefulSet, storageClass,
} from './objects.ts';

const facts = (env: string) => ({ strictPolicy: env === 'prod' });

function baseTree(env: string): Record<string, unknown> {
  return {
    [`${env}/db/statefulset-postgres.yaml`]: statefulSet('postgres', 'db'),
    [`${env}/db/persistentvolumeclaim-data.yaml`]: pvc('data', 'db'),
    [`${env}/db/persistentvolumeclaim-old.yaml`]: pvc('old', 'db'),
    [`${env}/db/persistentvolumeclaim-shrink.yaml`]: pvc('shrink', 'db', { size: '10Gi' }),
    [`${env}/web/deployment-web.yaml`]: deployment('web', 'web', { image: 'registry.example/web:1.0.0', annotations: { 'checksum/config': 'aaa' }, configMap: 'web-config' }),
    [`${env}/web/configmap-web-config.yaml`]: configMap('web-config', 'web', { 'app.conf': 'level=info' }),
    [`${env}/web/service-web.yaml`]: service('web', 'web', { app: 'web' }),
    [`${env}/web/serviceaccount-web.yaml`]: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'web' } },
    [`${env}/web/job-migrate.yaml`]: job('migrate', 'web', 'registry.example/migrate:1'),
    [`${env}/web/job-hook.yaml`]: job('hook', 'web', 'registry.example/migrate:1', true),
    [`${env}/api/deployment-api.yaml`]: deployment('api', 'api', { replicas: 3, maxUnavailable: 1 }),
    [`${env}/api/deployment-probe.yaml`]: deployment('probe', 'api', { replicas: 2 }),
    [`${env}/api/service-api.yaml`]: service('api', 'api', { app: 'api' }, '10.96.0.10'),
    [`${env}/storage/storageclass-nfs.yaml`]: storageClass('nfs-client', 'Retain'),
    [`${env}/legacy/namespace-legacy.yaml`]: namespace('legacy'),
    [`${env}/legacy/deployment-legacy.yaml`]: deployment('legacy', 'legacy', { replicas: 2 }),
    [`${env}/old-name/deployment-x.yaml`]: deployment('x', 'x', { replicas: 2 }),
    [`${env}/old-name/configmap-x.yaml`]: configMap('x', 'x', { a: 'b' }),
    [`${env}/crds/customresourcedefinition-things.yaml`]: crd('things', 'example.io'),
    [`${env}/argocd/application-crds-upstream.yaml`]: application('crds-upstream'),
  };
}

function headTree(env: string): Record<string, unknown> {
  const t = baseTree(env);
  t[`${env}/db/statefulset-postgres.yaml`] = statefulSet('postgres', 'db', { size: '20Gi', image: 'docker.io/library/postgres:16.4' });
  t[`${env}/db/persistentvolumeclaim-data.yaml`] = pvc('data', 'db', { storageClassName: 'nfs-fast' });
  delete t[`${env}/db/persistentvolumeclaim-old.yaml`];
  t[`${env}/db/persistentvolumeclaim-shrink.yaml`] = pvc('shrink', 'db', { size: '5Gi' });
  t[`${env}/web/deployment-web.yaml`] = deployment('web', 'web', {
    image: 'registry.example/web:1.1.0', annotations: { 'checksum/config': 'bbb' }, configMap: 'web-config', readiness: false,
  });
  t[`${env}/web/configmap-web-config.yaml`] = configMap('web-config', 'web', { 'app.conf': 'level=debug' });
  t[`${env}/web/service-web.yaml`] = service('web', 'web', { app: 'web-v2' });
  // A file move is not a change.
  delete t[`${env}/web/serviceaccount-web.yaml`];
  t[`${env}/web/sa.yaml`] = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'web' } };
  t[`${env}/web/job-migrate.yaml`] = job('migrate', 'web', 'registry.example/migrate:2');
  t[`${env}/web/job-hook.yaml`] = job('hook', 'web', 'registry.example/migrate:2', true);
  t[`${env}/api/deployment-api.yaml`] = deployment('api', 'api', { replicas: 3, maxUnavailable: 3 });
  t[`${env}/api/service-api.yaml`] = service('api', 'api', { app: 'api' }, '10.96.0.11');
  t[`${env}/storage/storageclass-nfs.yaml`] = storageClass('nfs-client', 'Delete');
  delete t[`${env}/legacy/namespace-legacy.yaml`];
  delete t[`${env}/legacy/deployment-legacy.yaml`];
  delete t[`${env}/old-name/deployment-x.yaml`];
  delete t[`${env}/old-name/configmap-x.yaml`];
  t[`${env}/new-name/deployment-x.yaml`] = deployment('x', 'x', { replicas: 2 });
  t[`${env}/new-name/configmap-x.yaml`] = configMap('x', 'x', { a: 'b' });
  delete t[`${env}/crds/customresourcedefinition-things.yaml`];
  delete t[`${env}/argocd/application-crds-upstream.yaml`];
  return t;
}

let repo: GitFixture;
let report: DiffReport;

beforeAll(() => {
  repo = gitFixture();
  const base = repo.commitRendered({ ...baseTree('prod'), ...baseTree('dev') }, 'base');
  const head = repo.commitRendered({ ...headTree('prod'), ...headTree('dev') }, 'head');
  report = compareSides(readRenderedAtRef(repo.dir, base), readRenderedAtRef(repo.dir, head), { facts });
});
afterAll(() => repo.cleanup());

function obj(env: string, id: string): ObjectDiff {
  const found = report.envs.find((e) => e.env === env)?.apps.flatMap((a) => a.objects).find((o) => o.id === id);
  if (!found) throw new Error(`${env} ${id} not in the diff`);
  return found;
}
function classes(o: ObjectDiff): RiskClass[] {
  return [...new Set(o.risks.map((r) => r.class))].sort();
}
function reasons(o: ObjectDiff, c: RiskClass): string {
  return o.risks.filter((r) => r.class === c).map((r) => r.reason).join(' | ');
}

describe('rollout-safety classification', () => {
  it('breaks sync: StatefulSet volumeClaimTemplates, PVC storage class and size decrease, Service clusterIP, Job template', () => {
    expect(reasons(obj('prod', 'StatefulSet/db/postgres'), 'breaks-sync')).toMatch(/spec\.volumeClaimTemplates is immutable/);
    expect(reasons(obj('prod', 'PersistentVolumeClaim/db/data'), 'breaks-sync')).toMatch(/spec\.storageClassName is immutable/);
    expect(reasons(obj('prod', 'PersistentVolumeClaim/db/shrink'), 'breaks-sync')).toMatch(/size decreased \(10Gi → 5Gi\)/);
    expect(reasons(obj('prod', 'Service/api/api'), 'breaks-sync')).toMatch(/spec\.clusterIP is immutable on a Service \(10\.96\.0\.10 → 10\.96\.0\.11\)/);
    expect(reasons(obj('prod', 'Job/web/migrate'), 'breaks-sync')).toMatch(/pod template is immutable/);
    // A hook recreated before each sync may change freely.
    expect(classes(obj('prod', 'Job/web/hook'))).toEqual([]);
  });

  it('breaks sync: selector changes on workloads', () => {
    const r2 = gitFixture();
    try {
      const a = r2.commitRendered({ 'prod/web/deployment-web.yaml': deployment('web', 'web', { replicas: 2 }) }, 'a');
      const b = r2.commitRendered({ 'prod/web/deployment-web.yaml': deployment('web', 'web', { replicas: 2, labels: { app: 'web', tier: 'front' } }) }, 'b');
      const rep = compareSides(readRenderedAtRef(r2.dir, a), readRenderedAtRef(r2.dir, b), { facts });
      const o = rep.envs[0].apps[0].objects[0];
      expect(reasons(o, 'breaks-sync')).toMatch(/spec\.selector is immutable on a Deployment/);
    } finally {
      r2.cleanup();
    }
  });

  it('data at risk: PVC, Namespace and CRD deleted, reclaim policy changed, Application removed, app renamed', () => {
    expect(reasons(obj('prod', 'PersistentVolumeClaim/db/old'), 'data-at-risk')).toMatch(/PersistentVolumeClaim removed.*Prune=false/);
    expect(reasons(obj('prod', 'Namespace/legacy'), 'data-at-risk')).toMatch(/Namespace removed/);
    expect(reasons(obj('prod', 'CustomResourceDefinition/things.example.io'), 'data-at-risk')).toMatch(/every custom resource/);
    expect(reasons(obj('prod', 'StorageClass/nfs-client'), 'data-at-risk')).toMatch(/reclaim policy Retain → Delete/);
    expect(reasons(obj('prod', 'Application/argocd/crds-upstream'), 'data-at-risk')).toMatch(/Application crds-upstream removed: Argo CD prunes/);
    const prod = report.envs.find((e) => e.env === 'prod')!;
    const legacy = prod.apps.find((a) => a.name === 'legacy')!;
    expect(legacy.status).toBe('removed');
    expect(legacy.risks.map((r) => r.reason).join()).toMatch(/Application legacy removed: Argo CD prunes the 2 objects/);
    const renamed = prod.apps.find((a) => a.name === 'new-name')!;
    expect(renamed.status).toBe('added');
    expect(renamed.risks[0]).toMatchObject({ class: 'data-at-risk' });
    expect(renamed.risks[0].reason).toMatch(/renamed from old-name to new-name.*deletes the 2 objects/);
    expect(obj('prod', 'Deployment/x/x').movedFrom).toBe('old-name');
    expect(prod.apps.find((a) => a.name === 'old-name')).toBeUndefined();
  });

  it('downtime risk: single replica restarted where policy is strict, maxUnavailable = replicas, readiness probe removed, Service selector matching nothing', () => {
    expect(reasons(obj('prod', 'StatefulSet/db/postgres'), 'downtime-risk')).toMatch(/single replica restarted in prod/);
    expect(reasons(obj('dev', 'StatefulSet/db/postgres'), 'downtime-risk')).toBe('');
    expect(reasons(obj('prod', 'Deployment/api/api'), 'downtime-risk')).toMatch(/maxUnavailable 3 with 3 replica\(s\) lets every pod be down/);
    expect(reasons(obj('prod', 'Deployment/web/web'), 'downtime-risk')).toMatch(/readiness probe removed from container web/);
    expect(reasons(obj('prod', 'Service/web/web'), 'downtime-risk')).toMatch(/new selector app=web-v2 matches no pod template/);
  });

  it('restarts: pod template changes with image from → to and ConfigMaps feeding a checksum annotation', () => {
    const web = reasons(obj('prod', 'Deployment/web/web'), 'restarts');
    expect(web).toMatch(/web: registry\.example\/web 1\.0\.0 → 1\.1\.0/);
    expect(web).toMatch(/ConfigMap\/web\/web-config changed \(checksum annotation\)/);
    expect(obj('prod', 'StatefulSet/db/postgres').images).toEqual([{ container: 'postgres', from: 'docker.io/library/postgres:16.3', to: 'docker.io/library/postgres:16.4' }]);
    expect(classes(obj('dev', 'Deployment/web/web'))).toEqual(['downtime-risk', 'restarts']);
  });

  it('identifies objects by kind/namespace/name: a moved file is not a change', () => {
    const all = report.envs.flatMap((e) => e.apps.flatMap((a) => a.objects.map((o) => o.id)));
    expect(all).not.toContain('ServiceAccount/web/web');
    expect(all).not.toContain('Deployment/api/probe');
  });

  it('summarises per environment and per kind', () => {
    expect(report.byKind.prod.PersistentVolumeClaim).toEqual({ added: 0, removed: 1, changed: 2 });
    expect(report.byKind.prod.Namespace).toEqual({ added: 0, removed: 1, changed: 0 });
    expect(report.totals.removed).toBe(2 * 5);
    expect(report.riskCounts['breaks-sync']).toBeGreaterThan(0);
  });
});

describe('replicas owned by a HorizontalPodAutoscaler', () => {
  it('uses the autoscaler minimum instead of the default of 1', () => {
    const r = gitFixture();
    try {
      const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 } };
      const dep = (image: string) => {
        const d = deployment('web', 'web', { image });
        delete (d.spec as Record<string, unknown>).replicas;
        return d;
      };
      const a = r.commitRendered({ 'prod/web/deployment-web.yaml': dep('registry.example/web:1'), 'prod/web/hpa-web.yaml': hpa }, 'a');
      const b = r.commitRendered({ 'prod/web/deployment-web.yaml': dep('registry.example/web:2'), 'prod/web/hpa-web.yaml': hpa }, 'b');
      const o = compareSides(readRenderedAtRef(r.dir, a), readRenderedAtRef(r.dir, b), { facts }).envs[0].apps[0].objects[0];
      expect(classes(o)).toEqual(['restarts']);
    } finally {
      r.cleanup();
    }
  });
});

/** Two in-memory sides: `env/app/file` → object. */
function side(label: string, tree: Record<string, KubeObject>): RenderedSide {
  return {
    label, hasRendered: true,
    objects: Object.entries(tree).map(([path, object]) => {
      const [env, component] = path.split('/');
      return { env, component, path: path.slice(env.length + 1), object };
    }),
  };
}
function review(base: Record<string, KubeObject>, head: Record<string, KubeObject>): (id: string) => ObjectDiff {
  const rep = compareSides(side('base', base), side('head', head), { facts });
  return (id) => {
    const found = rep.envs.flatMap((e) => e.apps.flatMap((a) => a.objects)).find((o) => o.id === id);
    if (!found) throw new Error(`${id} not in the diff`);
    return found;
  };
}
function edit(o: KubeObject, f: (spec: Record<string, any>) => void): KubeObject {
  const copy = structuredClone(o);
  f(copy.spec as Record<string, any>);
  return copy;
}

describe('immutable fields of StatefulSets and DaemonSets', () => {
  it('StatefulSet selector, serviceName and podManagementPolicy break sync', () => {
    const o = review(
      { 'dev/db/a.yaml': statefulSet('a', 'db'), 'dev/db/b.yaml': statefulSet('b', 'db'), 'dev/db/c.yaml': statefulSet('c', 'db') },
      {
        'dev/db/a.yaml': statefulSet('a', 'db', { labels: { app: 'a', tier: 'db' } }),
        'dev/db/b.yaml': statefulSet('b', 'db', { serviceName: 'b-headless' }),
        'dev/db/c.yaml': statefulSet('c', 'db', { podManagementPolicy: 'Parallel' }),
      },
    );
    expect(reasons(o('StatefulSet/db/a'), 'breaks-sync')).toMatch(/spec\.selector is immutable on a StatefulSet/);
    expect(reasons(o('StatefulSet/db/b'), 'breaks-sync')).toMatch(/spec\.serviceName is immutable on a StatefulSet/);
    expect(reasons(o('StatefulSet/db/c'), 'breaks-sync')).toMatch(/spec\.podManagementPolicy is immutable on a StatefulSet/);
  });

  it('DaemonSet selector breaks sync', () => {
    const o = review({ 'dev/agent/ds.yaml': daemonSet('agent', 'agent') }, { 'dev/agent/ds.yaml': daemonSet('agent', 'agent', { labels: { app: 'agent', v: '2' } }) });
    expect(reasons(o('DaemonSet/agent/agent'), 'breaks-sync')).toMatch(/spec\.selector is immutable on a DaemonSet/);
  });
});

describe('data at risk beyond the fixture repository', () => {
  it('a StatefulSet deleted and a PersistentVolume reclaim policy changed', () => {
    const o = review(
      { 'dev/db/sts.yaml': statefulSet('postgres', 'db'), 'dev/db/other.yaml': configMap('x', 'db', { a: 'b' }), 'dev/storage/pv.yaml': persistentVolume('music', 'Retain') },
      { 'dev/db/other.yaml': configMap('x', 'db', { a: 'c' }), 'dev/storage/pv.yaml': persistentVolume('music', 'Delete') },
    );
    expect(reasons(o('StatefulSet/db/postgres'), 'data-at-risk')).toMatch(/StatefulSet removed: its pods stop.*Prune=false/);
    expect(reasons(o('PersistentVolume/music'), 'data-at-risk')).toMatch(/reclaim policy Retain → Delete/);
  });
});

describe('downtime risk', () => {
  it('a Service selector that only the new pods match', () => {
    const before = deployment('web', 'web', { replicas: 2, labels: { app: 'web' } });
    const after = edit(before, (s) => { s.template.metadata.labels = { app: 'web', track: 'v2' }; });
    const o = review(
      { 'dev/web/d.yaml': before, 'dev/web/s.yaml': service('web', 'web', { app: 'web' }) },
      { 'dev/web/d.yaml': after, 'dev/web/s.yaml': service('web', 'web', { app: 'web', track: 'v2' }) },
    );
    expect(reasons(o('Service/web/web'), 'downtime-risk')).toMatch(/new selector app=web,track=v2 matches none of the pods running before the rollout/);
  });

  it('maxUnavailable as a percentage: 100% lets every pod be down, 50% does not', () => {
    const o = review(
      { 'dev/a/all.yaml': deployment('all', 'a', { replicas: 3, maxUnavailable: 0, maxSurge: 1 }), 'dev/a/half.yaml': deployment('half', 'a', { replicas: 4, maxUnavailable: '25%' }) },
      { 'dev/a/all.yaml': deployment('all', 'a', { replicas: 3, maxUnavailable: '100%', maxSurge: 1 }), 'dev/a/half.yaml': deployment('half', 'a', { replicas: 4, maxUnavailable: '50%' }) },
    );
    expect(reasons(o('Deployment/a/all'), 'downtime-risk')).toMatch(/maxUnavailable 100% with 3 replica\(s\) lets every pod be down/);
    expect(reasons(o('Deployment/a/half'), 'downtime-risk')).toBe('');
  });

  it('adding a strategy block without touching the pod template is reviewed (parent path spec.strategy)', () => {
    const base = deployment('api', 'api', { replicas: 4 });
    const all = edit(base, (s) => { s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 4 } }; });
    const two = deployment('two', 'api', { replicas: 2 });
    const twoAfter = edit(two, (s) => { s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }; });
    const o = review({ 'dev/api/d.yaml': base, 'dev/api/t.yaml': two }, { 'dev/api/d.yaml': all, 'dev/api/t.yaml': twoAfter });
    expect(o('Deployment/api/api').fields.map((f) => f.path)).toEqual(['spec.strategy']);
    expect(reasons(o('Deployment/api/api'), 'downtime-risk')).toMatch(/maxUnavailable 4 with 4 replica\(s\) lets every pod be down/);
    // The default (25% of 2, rounded down) kept both pods serving; 1 does not.
    expect(reasons(o('Deployment/api/two'), 'downtime-risk')).toMatch(/maxUnavailable 25% → 1: each rollout may now take 1 of 2 pod\(s\) out of service/);
  });
});

describe('zero-downtime guarantees of released workloads (every environment)', () => {
  const safe = (image: string) => deployment('public', 'django-web', {
    replicas: 2, image, maxUnavailable: 0, maxSurge: 1, minReadySeconds: 10,
    annotations: { 'checksum.gitops/config': 'aaa' }, configMap: 'settings',
  });
  const budget = pdb('public', 'django-web', { app: 'public' }, { minAvailable: 1 });

  it('the audit\'s release: image bump, maxUnavailable 0 → 1, minReadySeconds removed, PDB deleted — in dev', () => {
    const head = edit(safe('registry.example/public:1.3.0'), (s) => {
      s.strategy.rollingUpdate.maxUnavailable = 1;
      delete s.minReadySeconds;
    });
    const o = review(
      { 'dev/django-web/d.yaml': safe('registry.example/public:1.2.0'), 'dev/django-web/pdb.yaml': budget },
      { 'dev/django-web/d.yaml': head },
    );
    const d = o('Deployment/django-web/public');
    expect(classes(d)).toEqual(['downtime-risk', 'restarts']);
    const why = reasons(d, 'downtime-risk');
    expect(why).toMatch(/maxUnavailable 0 → 1: each rollout may now take 1 of 2 pod\(s\) out of service before their replacements are ready/);
    expect(why).toMatch(/minReadySeconds 10 → 0: a new pod counts as available the moment it first reports ready/);
    expect(reasons(o('PodDisruptionBudget/django-web/public'), 'downtime-risk')).toMatch(/PodDisruptionBudget public removed, so nothing protects Deployment\/public \(2 replica\(s\)\) any more: a node drain/);
  });

  it('a release that keeps every guarantee only restarts', () => {
    const o = review(
      { 'dev/django-web/d.yaml': safe('registry.example/public:1.2.0'), 'dev/django-web/pdb.yaml': budget },
      { 'dev/django-web/d.yaml': safe('registry.example/public:1.3.0'), 'dev/django-web/pdb.yaml': budget },
    );
    expect(classes(o('Deployment/django-web/public'))).toEqual(['restarts']);
  });

  it('strategy switched to Recreate', () => {
    const o = review({ 'dev/django-web/d.yaml': safe('x:1') }, { 'dev/django-web/d.yaml': edit(safe('x:1'), (s) => { s.strategy = { type: 'Recreate' }; }) });
    expect(reasons(o('Deployment/django-web/public'), 'downtime-risk')).toMatch(/strategy changed to Recreate: every pod stops before the new ones start/);
  });

  it('a DaemonSet that surged now takes nodes\' pods down', () => {
    const o = review({ 'dev/agent/ds.yaml': daemonSet('agent', 'agent', { maxUnavailable: 0, maxSurge: 1 }) }, { 'dev/agent/ds.yaml': daemonSet('agent', 'agent', { maxUnavailable: 1 }) });
    expect(reasons(o('DaemonSet/agent/agent'), 'downtime-risk')).toMatch(/maxUnavailable 0 → 1: each rollout may now take pods out of service/);
  });

  it('the config checksum annotation removed from the pod template', () => {
    const o = review({ 'dev/django-web/d.yaml': safe('x:1') }, { 'dev/django-web/d.yaml': edit(safe('x:1'), (s) => { delete s.template.metadata.annotations; }) });
    expect(reasons(o('Deployment/django-web/public'), 'downtime-risk')).toMatch(/config checksum annotation checksum\.gitops\/config removed from the pod template: a changed ConfigMap or Secret no longer rolls the pods/);
  });

  it('a changed ConfigMap behind the repository\'s own checksum annotation is named', () => {
    const after = edit(safe('x:1'), (s) => { s.template.metadata.annotations = { 'checksum.gitops/config': 'bbb' }; });
    const o = review(
      { 'dev/django-web/d.yaml': safe('x:1'), 'dev/django-web/cm.yaml': configMap('settings', 'django-web', { a: '1' }) },
      { 'dev/django-web/d.yaml': after, 'dev/django-web/cm.yaml': configMap('settings', 'django-web', { a: '2' }) },
    );
    expect(reasons(o('Deployment/django-web/public'), 'restarts')).toMatch(/ConfigMap\/django-web\/settings changed \(checksum annotation\)/);
  });

  it('a PodDisruptionBudget loosened or no longer selecting the workload', () => {
    const o = review(
      {
        'dev/django-web/d.yaml': safe('x:1'), 'dev/django-web/pdb.yaml': budget,
        'dev/api/d.yaml': deployment('api', 'api', { replicas: 3 }), 'dev/api/pdb.yaml': pdb('api', 'api', { app: 'api' }, { maxUnavailable: 1 }),
        'dev/w/d.yaml': deployment('w', 'w', { replicas: 2 }), 'dev/w/pdb.yaml': pdb('w', 'w', { app: 'w' }, { minAvailable: 1 }),
      },
      {
        'dev/django-web/d.yaml': safe('x:1'), 'dev/django-web/pdb.yaml': pdb('public', 'django-web', { app: 'public' }, { minAvailable: 0 }),
        'dev/api/d.yaml': deployment('api', 'api', { replicas: 3 }), 'dev/api/pdb.yaml': pdb('api', 'api', { app: 'api' }, { maxUnavailable: '100%' }),
        'dev/w/d.yaml': deployment('w', 'w', { replicas: 2 }), 'dev/w/pdb.yaml': pdb('w', 'w', { app: 'w-old' }, { minAvailable: 1 }),
      },
    );
    expect(reasons(o('PodDisruptionBudget/django-web/public'), 'downtime-risk')).toMatch(/loosened \(minAvailable 1 → minAvailable 0\): drains may now evict 2 of Deployment\/public's 2 pod\(s\) at once, i\.e\. all of them \(was 1\)/);
    expect(reasons(o('PodDisruptionBudget/api/api'), 'downtime-risk')).toMatch(/maxUnavailable 1 → maxUnavailable 100%\): drains may now evict 3 of Deployment\/api's 3/);
    expect(reasons(o('PodDisruptionBudget/w/w'), 'downtime-risk')).toMatch(/PodDisruptionBudget w no longer selects Deployment\/w/);
  });

  it('a PodDisruptionBudget removed together with its workload is not a downtime risk', () => {
    const o = review(
      { 'dev/django-web/d.yaml': safe('x:1'), 'dev/django-web/pdb.yaml': budget, 'dev/django-web/cm.yaml': configMap('keep', 'django-web', { a: '1' }) },
      { 'dev/django-web/cm.yaml': configMap('keep', 'django-web', { a: '2' }) },
    );
    expect(classes(o('PodDisruptionBudget/django-web/public'))).toEqual([]);
  });
});

describe('the audit on the committed dev render', () => {
  it('django-web public: image bump, maxUnavailable 0 → 1, minReadySeconds removed, PDB deleted', () => {
    const root = join(import.meta.dirname, '..', '..', 'rendered', 'dev', 'django-web');
    const read = (f: string) => parse(readFileSync(join(root, f), 'utf8')) as KubeObject;
    const before = read('deployment-public.yaml');
    const after = edit(before, (s) => {
      s.template.spec.containers[0].image = `${String(s.template.spec.containers[0].image).replace(/:[^:]+$/, '')}:9.9.9`;
      s.strategy.rollingUpdate.maxUnavailable = 1;
      delete s.minReadySeconds;
    });
    const hpa = read('horizontalpodautoscaler-public.yaml');
    const o = review(
      { 'dev/django-web/d.yaml': before, 'dev/django-web/pdb.yaml': read('poddisruptionbudget-public.yaml'), 'dev/django-web/hpa.yaml': hpa },
      { 'dev/django-web/d.yaml': after, 'dev/django-web/hpa.yaml': hpa },
    );
    const d = o('Deployment/django-web/public');
    expect(classes(d)).toEqual(['downtime-risk', 'restarts']);
    expect(d.risks.filter((r) => r.class === 'downtime-risk').map((r) => r.field)).toEqual(['spec.strategy.rollingUpdate.maxUnavailable', 'spec.minReadySeconds']);
    expect(classes(o('PodDisruptionBudget/django-web/public'))).toEqual(['downtime-risk']);
  });
});
