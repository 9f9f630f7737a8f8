import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { Environment } from '../../environments/types.ts';
import { buildEnvironment, type BuiltEnvironment } from '../../render/build.ts';
import { clusterInventory } from '../../render/pipeline.ts';
import type { KubeObject } from '../../render/types.ts';
import { validateBundle } from '../../render/validate/index.ts';
import { platform } from '../../platform/index.ts';
import { checkBackupCoverage, disposableAnnotation, excludeVolumesAnnotation } from '../../platform/backup-coverage.ts';
import { kubernetesServiceIp } from '../../platform/network-policies.ts';
import { claim } from '../../apps/kit/index.ts';
import { NetworkPolicies } from '../helpers/netpol.ts';
import { renderError } from '../helpers/errors.ts';

const builds = new Map<string, BuiltEnvironment>();
function built(env: Environment): BuiltEnvironment {
  let b = builds.get(env.name);
  if (!b) builds.set(env.name, (b = buildEnvironment(env)));
  return b;
}
const objectsOf = (env: Environment): KubeObject[] => built(env).objects.map((o) => o.object);
const find = (env: Environment, kind: string, ns: string, name: string): any => {
  const o = objectsOf(env).find((x) => x.kind === kind && x.metadata.namespace === ns && x.metadata.name === name);
  if (!o) throw new Error(`${env.name}: no ${kind} ${ns}/${name}`);
  return o;
};

const PERIOD_HOURS = { daily: 24, weekly: 168, monthly: 744, yearly: 8784 } as const;
const TIERS = ['daily', 'weekly', 'monthly', 'yearly'] as const;

/** Every claim of the render: PVCs and StatefulSet claim templates, with how they are backed up. */
function claims(env: Environment): { id: string; namespace: string; annotations: Record<string, string>; mounted: boolean; excluded: boolean }[] {
  const objects = objectsOf(env);
  const pods = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind)) as any[];
  const out: ReturnType<typeof claims> = [];
  for (const o of objects as any[]) {
    const ns = o.metadata.namespace;
    if (o.kind === 'PersistentVolumeClaim') {
      const users = pods.filter((p) => p.metadata.namespace === ns && (p.spec.template.spec.volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === o.metadata.name));
      out.push({ id: `PVC ${ns}/${o.metadata.name}`, namespace: ns, annotations: o.metadata.annotations ?? {}, mounted: users.length > 0, excluded: false });
    }
    if (o.kind === 'StatefulSet') {
      for (const t of o.spec.volumeClaimTemplates ?? []) {
        const excludes = (o.spec.template.metadata.annotations?.[excludeVolumesAnnotation] ?? '').split(',');
        out.push({ id: `StatefulSet ${ns}/${o.metadata.name}[${t.metadata.name}]`, namespace: ns, annotations: t.metadata.annotations ?? {}, mounted: true, excluded: excludes.includes(t.metadata.name) });
      }
    }
  }
  return out;
}

