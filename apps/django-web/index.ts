// django-web: the CSC8567 "garage" site. Two Django tiers built from the course correction
// (`public` at /, `api` at /api), a PostgreSQL primary with a streaming read replica, a Redis
// cache and nightly dumps. Every connection is denied unless listed in `policies` below.
import type { AppModel } from '../catalog.ts';
import type { Resource } from '../../render/types.ts';
import {
  allowDns, appComponent, appNamespace, configMap, defaultDeny, execProbes, hostOf, httpProbes, image, rolePolicy,
  appSecrets, secretEnv, secretRef, webWorkload, type AppContext, type Rule,
} from '../kit/index.ts';
import { APP, BACKUP_CLAIM, BACKUP_ROLE, DB_CREDENTIALS, DB_PORT, DB_ROLE, REPLICA_ROLE, database, databaseAlerts, type DatabaseInput } from './database.ts';
import { POSTGRES_EXPORTER_PORT } from '../kit/postgres.ts';
import { migrationHook } from '../kit/migration-job.ts';
import { RenderError } from '../../render/types.ts';
import type { DjangoWebValues } from './values.ts';

export type { DjangoWebValues } from './values.ts';

const WEB_PORT = 8000;
const REDIS_PORT = 6379;
/** Pods of the schema migration Job carry this role (apps/kit/migration-job.ts). */
export const MIGRATE_ROLE = 'migrate';
export { BACKUP_CLAIM, DB_CREDENTIALS, DB_PORT, DB_ROLE } from './database.ts';

const DJANGO = secretRef('django', ['secret-key']);

export const djangoWeb: AppModel<DjangoWebValues> = (values, ctx) => {
  const host = hostOf(ctx, values.host, 'django');
  // Connection settings for both tiers; the passwords come from Secrets, by name.
  const settings = configMap('db-settings', {
    POSTGRES_HOST: DB_ROLE,
    POSTGRES_READ_HOST: REPLICA_ROLE,
    POSTGRES_PORT: String(DB_PORT),
    POSTGRES_DB: values.db.database,
    POSTGRES_USER: values.db.user,
    REDIS_URL: `redis://redis:${REDIS_PORT}/0`,
    DJANGO_ALLOWED_HOSTS: host,
    DJANGO_CSRF_TRUSTED_ORIGINS: `https://${host}`,
    DJANGO_DEBUG: 'False',
  });
  const tier = (role: 'public' | 'api', probePath: string, pathPrefix: string) =>
    webWorkload({
      app: APP,
      role,
      image: image(values.images[role].repository, values.images[role].tag, { app: APP, field: `images.${role}.tag` }),
      containerPort: WEB_PORT,
      replicas: values.replicas[role],
      autoscale: values.autoscale,
      size: values.webSize,
      probes: httpProbes(probePath, 'http', 60),
      runAs: { user: 10001 },
      envFrom: [settings],
      env: [
        { name: 'APP_TYPE', value: role },
        secretEnv('POSTGRES_PASSWORD', DB_CREDENTIALS, 'password'),
        secretEnv('DJANGO_SECRET_KEY', DJANGO, 'secret-key'),
      ],
      mounts: [{ name: 'tmp', mountPath: '/tmp', emptyDir: { sizeLimit: '64Mi' } }],
      routes: [{ host, pathPrefix }],
      ingress: ctx.platform.ingress,
    });
  const publicTier = tier('public', '/', '/');
  const apiTier = tier('api', '/api/', '/api');
  const redis = webWorkload({
    app: APP,
    role: 'redis',
    image: image('redis', values.redis, { app: APP, field: 'redis' }),
    containerPort: REDIS_PORT,
    servicePort: REDIS_PORT,
    portName: 'redis',
    replicas: 1,
    // A cache: nothing persisted, least recently used keys evicted at the memory cap.
    args: ['--save', '', '--appendonly', 'no', '--maxmemory', '48mb', '--maxmemory-policy', 'allkeys-lru'],
    size: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '200m', memory: '96Mi' } },
    probes: execProbes(['redis-cli', 'ping']),
    runAs: { user: 999 },
    mounts: [{ name: 'data', mountPath: '/data', emptyDir: { sizeLimit: '16Mi' } }],
    ingress: ctx.platform.ingress,
  });
  const postgresImage = image('postgres', values.postgres, { app: APP, field: 'postgres' }, 'major-minor');
  const metrics = ctx.platform.metrics;
  const dbInput: DatabaseInput = {
    image: postgresImage,
    ...(metrics ? { exporterImage: image('quay.io/prometheuscommunity/postgres-exporter', values.postgresExporter, { app: APP, field: 'postgresExporter' }) } : {}),
    storageClass: ctx.platform.storageClass,
    database: values.db.database,
    user: values.db.user,
    volumeSize: values.db.volumeSize,
    size: values.db.size,
    backup: values.backup,
  };
  const db = database(dbInput);

  const secrets = appSecrets([{ namespace: APP, refs: [DB_CREDENTIALS, DJANGO] }]);
  // The database is its own Argo CD Application, one wave earlier: the web tiers' PreSync
  // migration needs a running server, and PreSync hooks run before anything of their own
  // Application is applied — on a first install the database would not exist yet.
  // The alerts only where a Prometheus (and its CRDs) runs.
  const data: Resource[] = [appNamespace({ name: APP, app: APP }), ...db, ...policies(ctx), ...(metrics ? [databaseAlerts(dbInput)] : [])];
  const web: Resource[] = [
    settings,
    ...publicTier.resources,
    ...apiTier.resources,
    ...redis.resources,
    // The schema up to the pinned migration, applied by a PreSync hook before any new pod starts.
    // Its pods carry the `migrate` role, which the `db` NetworkPolicy admits to the primary.
    ...migrationHook({
      app: APP,
      namespace: APP,
      image: postgresImage,
      migrations: migrationsUpTo(ctx, values.migration),
      database: { host: DB_ROLE, port: DB_PORT, name: values.db.database, user: values.db.user, passwordSecret: { name: DB_CREDENTIALS.name, key: 'password' } },
      backupClaim: BACKUP_CLAIM,
      role: MIGRATE_ROLE,
    }),
  ];
  return [
    // Waves 0 and 1, not -1 and 0: only the web tiers wait for the database; every other app
    // syncs in wave 0 beside it, so a database that cannot start holds back nothing else.
    appComponent(`${APP}-db`, data, { namespace: APP, runtimeObjects: secrets }),
    appComponent(APP, web, { syncWave: 1 }),
  ];
};

