// The garage database: a primary, a hot standby streaming from it, and nightly dumps.
import { CronJob, type PrometheusRule } from '../../platform/kinds.ts';
import type { StorageClassRef } from '../../platform/facts.ts';
import { RenderError, type Resource } from '../../render/types.ts';
import { backupFreshnessAlerts, prometheusRule } from '../../platform/alert-rules.ts';
import {
  claim, configMap, containerSecurity, podSecurity, postgresStatefulSet, resources, secretEnv, secretRef, workloadLabels,
} from '../kit/index.ts';

export const APP = 'django-web';
export const DB_ROLE = 'db';
export const REPLICA_ROLE = 'db-replica';
export const BACKUP_ROLE = 'backup';
export const DB_PORT = 5432;
/** Nightly dumps; the migration Job writes its pre-migration dump here too. */
export const BACKUP_CLAIM = 'db-backup';
const REPLICATION_USER = 'replicator';
const BACKUP_CRONJOB = 'db-backup';

export const DB_CREDENTIALS = secretRef('db-credentials', ['password', 'replication-password']);

export interface DatabaseInput {
  image: string;
  /** postgres_exporter image beside each server; absent where no Prometheus scrapes it. */
  exporterImage?: string;
  storageClass: StorageClassRef;
  database: string;
  user: string;
  volumeSize: string;
  size: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  backup: { schedule: string; timeZone: string; keep: number; volumeSize: string };
}

// Runs once, on the primary's first start: the replication role and its pg_hba line.
// The password goes through a psql variable, never spliced into SQL text.
const REPLICATION_INIT = `#!/bin/bash
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v pw="$REPLICATION_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE ${REPLICATION_USER} WITH REPLICATION LOGIN PASSWORD :'pw';
SQL
echo "host replication ${REPLICATION_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
`;

export function database(input: DatabaseInput): Resource[] {
  const init = configMap('db-init', { '10-replication.sh': REPLICATION_INIT });
  const password = { secret: DB_CREDENTIALS, key: 'password' };
  const replicationPassword = { secret: DB_CREDENTIALS, key: 'replication-password' };
  const primary = postgresStatefulSet({
    app: APP,
    role: DB_ROLE,
    image: input.image,
    storageClass: input.storageClass,
    volumeSize: input.volumeSize,
    size: input.size,
    database: input.database,
    user: input.user,
    password,
    env: [secretEnv('REPLICATION_PASSWORD', DB_CREDENTIALS, 'replication-password')],
    initScripts: init,
    ...(input.exporterImage ? { exporter: { image: input.exporterImage } } : {}),
  });
  const replica = postgresStatefulSet({
    app: APP,
    role: REPLICA_ROLE,
    image: input.image,
    storageClass: input.storageClass,
    volumeSize: input.volumeSize,
    size: input.size,
    database: input.database,
    user: input.user,
    password,
    standbyOf: { host: DB_ROLE, user: REPLICATION_USER, password: replicationPassword },
    ...(input.exporterImage ? { exporter: { image: input.exporterImage } } : {}),
  });
  return [init, ...primary.resources, ...replica.resources, ...backup(input)];
}

/** The CronJob's own deadlines: a dump may start an hour late and run for an hour. */
export const BACKUP_GRACE_SECONDS = 3600 + 3600;
/** Replication lag past which reads from the replica serve noticeably stale data. */
export const REPLICA_LAG_ALERT_SECONDS = 300;

/**
 * The database's alerts: the nightly dump is fresh, both servers answer, the replica keeps up.
 * The lag and up metrics come from the postgres_exporter sidecars, the backup's from
 * kube-state-metrics.
 */
