import { describe, expect, it } from 'vitest';
import { RenderError } from '../../render/types.ts';
import { MIGRATION_LOCK_TIMEOUT, migrationHook, migrationJob, type MigrationJobInput } from '../../apps/kit/migration-job.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

const input = (names: string[]): MigrationJobInput => ({
  app: 'django-web',
  namespace: 'django-web',
  image: 'postgres:17.6',
  migrations: names.map((name) => ({ name, sql: `-- ${name}\nSELECT 1;\n` })),
  database: { host: 'db', port: 5432, name: 'garage', user: 'garage', passwordSecret: { name: 'db-credentials', key: 'password' } },
  backupClaim: 'db-backup',
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('migrationJob', () => {
  it('is named by the last migration, so a new migration creates a new Job', () => {
    const a = migrationJob(input(['0001_initial', '0002_voiture_kilometrage'])) as unknown as Json;
    const b = migrationJob(input(['0001_initial', '0002_voiture_kilometrage', '0003_voiture_immatriculation_idx'])) as unknown as Json;
    expect(a.metadata.name).toBe('django-web-migrate-0002-voiture-kilometrage');
    expect(b.metadata.name).toBe('django-web-migrate-0003-voiture-immatriculation-idx');
    expect(b.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it('is a PreSync hook replaced before creation, after its ConfigMap', () => {
    const [cm, job] = migrationHook(input(['0001_initial'])).map((o) => o as unknown as Json);
    for (const o of [cm, job]) {
      expect(o.metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
      expect(o.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
    }
    expect(Number(cm.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(Number(job.metadata.annotations['argocd.argoproj.io/sync-wave']));
    expect(cm.data['0001_initial.sql']).toContain('SELECT 1;');
    expect(job.spec.template.spec.volumes).toContainEqual({ name: 'migrations', configMap: { name: cm.metadata.name } });
  });

  it('dumps to the backup claim first, then migrates with a lock_timeout and retries', () => {
    const job = migrationJob(input(['0001_initial'])) as unknown as Json;
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.initContainers[0].command.join(' ')).toContain('pg_dump -Fc');
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'db-backup' } });
    const migrate = pod.containers[0];
    expect(migrate.env).toContainEqual({ name: 'PGOPTIONS', value: `-c lock_timeout=${MIGRATION_LOCK_TIMEOUT}` });
    expect(migrate.command.join(' ')).toMatch(/lock timeout/);
    expect(migrate.env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(migrate.resources.limits.memory).toBeDefined();
  });

  it('validates against the Kubernetes schema', () => {
    for (const o of migrationHook(input(['0001_initial', '0002_x']))) expect(() => assertSchemaValid(o)).not.toThrow();
  });

  it('rejects bad names, wrong order and an empty list with a located RenderError', () => {
    expect(() => migrationJob(input(['0001-initial']))).toThrow(RenderError);
    expect(() => migrationJob(input(['0002_b', '0001_a']))).toThrow(/apply order/);
    expect(() => migrationJob(input([]))).toThrow(RenderError);
  });
});
