// The Argo CD PreSync hook that ships schema migrations: back up with pg_dump, then apply the
// pending plain-SQL migrations with a lock_timeout, retrying when a lock is not granted in time.
// A failing Job fails the sync before any new pod starts. Named by the last migration's version,
// so a new migration creates a new Job (and ConfigMap) instead of mutating an old one.
import { ConfigMap, Job } from '../../platform/kinds.ts';
import { RenderError, type StringMap } from '../../render/types.ts';
import { workloadLabels } from './labels.ts';
import { containerSecurity, podSecurity } from './security.ts';
import { resources, type Size } from './resources.ts';

/** The runner's session lock_timeout; the migration check assumes exactly this value. */
export const MIGRATION_LOCK_TIMEOUT = '5s';
/** Attempts per migration file when it fails on a lock timeout (SQLSTATE 55P03). */
export const MIGRATION_LOCK_RETRIES = 5;
/** Official postgres image user: owns the files written to the backup volume. */
const POSTGRES_UID = 999;
const NAME_PATTERN = /^[0-9]{4}_[a-z0-9_]+$/;
/** ConfigMaps are capped at 1 MiB; leave room for metadata. */
const MAX_SQL_BYTES = 900 * 1024;

export interface MigrationJobInput {
  app: string;
  namespace: string;
  /** An image with `psql` and `pg_dump` of the server's major (the official postgres image). */
  image: string;
  /** Every migration up to the one this environment pins, in apply order; the runner skips applied ones. */
  migrations: { name: string; sql: string }[];
  database: { host: string; port: number; name: string; user: string; passwordSecret: { name: string; key: string } };
  /** PVC the dump goes to (the app's backup volume). */
  backupClaim: string;
  /** Pod role label (NetworkPolicies admit it to the database); defaults to `migrate`. */
  role?: string;
  size?: Size;
}

const DEFAULT_SIZE: Size = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

const HOOK = (wave: number): StringMap => ({
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  'argocd.argoproj.io/sync-wave': String(wave),
});

/** DNS-1123 suffix from the last migration: `0004_garage_ville` → `0004-garage-ville`. */
export function migrationVersion(input: MigrationJobInput): string {
  const last = input.migrations[input.migrations.length - 1];
  if (!last) throw new RenderError({ component: input.app, resource: `Job/${input.app}-migrate`, field: 'migrations' }, 'no migration to apply');
  return last.name.replace(/_/g, '-').toLowerCase();
}

function names(input: MigrationJobInput): { job: string; configMap: string } {
  const base = `${input.app}-migrate-${migrationVersion(input)}`.slice(0, 63).replace(/-+$/, '');
  return { job: base, configMap: base };
}

function validate(input: MigrationJobInput): void {
  const where = (field: string) => ({ component: input.app, resource: `Job/${names(input).job}`, field });
  let bytes = 0;
  const seen = new Set<string>();
  for (const [i, m] of input.migrations.entries()) {
    if (!NAME_PATTERN.test(m.name)) throw new RenderError(where(`migrations[${i}].name`), `"${m.name}" is not NNNN_snake_case`);
    if (seen.has(m.name)) throw new RenderError(where(`migrations[${i}].name`), `duplicate migration "${m.name}"`);
    if (i > 0 && m.name <= input.migrations[i - 1].name) throw new RenderError(where(`migrations[${i}].name`), 'migrations must be in apply order');
    seen.add(m.name);
    bytes += Buffer.byteLength(m.sql);
  }
  if (bytes > MAX_SQL_BYTES) throw new RenderError(where('migrations'), `${bytes} bytes of SQL exceed what one ConfigMap holds`);
}

/** The SQL files, mounted into the Job; a hook one wave before the Job, so it exists first. */
export function migrationScripts(input: MigrationJobInput): ConfigMap {
  validate(input);
  return new ConfigMap({
    metadata: { name: names(input).configMap, namespace: input.namespace, labels: workloadLabels({ app: input.app, role: input.role ?? 'migrate' }), annotations: HOOK(-1) },
    data: Object.fromEntries(input.migrations.map((m) => [`${m.name}.sql`, m.sql])),
  });
}

// Applies each file once (recorded in schema_migrations), in name order, outside any wrapping
// transaction: files bring their own BEGIN/COMMIT, and CONCURRENTLY must run outside one.
const RUNNER = `set -eu
psql -v ON_ERROR_STOP=1 -qc 'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())'
for file in $(ls /migrations/*.sql | sort); do
  name=$(basename "$file" .sql)
  if [ "$(psql -tAc "SELECT 1 FROM schema_migrations WHERE name = '$name'")" = 1 ]; then continue; fi
  attempt=1
  until psql -v ON_ERROR_STOP=1 -f "$file" 2>/tmp/err; do
    cat /tmp/err >&2
    if ! grep -q 'lock timeout' /tmp/err || [ "$attempt" -ge "$RETRIES" ]; then
      echo "migration $name failed (attempt $attempt): the sync stops before any new pod starts" >&2
      exit 1
    fi
    attempt=$((attempt + 1)); sleep $((attempt * 2))
  done
  psql -v ON_ERROR_STOP=1 -qc "INSERT INTO schema_migrations (name) VALUES ('$name')"
  echo "applied $name"
done
`;

export function migrationJob(input: MigrationJobInput): Job {
  validate(input);
  const { job, configMap } = names(input);
  const role = input.role ?? 'migrate';
  const size = resources(input.size ?? DEFAULT_SIZE);
  const db = input.database;
  const env = [
    { name: 'PGHOST', value: db.host },
    { name: 'PGPORT', value: String(db.port) },
    { name: 'PGDATABASE', value: db.name },
    { name: 'PGUSER', value: db.user },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: db.passwordSecret.name, key: db.passwordSecret.key } } },
  ];
  const version = migrationVersion(input);
  return new Job({
    metadata: { name: job, namespace: input.namespace, labels: workloadLabels({ app: input.app, role }), annotations: HOOK(0) },
    spec: {
      // Pod-level retries would re-run the backup for nothing: lock timeouts are retried inside.
      backoffLimit: 0,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels: workloadLabels({ app: input.app, role }) },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity({ user: POSTGRES_UID }),
          initContainers: [
            {
              name: 'backup',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', `set -eu\npg_dump -Fc -f /backup/.pre-${version}.partial\nmv /backup/.pre-${version}.partial /backup/pre-migration-${version}.dump\nls -l /backup`],
              env,
              resources: size,
              securityContext: containerSecurity({ readOnlyRoot: true }),
              volumeMounts: [{ name: 'backup', mountPath: '/backup' }],
            },
          ],
          containers: [
            {
              name: 'migrate',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', RUNNER],
              env: [...env, { name: 'PGOPTIONS', value: `-c lock_timeout=${MIGRATION_LOCK_TIMEOUT}` }, { name: 'RETRIES', value: String(MIGRATION_LOCK_RETRIES) }],
              resources: size,
              securityContext: containerSecurity({ readOnlyRoot: true }),
              volumeMounts: [
                { name: 'migrations', mountPath: '/migrations', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'backup', persistentVolumeClaim: { claimName: input.backupClaim } },
            { name: 'migrations', configMap: { name: configMap } },
            { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
          ],
        },
      },
    },
  });
}

/** Both hook objects: the SQL ConfigMap (wave -1) and the Job (wave 0). */
export function migrationHook(input: MigrationJobInput): [ConfigMap, Job] {
  return [migrationScripts(input), migrationJob(input)];
}
