import type { ConfigMap } from '../../platform/kinds.ts';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { StorageClassRef } from '../../platform/facts.ts';
import { scrapeAnnotations } from '../../platform/scrape.ts';
import { httpProbes, execProbes } from './probes.ts';
import { containerSecurity } from './security.ts';
import type { Size } from './resources.ts';
import { secretEnv, type SecretRef } from './secrets.ts';
import { statefulServer, type StatefulServer } from './stateful.ts';

/** The official image's user (postgres, uid/gid 999). */
const POSTGRES_UID = 999;
const DATA_DIR = '/var/lib/postgresql/data';
/** A subdirectory: initdb refuses a volume root that holds `lost+found` or is not 0700. */
const PGDATA = `${DATA_DIR}/pgdata`;

export interface PostgresSpec {
  app: string;
  role: string;
  image: string;
  storageClass: StorageClassRef;
  /** Volume size, e.g. `100Mi`. */
  volumeSize: string;
  size: Size;
  database: string;
  user: string;
  /** Secret holding the superuser password under `key`. */
  password: { secret: SecretRef; key: string };
  /** Extra environment (e.g. a replication password the init script reads). */
  env?: IEnvVar[];
  /** Scripts run once by the image's entrypoint when the data directory is empty. */
  initScripts?: ConfigMap;
  /**
   * Start as a hot standby streaming from this primary: an init container clones it with
   * `pg_basebackup -R` when the volume is empty; afterwards PostgreSQL follows it.
   */
  standbyOf?: { host: string; user: string; password: { secret: SecretRef; key: string } };
  /**
   * prometheus-community/postgres_exporter beside the server, scraped through the pod's
   * `prometheus.io/*` annotations (only where the environment runs Prometheus). It logs in as
   * `user` over loopback: the image's superuser sees every statistic, replication included.
   */
  exporter?: { image: string };
}

/** postgres_exporter's default port. */
export const POSTGRES_EXPORTER_PORT = 9187;
export const POSTGRES_EXPORTER_CONTAINER = 'postgres-exporter';

export function postgresStatefulSet(spec: PostgresSpec): StatefulServer {
  const isReady = ['pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', spec.user, '-d', spec.database];
  const env: IEnvVar[] = [
    { name: 'POSTGRES_DB', value: spec.database },
    { name: 'POSTGRES_USER', value: spec.user },
    secretEnv('POSTGRES_PASSWORD', spec.password.secret, spec.password.key),
    { name: 'PGDATA', value: PGDATA },
    ...(spec.env ?? []),
  ];
  const standby = spec.standbyOf;
  const exporterProbes = httpProbes('/', 'metrics');
  const exporter: IContainer[] = spec.exporter
    ? [
        {
          name: POSTGRES_EXPORTER_CONTAINER,
          image: spec.exporter.image,
          imagePullPolicy: 'IfNotPresent',
          env: [
            { name: 'DATA_SOURCE_URI', value: `127.0.0.1:5432/${spec.database}?sslmode=disable` },
            { name: 'DATA_SOURCE_USER', value: spec.user },
            secretEnv('DATA_SOURCE_PASS', spec.password.secret, spec.password.key),
          ],
          ports: [{ name: 'metrics', containerPort: POSTGRES_EXPORTER_PORT, protocol: 'TCP' }],
          readinessProbe: exporterProbes.readiness,
          livenessProbe: exporterProbes.liveness,
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
          // The image runs as nobody (65534).
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsUser: 65534, runAsGroup: 65534 },
        },
      ]
    : [];
  return statefulServer({
    app: spec.app,
    role: spec.role,
    image: spec.image,
    port: { name: 'postgres', number: 5432 },
    size: spec.size,
    probes: execProbes(isReady, 120),
    runAs: { user: POSTGRES_UID },
    data: { name: 'data', mountPath: DATA_DIR, size: spec.volumeSize, storageClass: spec.storageClass },
    env,
    mounts: [
      ...(spec.initScripts ? [{ name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true, configMap: spec.initScripts }] : []),
      // The root is read-only: the server's socket and lock files go to their own volume.
      { name: 'run', mountPath: '/var/run/postgresql', emptyDir: { sizeLimit: '16Mi' } },
    ],
    sidecars: exporter,
    podAnnotations: spec.exporter ? scrapeAnnotations(POSTGRES_EXPORTER_PORT) : undefined,
    // The primary writes a consistent dump into its own volume before Velero copies it: the raw
    // files are copied while PostgreSQL writes them, so only the dump is certain to restore. The
    // standby is re-cloned from the primary by pg_basebackup: not backed up at all.
    backup: standby
      ? { disposable: 'hot standby: after a restore it is cloned again from the primary (pg_basebackup)' }
      : { hook: { command: ['sh', '-c', DUMP_SCRIPT], timeout: '30m' } },
    initContainers: standby
      ? [
          {
            name: 'clone-primary',
            image: spec.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', CLONE_SCRIPT],
            env: [
              { name: 'PGDATA', value: PGDATA },
              { name: 'PRIMARY_HOST', value: standby.host },
              { name: 'REPLICATION_USER', value: standby.user },
              secretEnv('PGPASSWORD', standby.password.secret, standby.password.key),
            ],
            resources: { requests: { ...spec.size.requests }, limits: { ...spec.size.limits } },
            securityContext: containerSecurity(),
            // pg_basebackup writes only the data directory; /tmp is the pod's scratch emptyDir.
            volumeMounts: [{ name: 'data', mountPath: DATA_DIR }, { name: 'tmp', mountPath: '/tmp' }],
          },
        ]
      : undefined,
  });
}

/** Where the pre-backup dump lands: the volume root, beside (not inside) PGDATA. */
export const POSTGRES_BACKUP_DUMP = `${DATA_DIR}/velero-dump.pgc`;

// Written under a temporary name and renamed: a failed dump never replaces the last good one.
const DUMP_SCRIPT = [
  'set -eu',
  `pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Fc -f "${POSTGRES_BACKUP_DUMP}.partial"`,
  `mv "${POSTGRES_BACKUP_DUMP}.partial" "${POSTGRES_BACKUP_DUMP}"`,
].join('\n');

// Clone only an empty volume: a standby that already has data resumes streaming on its own.
const CLONE_SCRIPT = [
  'set -eu',
  'if [ -s "$PGDATA/PG_VERSION" ]; then echo "standby data present"; exit 0; fi',
  'until pg_isready -h "$PRIMARY_HOST" -p 5432; do echo "waiting for $PRIMARY_HOST"; sleep 5; done',
  'pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U "$REPLICATION_USER" -D "$PGDATA" -X stream -R --checkpoint=fast',
  'chmod 0700 "$PGDATA"',
].join('\n');