/** The app's migration files in apply order, up to and including the environment's pin. */
function migrationsUpTo(ctx: AppContext, pin: string): { name: string; sql: string }[] {
  const all = ctx.assets.migrations[APP] ?? [];
  const at = all.findIndex((m) => m.name === pin);
  if (at < 0) {
    throw new RenderError(
      { component: APP, field: `apps.${APP}.migration` },
      `no migration "${pin}" in apps/${APP}/migrations/ (known: ${all.map((m) => m.name).join(', ') || 'none'})`,
    );
  }
  return all.slice(0, at + 1).map((m) => ({ name: m.name, sql: m.sql }));
}

/** Default deny, then per workload: who may connect to it and where it may connect. */
function policies(ctx: AppContext): Resource[] {
  const db: Rule = { peers: [{ role: DB_ROLE }], ports: [DB_PORT] };
  const replica: Rule = { peers: [{ role: REPLICA_ROLE }], ports: [DB_PORT] };
  const cache: Rule = { peers: [{ role: 'redis' }], ports: [REDIS_PORT] };
  const web: Rule = { peers: [{ namespace: ctx.platform.ingress.namespace }], ports: [WEB_PORT] };
  const tiers = [{ role: 'public' }, { role: 'api' }];
  // Prometheus scrapes the postgres_exporter sidecars of both servers.
  const metrics = ctx.platform.metrics;
  const scrape: Rule[] = metrics ? [{ peers: [{ namespace: metrics.namespace, podLabels: { ...metrics.prometheusPodLabels } }], ports: [POSTGRES_EXPORTER_PORT] }] : [];
  return [
    defaultDeny(),
    allowDns(),
    rolePolicy({ app: APP, role: 'public', ingress: [web], egress: [db, replica, cache] }),
    rolePolicy({ app: APP, role: 'api', ingress: [web], egress: [db, replica, cache] }),
    rolePolicy({
      app: APP,
      role: DB_ROLE,
      ingress: [{ peers: [...tiers, { role: BACKUP_ROLE }, { role: REPLICA_ROLE }, { role: MIGRATE_ROLE }], ports: [DB_PORT] }, ...scrape],
      egress: [],
    }),
    rolePolicy({ app: APP, role: REPLICA_ROLE, ingress: [{ peers: tiers, ports: [DB_PORT] }, ...scrape], egress: [db] }),
    rolePolicy({ app: APP, role: 'redis', ingress: [{ peers: tiers, ports: [REDIS_PORT] }], egress: [] }),
    rolePolicy({ app: APP, role: BACKUP_ROLE, ingress: [], egress: [db] }),
    rolePolicy({ app: APP, role: MIGRATE_ROLE, ingress: [], egress: [db] }),
  ];
}
