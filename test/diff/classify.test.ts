// Two commits with known risky changes in a real git repository; every risk class is asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSides, readRenderedAtRef, type DiffReport, type ObjectDiff, type RiskClass } from '../../render/diff/index.ts';
import { gitFixture, type GitFixture } from './git-fixture.ts';
import {
  application, configMap, crd, deployment, job, namespace, pvc, secret, service, statefulSet, storageClass,
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
