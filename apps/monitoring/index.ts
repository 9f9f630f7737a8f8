// monitoring: the ft_services TIG stack, current versions. InfluxDB 1.x stores what Telegraf
// collects on every node; Grafana reads it through a datasource provisioned from a ConfigMap.
// Where the environment runs Prometheus (platform/prometheus.ts), Grafana also gets it as a
// datasource, its URL handed over by the platform, and the dashboards of ./dashboards.ts.
// Credentials are Secret references (ft_services used admin/admin and "password").
import type { AppModel } from '../catalog.ts';
import {
  allowDns, appComponent, appNamespace, claim, configMap, defaultDeny, hostOf, httpProbes, image, rolePolicy,
  appSecrets, secretEnv, secretRef, statefulServer, webWorkload,
} from '../kit/index.ts';
import { AGENT_NAMESPACE, telegraf } from './telegraf.ts';
import {
  appDashboard, clusterDashboard, dashboardConfigMaps, DASHBOARDS_PATH, nodesDashboard, postgresPanels, traefikDashboard,
  type Dashboard, type Datasource,
} from './dashboards.ts';
import type { MetricsFacts } from '../../platform/facts.ts';
import type { Rule } from '../kit/index.ts';

export interface MonitoringValues {
  /** Grafana's host; defaults to `grafana.<domain>`. */
  host?: string;
  images: { influxdb: string; telegraf: string; grafana: string };
  volumes: { influxdb: string; grafana: string };
  /** Telegraf collection interval, e.g. `10s`. */
  interval: string;
}

const APP = 'monitoring';
const INFLUX_PORT = 8086;
const GRAFANA_PORT = 3000;
const DATABASE = 'telegraf';

const INFLUX_SNAPSHOT = [
  'set -eu',
  'rm -rf /var/lib/influxdb/velero-backup.partial',
  'influxd backup -portable /var/lib/influxdb/velero-backup.partial',
  'rm -rf /var/lib/influxdb/velero-backup',
  'mv /var/lib/influxdb/velero-backup.partial /var/lib/influxdb/velero-backup',
].join('\n');

/** InfluxDB's accounts, created on its first start (admin, a writer for Telegraf, a reader for Grafana). */
const INFLUX = secretRef('influxdb-credentials', ['admin-password', 'writer-password', 'reader-password']);
const GRAFANA = secretRef('grafana-admin', ['password']);
/** The writer password again, in the agent's namespace (Secrets do not cross namespaces). */
const WRITER = secretRef('influxdb-writer', ['password'], { password: { namespace: APP, secret: INFLUX.name, key: 'writer-password' } });