export function databaseAlerts(input: DatabaseInput): PrometheusRule {
  const db = `namespace="${APP}"`;
  return prometheusRule('database-alerts', [
    {
      name: 'backups',
      rules: backupFreshnessAlerts([
        { namespace: APP, schedule: input.backup.schedule, source: { kind: 'cronjob', name: BACKUP_CRONJOB }, graceSeconds: BACKUP_GRACE_SECONDS },
      ]),
    },
    {
      name: 'database',
      rules: [
        {
          alert: 'PostgresDown',
          expr: `pg_up{${db}} == 0`,
          for: '5m',
          severity: 'critical',
          summary: `PostgreSQL in pod {{ $labels.pod }} (${APP}) does not answer its exporter`,
          description: `kubectl -n ${APP} logs {{ $labels.pod }} -c {{ $labels.component }}`,
        },
        {
          alert: 'PostgresReplicaLagging',
          expr: `pg_replication_lag_seconds{${db},component="${REPLICA_ROLE}"} > ${REPLICA_LAG_ALERT_SECONDS}`,
          for: '10m',
          severity: 'warning',
          summary: `The ${APP} read replica is {{ $value | humanizeDuration }} behind the primary`,
          description: `kubectl -n ${APP} logs ${REPLICA_ROLE}-0 -c ${REPLICA_ROLE} (a standby that lost its primary logs the reason)`,
        },
        {
          // A replica that stopped replaying reports no lag at all when the primary is idle:
          // also alert when it no longer is a replica (promoted, or re-initialised by hand).
          alert: 'PostgresReplicaNotInRecovery',
          expr: `pg_replication_is_replica{${db},component="${REPLICA_ROLE}"} == 0`,
          for: '5m',
          severity: 'critical',
          summary: `The ${APP} replica pod {{ $labels.pod }} is not a standby any more`,
        },
      ],
    },
  ]);
}

function backup(input: DatabaseInput): Resource[] {
  const b = input.backup;
  if (!Number.isInteger(b.keep) || b.keep < 1) {
    throw new RenderError({ component: APP, resource: `CronJob/${APP}/db-backup`, field: 'backup.keep' }, `keep must be a positive integer, got ${b.keep}`);
  }
  // Shared with the migration Job's pre-migration dump: ReadWriteMany where the class allows it.
  const accessMode = input.storageClass.readWriteMany ? 'ReadWriteMany' : 'ReadWriteOnce';
  const volume = claim({
    app: APP,
    name: BACKUP_CLAIM,
    size: b.volumeSize,
    storageClass: input.storageClass,
    accessMode,
    // Only the CronJob and the migration Job mount it, so Velero never finds it in a running pod.
    // What it holds is also in Velero's backups: the primary's pre-backup hook dumps the database
    // into its own volume. These dumps are the quick same-NFS rollback point for migrations.
    disposable: 'local pg_dump copies for migration rollbacks; Velero backs up the database volume with its own pre-backup dump',
  });
  // Dump to a temporary name, then rename: a failed dump never counts as one of the kept ones.
  const script = [
    'set -eu',
    'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
    'pg_dump -h "$DB_HOST" -p 5432 -U "$PGUSER" -d "$PGDATABASE" -Fc -f "/backup/.$PGDATABASE-$stamp.partial"',
    'mv "/backup/.$PGDATABASE-$stamp.partial" "/backup/$PGDATABASE-$stamp.dump"',
    'ls -1 "/backup/$PGDATABASE-"*.dump | sort -r | tail -n +$((KEEP + 1)) | xargs -r rm -f --',
    'ls -l /backup',
  ].join('\n');
  const labels = workloadLabels({ app: APP, role: BACKUP_ROLE });
  const job = new CronJob({
    metadata: { name: BACKUP_CRONJOB, labels },
    spec: {
      schedule: b.schedule,
      timeZone: b.timeZone,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'OnFailure',
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: podSecurity({ user: 999 }),
              containers: [
                {
                  name: 'pg-dump',
                  image: input.image,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '-c', script],
                  env: [
                    { name: 'DB_HOST', value: DB_ROLE },
                    { name: 'PGUSER', value: input.user },
                    { name: 'PGDATABASE', value: input.database },
                    { name: 'KEEP', value: String(b.keep) },
                    secretEnv('PGPASSWORD', DB_CREDENTIALS, 'password'),
                  ],
                  resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } }),
                  securityContext: containerSecurity({ readOnlyRoot: true }),
                  volumeMounts: [{ name: 'backup', mountPath: '/backup' }],
                },
              ],
              volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: BACKUP_CLAIM } }],
            },
          },
        },
      },
    },
  });
  return [volume, job];
}