describe('Velero backups', () => {
  it('backs up every volume of dev and prod, or it is disposable with a written reason', () => {
    for (const env of [dev, prod]) {
      const schedules = objectsOf(env).filter((o) => o.kind === 'Schedule') as any[];
      expect(schedules.map((s) => s.metadata.name).sort()).toEqual(['daily', 'monthly', 'weekly', 'yearly']);
      const all = claims(env);
      expect(all.length).toBeGreaterThan(8);
      for (const c of all) {
        const reason = c.annotations[disposableAnnotation];
        if (reason !== undefined) {
          expect(reason.length, c.id).toBeGreaterThan(20);
          continue;
        }
        for (const s of schedules) {
          expect(s.spec.template.includedNamespaces, `${env.name} ${c.id} in ${s.metadata.name}`).toContain(c.namespace);
          expect(s.spec.template.defaultVolumesToFsBackup).toBe(true);
        }
        expect(c.mounted && !c.excluded, `${env.name} ${c.id} is copied from a running pod`).toBe(true);
      }
    }
  });

  it('covers the seed\'s stateful apps: WordPress/MySQL, Navidrome, Grafana/InfluxDB, django-web\'s database, FTPS', () => {
    const ids = claims(dev).filter((c) => c.annotations[disposableAnnotation] === undefined).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([
      'StatefulSet wordpress/mysql[data]', 'PVC wordpress/wordpress-data', 'PVC sound-buzz/data', 'PVC sound-buzz/music',
      'StatefulSet monitoring/influxdb[data]', 'PVC monitoring/grafana-data', 'StatefulSet django-web/db[data]', 'PVC ftps/data', 'PVC traefik/traefik-data',
    ]));
    // Disposable, each with its reason: the hot standby (re-cloned) and the local dump volume.
    expect(claims(dev).filter((c) => c.annotations[disposableAnnotation] !== undefined).map((c) => c.id).sort())
      .toEqual(['PVC django-web/db-backup', 'StatefulSet django-web/db-replica[data]']);
  });

  it('refuses a claim no backup copies, naming environment, app and claim', () => {
    const b = built(dev);
    const extra = (object: any, component = 'wordpress') => [...b.objects, { component, object }];
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace: 'wordpress' }, spec: {} };
    // Not mounted by any running pod.
    const e = renderError(() => checkBackupCoverage('dev', extra(pvc)));
    expect(e.describe()).toMatch(/^env dev › component wordpress › PersistentVolumeClaim\/wordpress\/uploads: no backup covers this volume: no running pod mounts it/);
    expect(e.message).toContain(disposableAnnotation);
    // In a namespace no Schedule includes.
    const elsewhere = { ...pvc, metadata: { name: 'scratch', namespace: 'other' } };
    expect(renderError(() => checkBackupCoverage('dev', extra(elsewhere, 'other'))).message).toMatch(/no Velero Schedule with defaultVolumesToFsBackup includes namespace other/);
    // Mounted, but the pod opts the volume out.
    const sts = structuredClone(find(dev, 'StatefulSet', 'wordpress', 'mysql'));
    sts.metadata.name = 'mysql-copy';
    sts.spec.template.metadata.annotations = { [excludeVolumesAnnotation]: 'data' };
    expect(renderError(() => checkBackupCoverage('dev', extra(sts))).describe()).toMatch(/StatefulSet\/wordpress\/mysql-copy volumeClaimTemplates\[data\]: no backup covers this volume: StatefulSet\/mysql-copy excludes it/);
    // A disposable mark needs a reason, and then it passes.
    expect(renderError(() => checkBackupCoverage('dev', extra({ ...pvc, metadata: { ...pvc.metadata, annotations: { [disposableAnnotation]: ' ' } } }))).message).toMatch(/needs a written reason/);
    expect(() => checkBackupCoverage('dev', extra({ ...pvc, metadata: { ...pvc.metadata, annotations: { [disposableAnnotation]: 'cache, rebuilt on start' } } }))).not.toThrow();
    // The kit refuses a disposable claim without a reason before the render does.
    expect(renderError(() => claim({ app: 'x', name: 'c', size: '1Gi', storageClass: { name: 'nfs-client', readWriteMany: true }, disposable: '' })).message).toMatch(/needs a written reason/);
  });

  it('renders one Schedule per tier with the environment\'s cron and retention (ttl = keep × period)', () => {
    for (const env of [dev, prod]) {
      const facts = platform(env).facts.backup;
      for (const tier of TIERS) {
        const s = find(env, 'Schedule', 'velero', tier);
        const { cron, keep } = env.backup.schedules[tier];
        expect(s.spec.schedule).toBe(cron);
        expect(s.spec.template.ttl).toBe(`${keep * PERIOD_HOURS[tier]}h0m0s`);
        expect(s.spec.template).toMatchObject({ defaultVolumesToFsBackup: true, snapshotVolumes: false, storageLocation: 'default' });
        expect(s.spec.useOwnerReferencesInBackup).toBe(false);
        // The typed values the backup-age alert reads are the same numbers.
        expect(facts.schedules.find((x) => x.name === tier)).toEqual({ name: tier, cron, keep, ttl: s.spec.template.ttl, periodSeconds: PERIOD_HOURS[tier] * 3600 });
      }
    }
    expect(prod.backup.schedules.monthly.keep).toBe(12);
    const bad = { ...dev, backup: { ...dev.backup, schedules: { ...dev.backup.schedules, weekly: { cron: '0 2 * * 7', keep: 2 } } } };
    expect(renderError(() => buildEnvironment(bad)).describe()).toMatch(/env dev › component velero › backup\.schedules\.weekly\.cron: "0 2 \* \* 7"/);
    const none = { ...dev, backup: { ...dev.backup, schedules: { ...dev.backup.schedules, yearly: { cron: '0 4 1 1 *', keep: 0 } } } };
    expect(renderError(() => buildEnvironment(none)).message).toMatch(/keep must be a positive integer/);
  });

  it('writes to the environment\'s store outside the cluster and refuses one on the NFS server or in the cluster', () => {
    const bsl = find(prod, 'BackupStorageLocation', 'velero', 'default');
    expect(bsl.spec).toEqual({
      provider: 'aws',
      default: true,
      accessMode: 'ReadWrite',
      objectStorage: { bucket: 'velero', prefix: 'prod' },
      config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'https://backup.sound-buzz.live:9000' },
      credential: { name: prod.backup.store.credentialsSecret, key: 'cloud' },
    });
    expect(find(dev, 'BackupStorageLocation', 'velero', 'default').spec.config.s3Url).toBe('http://172.16.0.9:9000');
    const at = (address: string): Environment => ({ ...dev, backup: { ...dev.backup, store: { ...dev.backup.store, address: address as '1.2.3.4' } } });
    expect(renderError(() => platform(at(dev.nfs.server))).describe()).toMatch(/env dev › component velero › backup\.store\.address: the backup store 172\.16\.0\.8 is the NFS server/);
    expect(renderError(() => platform(at('172.16.0.151'))).message).toMatch(/is cluster node k8s-node1/);
    expect(renderError(() => platform(at('172.16.0.205'))).message).toMatch(/inside the MetalLB pool default/);
  });

  it('runs the upstream chart with CRDs from the Velero tag, kopia file-system backup and the sealed credentials', () => {
    const apps = objectsOf(prod).filter((o) => o.kind === 'Application') as any[];
    const chart = apps.find((a) => a.metadata.name === 'velero-chart');
    const crds = apps.find((a) => a.metadata.name === 'velero-crds');
    expect(crds.spec.source).toMatchObject({ repoURL: 'https://github.com/vmware-tanzu/velero', targetRevision: prod.platform.velero, path: 'config/crd/v1/bases' });
    expect(crds.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(crds.spec.syncPolicy.automated.prune).toBe(false);
    expect(chart.spec.source).toMatchObject({ chart: 'velero', targetRevision: prod.platform['velero-chart'] });
    const helm = chart.spec.source.helm;
    expect(helm.skipCrds).toBe(true);
    expect(helm.valuesObject).toMatchObject({
      image: { tag: prod.platform.velero },
      upgradeCRDs: false,
      deployNodeAgent: true,
      backupsEnabled: false,
      snapshotsEnabled: false,
      credentials: { useSecret: true, existingSecret: prod.backup.store.credentialsSecret },
      configuration: { uploaderType: 'kopia', defaultVolumesToFsBackup: true },
    });
    expect(helm.valuesObject.initContainers[0].image).toBe(`velero/velero-plugin-for-aws:${prod.platform['velero-plugin-for-aws']}`);
    expect(find(prod, 'Namespace', undefined as never, 'velero').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('validates the Velero objects against the CRD schema, and catches a wrong field', () => {
    const b = built(prod);
    const items = b.objects.filter((o) => o.component === 'velero').map((o) => ({ object: o.object, env: 'prod', component: o.component }));
    const opts = { kubeVersion: prod.cluster.kubernetesVersion, inventory: [...clusterInventory(), ...b.components.flatMap((c) => c.runtimeObjects ?? [])] };
    expect(validateBundle(items, opts).filter((f) => f.severity === 'error')).toEqual([]);
    const broken = structuredClone(find(prod, 'Schedule', 'velero', 'daily'));
    broken.spec.template.ttl = '7d';
    broken.spec.template.retention = 7;
    const findings = validateBundle([{ object: broken, env: 'prod', component: 'velero' }], opts);
    expect(findings.map((f) => [f.rule, f.path])).toEqual(expect.arrayContaining([
      ['schema/invalid', 'spec.template.ttl'],
      ['schema/unknown-field', 'spec.template.retention'],
    ]));
  });

  it('dumps each database into its volume before the copy; the standby is skipped', () => {
    const hook = (o: any) => o.spec.template.metadata.annotations ?? {};
    const mysql = hook(find(dev, 'StatefulSet', 'wordpress', 'mysql'));
    expect(mysql['pre.hook.backup.velero.io/container']).toBe('mysql');
    expect(JSON.parse(mysql['pre.hook.backup.velero.io/command']).join(' ')).toMatch(/mysqldump -uroot --single-transaction/);
    expect(mysql['pre.hook.backup.velero.io/on-error']).toBe('Fail');
    const pg = hook(find(dev, 'StatefulSet', 'django-web', 'db'));
    expect(JSON.parse(pg['pre.hook.backup.velero.io/command']).join(' ')).toMatch(/pg_dump -U "\$POSTGRES_USER" -d "\$POSTGRES_DB" -Fc -f "\/var\/lib\/postgresql\/data\/velero-dump\.pgc\.partial"/);
    expect(JSON.parse(hook(find(dev, 'StatefulSet', 'monitoring', 'influxdb'))['pre.hook.backup.velero.io/command']).join(' ')).toMatch(/influxd backup -portable/);
    const replica = find(dev, 'StatefulSet', 'django-web', 'db-replica');
    expect(hook(replica)[excludeVolumesAnnotation]).toBe('data');
    expect(hook(replica)['pre.hook.backup.velero.io/command']).toBeUndefined();
  });

  it('lets Velero\'s pods reach only the API server and the store', () => {
    for (const env of [dev, prod]) {
      const policies = new NetworkPolicies(objectsOf(env));
      for (const labels of [{ name: 'velero', 'app.kubernetes.io/name': 'velero' }, { name: 'node-agent', 'app.kubernetes.io/name': 'velero' }]) {
        const pod = { namespace: 'velero', labels, ip: '10.244.1.20' };
        const store = { ip: env.backup.store.address };
        expect(policies.allows(pod, store, env.backup.store.port)).toBe(true);
        expect(policies.allows(pod, store, 22)).toBe(false);
        expect(policies.allows(pod, { ip: kubernetesServiceIp(env.cluster) }, 443)).toBe(true);
        expect(policies.allows(pod, { ip: env.nfs.server }, env.backup.store.port)).toBe(false);
        expect(policies.allows(pod, { ip: '1.1.1.1' }, 443)).toBe(false);
        expect(policies.allows({ namespace: 'wordpress', labels: {}, ip: '10.244.2.3' }, pod, 8085)).toBe(false);
      }
    }
  });
});
