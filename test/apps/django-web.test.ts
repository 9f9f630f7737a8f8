import { describe, expect, it } from 'vitest';
import { built, find, ofKind, podSpec } from './helpers.ts';
import { buildEnvironment } from '../../render/build.ts';
import { RenderError } from '../../render/types.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';

const C = 'django-web';
const roleOf = (peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'];

describe('django-web', () => {
  it('admits to the primary only public, api, the backup job, the replica and the migration job, on 5432', () => {
    for (const env of ['dev', 'prod'] as const) {
      const np = find(env, C, 'NetworkPolicy', 'db');
      expect(np.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('db');
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      // The second rule: Prometheus scraping the postgres_exporter sidecar (test below).
      expect(np.spec.ingress).toHaveLength(2);
      const rule = np.spec.ingress[0];
      expect(rule.from.every((p: any) => p.namespaceSelector === undefined)).toBe(true);
      expect(rule.from.map(roleOf).sort()).toEqual(['api', 'backup', 'db-replica', 'migrate', 'public']);
      expect(rule.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
      expect(np.spec.egress).toEqual([]);
    }
  });

  it('admits to the read replica only public and api; the replica reaches only the primary', () => {
    const np = find('prod', C, 'NetworkPolicy', 'db-replica');
    expect(np.spec.ingress[0].from.map(roleOf).sort()).toEqual(['api', 'public']);
    expect(np.spec.egress.map((r: any) => r.to.map(roleOf)).flat()).toEqual(['db']);
  });

  it('lets the web tiers in from Traefik only, and out to the databases and the cache only', () => {
    for (const role of ['public', 'api']) {
      const np = find('dev', C, 'NetworkPolicy', role);
      expect(np.spec.ingress).toEqual([
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
      ]);
      expect(np.spec.egress.map((r: any) => r.to.map(roleOf)).flat().sort()).toEqual(['db', 'db-replica', 'redis']);
    }
  });

  it('autoscales public and api on 60% CPU between the replica count and the maximum', () => {
    for (const [env, min, max] of [['dev', 2, 4], ['prod', 3, 10]] as const) {
      for (const role of ['public', 'api']) {
        const hpa = find(env, C, 'HorizontalPodAutoscaler', role);
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: role });
        expect(hpa.spec.minReplicas).toBe(min);
        expect(hpa.spec.maxReplicas).toBe(max);
        expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } });
        // The HPA owns the count: the Deployment must not fight it.
        expect(find(env, C, 'Deployment', role).spec.replicas).toBeUndefined();
        expect(find(env, C, 'PodDisruptionBudget', role).spec.maxUnavailable).toBe(1);
      }
    }
  });

  it('sizes the web containers as the exercise requires and probes them over HTTP', () => {
    for (const [role, path] of [['public', '/'], ['api', '/api/']] as const) {
      const d = find('prod', C, 'Deployment', role);
      const c = podSpec(d).containers[0];
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } });
      expect(c.readinessProbe.httpGet).toEqual({ path, port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path, port: 'http' });
      expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      expect(d.spec.minReadySeconds).toBeGreaterThan(0);
      expect(find('prod', C, 'Service', role).spec.type).toBe('ClusterIP');
    }
  });

  it('reads DB settings from the ConfigMap and the password from a Secret reference; config changes roll the pods', () => {
    const d = find('dev', C, 'Deployment', 'api');
    const c = podSpec(d).containers[0];
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'db-settings' } }]);
    expect(c.env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } });
    expect(d.spec.template.metadata.annotations['checksum.gitops/config']).toMatch(/^[0-9a-f]{64}$/);
    const cm = find('dev', C, 'ConfigMap', 'db-settings');
    expect(cm.data.POSTGRES_HOST).toBe('db');
    expect(cm.data.DJANGO_DEBUG).toBe('False');
    expect(cm.data.DJANGO_ALLOWED_HOSTS).toBe(`django.${dev.domain}`);
    // dev and prod differ in host, hence in content, hence in checksum.
    const prodSum = find('prod', C, 'Deployment', 'api').spec.template.metadata.annotations['checksum.gitops/config'];
    expect(prodSum).not.toBe(d.spec.template.metadata.annotations['checksum.gitops/config']);
  });

  it('routes / to public and /api to api on the environment host', () => {
    for (const env of [dev, prod]) {
      const name = env.name as 'dev' | 'prod';
      expect(find(name, C, 'IngressRoute', 'public').spec.routes[0].match).toBe(`Host(\`django.${env.domain}\`)`);
      expect(find(name, C, 'IngressRoute', 'api').spec.routes[0].match).toBe(`Host(\`django.${env.domain}\`) && PathPrefix(\`/api\`)`);
    }
  });

  it('runs PostgreSQL as a StatefulSet with a 100Mi claim template, headless Service and pg_isready probes', () => {
    for (const role of ['db', 'db-replica']) {
      const sts = find('prod', C, 'StatefulSet', role);
      expect(sts.spec.replicas).toBe(1);
      expect(sts.spec.serviceName).toBe(role);
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Mi');
      expect(sts.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
      const c = podSpec(sts).containers[0];
      expect(c.image).toBe('postgres:17.5');
      expect(c.readinessProbe.exec.command.slice(0, 1)).toEqual(['pg_isready']);
      expect(c.livenessProbe.exec.command).toContain('garage');
      expect(c.env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } });
      expect(find('prod', C, 'Service', role).spec.clusterIP).toBe('None');
    }
    expect(podSpec(find('dev', C, 'StatefulSet', 'db')).containers[0].image).toBe('postgres:17.6');
  });

  it('clones the replica from the primary with pg_basebackup, and creates the replication role on the primary', () => {
    const replica = podSpec(find('dev', C, 'StatefulSet', 'db-replica'));
    expect(replica.initContainers[0].command.join(' ')).toContain('pg_basebackup');
    expect(replica.initContainers[0].env).toContainEqual({ name: 'PRIMARY_HOST', value: 'db' });
    const init = find('dev', C, 'ConfigMap', 'db-init');
    expect(init.data['10-replication.sh']).toContain("PASSWORD :'pw'");
    expect(init.data['10-replication.sh']).toContain('host replication replicator');
  });

  it('backs the database up with pg_dump to its own claim, keeping the configured number of dumps', () => {
    for (const [env, keep, size] of [['dev', '3', '256Mi'], ['prod', '14', '2Gi']] as const) {
      const cj = find(env, C, 'CronJob', 'db-backup');
      expect(cj.spec.concurrencyPolicy).toBe('Forbid');
      const c = podSpec(cj).containers[0];
      expect(c.command.join(' ')).toContain('pg_dump');
      expect(c.env).toContainEqual({ name: 'KEEP', value: keep });
      expect(podSpec(cj).volumes).toEqual([{ name: 'backup', persistentVolumeClaim: { claimName: 'db-backup' } }]);
      expect(find(env, C, 'PersistentVolumeClaim', 'db-backup').spec.resources.requests.storage).toBe(size);
    }
  });

  it('runs a Redis cache without persistence', () => {
    const redis = podSpec(find('prod', C, 'Deployment', 'redis')).containers[0];
    expect(redis.args).toEqual(expect.arrayContaining(['--save', '', '--appendonly', 'no']));
    expect(redis.readinessProbe.exec.command).toEqual(['redis-cli', 'ping']);
    expect(ofKind('prod', C, 'HorizontalPodAutoscaler').map((h) => h.metadata.name).sort()).toEqual(['api', 'public']);
  });

  it('carries the applied migration in its values', () => {
    expect(dev.apps['django-web']?.migration).toMatch(/^\d{4}_[a-z0-9_]+$/);
    expect(prod.apps['django-web']?.migration).toMatch(/^\d{4}_[a-z0-9_]+$/);
  });

  it('ships migrations up to each environment\'s pin as a PreSync Job named by that migration', () => {
    for (const env of ['dev', 'prod'] as const) {
      const pin = (env === 'dev' ? dev : prod).apps['django-web']!.migration;
      const jobName = `django-web-migrate-${pin.replaceAll('_', '-')}`;
      const job = find(env, C, 'Job', jobName);
      expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
      expect(job.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
      const scripts = find(env, C, 'ConfigMap', jobName);
      const files = Object.keys(scripts.data).filter((k) => k.endsWith('.sql')).sort();
      expect(files.at(-1)).toBe(`${pin}.sql`);
      expect(files[0]).toBe('0001_initial.sql');
    }
    expect(find('dev', C, 'Job', `django-web-migrate-${dev.apps['django-web']!.migration.replaceAll('_', '-')}`).metadata.name)
      .not.toBe(`django-web-migrate-${prod.apps['django-web']!.migration.replaceAll('_', '-')}`);
  });

  it('syncs the database one wave before the web tiers, so the PreSync migration finds a server', () => {
    const waves = Object.fromEntries(built('prod').components.filter((c) => c.namespace === C).map((c) => [c.name, c.syncWave]));
    expect(waves['django-web-db']).toBeLessThan(waves['django-web']!);
    expect(ofKind('prod', C, 'StatefulSet').map((s) => s.metadata.name).sort()).toEqual(['db', 'db-replica']);
    expect(built('prod').objects.find((o) => o.object.kind === 'StatefulSet' && o.object.metadata.name === 'db')?.component).toBe('django-web-db');
  });

  it('rejects a pin that names no migration file, naming the environment, app and field', () => {
    const env = structuredClone(prod);
    env.apps['django-web']!.migration = '0099_missing';
    let err: unknown;
    try {
      buildEnvironment(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).describe()).toMatch(/^env prod › component django-web › apps\.django-web\.migration: no migration "0099_missing"/);
  });
});