export const monitoring: AppModel<MonitoringValues> = (values, ctx) => {
  const storageClass = ctx.platform.storageClass;
  const host = hostOf(ctx, values.host, 'grafana');
  const influxUrl = `http://influxdb.${APP}.svc.cluster.local:${INFLUX_PORT}`;

  const influxdb = statefulServer({
    app: APP,
    role: 'influxdb',
    image: image('influxdb', values.images.influxdb, { app: APP, field: 'images.influxdb' }),
    port: { name: 'http', number: INFLUX_PORT },
    size: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    probes: httpProbes('/ping', 'http', 120),
    runAs: { user: 1000 },
    data: { name: 'data', mountPath: '/var/lib/influxdb', size: values.volumes.influxdb, storageClass },
    env: [
      { name: 'INFLUXDB_DB', value: DATABASE },
      { name: 'INFLUXDB_HTTP_AUTH_ENABLED', value: 'true' },
      { name: 'INFLUXDB_REPORTING_DISABLED', value: 'true' },
      { name: 'INFLUXDB_ADMIN_USER', value: 'admin' },
      secretEnv('INFLUXDB_ADMIN_PASSWORD', INFLUX, 'admin-password'),
      { name: 'INFLUXDB_WRITE_USER', value: 'telegraf' },
      secretEnv('INFLUXDB_WRITE_USER_PASSWORD', INFLUX, 'writer-password'),
      { name: 'INFLUXDB_READ_USER', value: 'grafana' },
      secretEnv('INFLUXDB_READ_USER_PASSWORD', INFLUX, 'reader-password'),
    ],
    // A portable snapshot through the local backup port (127.0.0.1:8088), copied with the shards.
    backup: { hook: { command: ['sh', '-c', INFLUX_SNAPSHOT], timeout: '30m' } },
  });

  const metrics = ctx.platform.metrics;
  const prometheus = metrics ? prometheusProvisioning(metrics, Object.keys(ctx.env.apps).sort()) : undefined;
  // `$READER_PASSWORD` is expanded by Grafana from its environment when it reads the file.
  const datasources = configMap('grafana-datasources', {
    ...(prometheus ? { 'prometheus.yaml': prometheus.datasourceFile } : {}),
    'influxdb.yaml': [
      'apiVersion: 1',
      'datasources:',
      '  - name: InfluxDB',
      '    uid: influxdb',
      '    type: influxdb',
      '    access: proxy',
      `    url: ${influxUrl}`,
      '    isDefault: true',
      '    editable: false',
      '    jsonData:',
      `      dbName: ${DATABASE}`,
      '      httpMode: GET',
      '    user: grafana',
      '    secureJsonData:',
      '      password: $READER_PASSWORD',
      '',
    ].join('\n'),
  });
  const grafanaData = claim({ app: APP, name: 'grafana-data', size: values.volumes.grafana, storageClass });
  const grafana = webWorkload({
    app: APP,
    role: 'grafana',
    image: image('grafana/grafana', values.images.grafana, { app: APP, field: 'images.grafana' }),
    containerPort: GRAFANA_PORT,
    replicas: 1,
    // SQLite in the data volume: one writer at a time.
    strategy: 'recreate',
    size: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } },
    probes: httpProbes('/api/health', 'http', 120),
    runAs: { user: 472, group: 472 },
    env: [
      { name: 'GF_SERVER_ROOT_URL', value: `https://${host}/` },
      { name: 'GF_SECURITY_ADMIN_USER', value: 'admin' },
      secretEnv('GF_SECURITY_ADMIN_PASSWORD', GRAFANA, 'password'),
      { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
      { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', value: 'false' },
      secretEnv('READER_PASSWORD', INFLUX, 'reader-password'),
    ],
    mounts: [
      { name: 'data', mountPath: '/var/lib/grafana', claim: 'grafana-data' },
      { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true, configMap: datasources },
      // The image logs to files there as well as to the console; the root is read-only.
      { name: 'logs', mountPath: '/var/log/grafana', emptyDir: { sizeLimit: '64Mi' } },
      ...(prometheus
        ? [
            { name: 'dashboard-provider', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true, configMap: prometheus.provider },
            { name: 'dashboards', mountPath: DASHBOARDS_PATH, readOnly: true, configMap: prometheus.files },
          ]
        : []),
    ],
    routes: [{ host }],
    ingress: ctx.platform.ingress,
  });

  const secrets = appSecrets(
    [
      { namespace: APP, refs: [INFLUX, GRAFANA] },
      { namespace: AGENT_NAMESPACE, refs: [WRITER] },
    ],
  );
  const declared = (ns: string) => secrets.filter((s) => s.metadata.namespace === ns);

  const main = appComponent(APP, [
    appNamespace({ name: APP, app: APP }),
    ...influxdb.resources,
    datasources,
    ...(prometheus ? [prometheus.provider, prometheus.files] : []),
    grafanaData,
    ...grafana.resources,
    defaultDeny(),
    allowDns(),
    rolePolicy({
      app: APP,
      role: 'influxdb',
      ingress: [
        { peers: [{ role: 'grafana' }], ports: [INFLUX_PORT] },
        { peers: [{ namespace: AGENT_NAMESPACE }], ports: [INFLUX_PORT] },
      ],
      egress: [],
    }),
    rolePolicy({
      app: APP,
      role: 'grafana',
      ingress: [{ peers: [{ namespace: ctx.platform.ingress.namespace }], ports: [GRAFANA_PORT] }],
      egress: [{ peers: [{ role: 'influxdb' }], ports: [INFLUX_PORT] }, ...(prometheus ? [prometheus.egress] : [])],
    }),
  ], { runtimeObjects: declared(APP) });
  const agent = appComponent(AGENT_NAMESPACE, [
    ...telegraf({
      app: APP,
      image: image('telegraf', values.images.telegraf, { app: APP, field: 'images.telegraf' }),
      interval: values.interval,
      influx: { url: influxUrl, database: DATABASE, user: 'telegraf', password: { secret: WRITER, key: 'password' }, namespace: APP, role: 'influxdb', port: INFLUX_PORT },
    }),
    // Same wave as InfluxDB: no real order (Telegraf buffers and retries its writes until the
    // database is up), so an agent never waits on, or holds back, another app's wave.
  ], { syncWave: main.syncWave, runtimeObjects: declared(AGENT_NAMESPACE) });
  return [main, agent];
};

/** Grafana's datasource uid for Prometheus: what every dashboard query names. */
export const PROMETHEUS_DATASOURCE: Datasource = { uid: 'prometheus', type: 'prometheus' };

/** The Prometheus datasource file, the dashboards (platform + one per app) and Grafana's way out to Prometheus. */
function prometheusProvisioning(metrics: MetricsFacts, apps: readonly string[]) {
  const datasourceFile = [
    'apiVersion: 1',
    'datasources:',
    '  - name: Prometheus',
    `    uid: ${PROMETHEUS_DATASOURCE.uid}`,
    `    type: ${PROMETHEUS_DATASOURCE.type}`,
    '    access: proxy',
    `    url: ${metrics.prometheusUrl}`,
    '    isDefault: false',
    '    editable: false',
    '    jsonData:',
    '      httpMethod: POST',
    '      timeInterval: 30s',
    '',
  ].join('\n');
  const dashboards: Dashboard[] = [
    clusterDashboard,
    nodesDashboard,
    traefikDashboard,
    ...apps.map((app) =>
      appDashboard({
        app,
        // monitoring's node agent has its own namespace; django-web has a database exporter.
        namespaces: app === APP ? [APP, AGENT_NAMESPACE] : [app],
        ...(app === 'django-web' ? { extra: postgresPanels(app) } : {}),
      }),
    ),
  ];
  const { provider, files } = dashboardConfigMaps(dashboards, PROMETHEUS_DATASOURCE);
  const egress: Rule = { peers: [{ namespace: metrics.namespace, podLabels: { ...metrics.prometheusPodLabels } }], ports: [metrics.prometheusPort] };
  return { datasourceFile, provider, files, egress };
}
