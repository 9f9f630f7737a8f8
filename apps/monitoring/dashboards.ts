// Grafana dashboards, provisioned from the repository (seed 002's per-service dashboards): the
// cluster, its nodes, Traefik, and one per application. Written as typed panels and serialised to
// Grafana's JSON model here, so a dashboard names its datasource by the uid the datasource file
// provisions (one value, not two spellings) and every query is a PromQL string the tests parse.
import type { ConfigMap } from '../../platform/kinds.ts';
import { configMap } from '../kit/index.ts';

export type Unit = 'short' | 'percentunit' | 'bytes' | 'Bps' | 'reqps' | 's' | 'cores' | 'dtdurations';

export interface Query {
  expr: string;
  /** Grafana legend template, e.g. `{{node}}`. */
  legend?: string;
}

export interface Panel {
  title: string;
  kind: 'timeseries' | 'stat';
  unit: Unit;
  queries: readonly Query[];
}

export interface Dashboard {
  /** Stable id: Grafana's URL (`/d/<uid>`) and the file name. */
  uid: string;
  title: string;
  tags: readonly string[];
  panels: readonly Panel[];
}

export interface Datasource {
  uid: string;
  type: 'prometheus';
}

const PANEL_HEIGHT = 8;
const PANEL_WIDTH = 12;

/** Grafana's dashboard JSON (schema 39): two panels per row, read-only (the repository is the source). */
export function dashboardJson(d: Dashboard, ds: Datasource): string {
  const datasource = { type: ds.type, uid: ds.uid };
  const model = {
    uid: d.uid,
    title: d.title,
    tags: [...d.tags],
    editable: false,
    schemaVersion: 39,
    version: 1,
    timezone: 'browser',
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: p.kind,
      title: p.title,
      datasource,
      gridPos: { h: PANEL_HEIGHT, w: PANEL_WIDTH, x: (i % 2) * PANEL_WIDTH, y: Math.floor(i / 2) * PANEL_HEIGHT },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: p.kind === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } } : { legend: { displayMode: 'list', placement: 'bottom' } },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource,
        expr: q.expr,
        ...(q.legend ? { legendFormat: q.legend } : {}),
      })),
    })),
  };
  return `${JSON.stringify(model, null, 2)}\n`;
}

export const clusterDashboard: Dashboard = {
  uid: 'cluster',
  title: 'Cluster',
  tags: ['platform'],
  panels: [
    { title: 'Nodes Ready', kind: 'stat', unit: 'short', queries: [{ expr: 'sum(kube_node_status_condition{condition="Ready",status="true"})' }] },
    { title: 'Pods by phase', kind: 'timeseries', unit: 'short', queries: [{ expr: 'sum by (phase) (kube_pod_status_phase)', legend: '{{phase}}' }] },
    { title: 'CPU by namespace', kind: 'timeseries', unit: 'cores', queries: [{ expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))', legend: '{{namespace}}' }] },
    { title: 'Memory by namespace', kind: 'timeseries', unit: 'bytes', queries: [{ expr: 'sum by (namespace) (container_memory_working_set_bytes{container!=""})', legend: '{{namespace}}' }] },
    { title: 'Container restarts (1h)', kind: 'timeseries', unit: 'short', queries: [{ expr: 'sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[1h])) > 0', legend: '{{namespace}}/{{pod}}' }] },
    { title: 'Volumes used', kind: 'timeseries', unit: 'percentunit', queries: [{ expr: 'kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes', legend: '{{namespace}}/{{persistentvolumeclaim}}' }] },
    { title: 'Argo CD applications not Healthy', kind: 'stat', unit: 'short', queries: [{ expr: 'count(argocd_app_info{health_status!="Healthy"}) or vector(0)' }] },
    { title: 'Argo CD applications OutOfSync', kind: 'stat', unit: 'short', queries: [{ expr: 'count(argocd_app_info{sync_status="OutOfSync"}) or vector(0)' }] },
    { title: 'Scrape targets down', kind: 'stat', unit: 'short', queries: [{ expr: 'count(up == 0) or vector(0)' }] },
    { title: 'Load-balancer addresses in use', kind: 'stat', unit: 'short', queries: [{ expr: 'sum(metallb_allocator_addresses_in_use_total)' }] },
  ],
};

export const nodesDashboard: Dashboard = {
  uid: 'nodes',
  title: 'Nodes',
  tags: ['platform'],
  panels: [
    { title: 'CPU busy', kind: 'timeseries', unit: 'percentunit', queries: [{ expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', legend: '{{instance}}' }] },
    { title: 'Memory used', kind: 'timeseries', unit: 'percentunit', queries: [{ expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', legend: '{{instance}}' }] },
    { title: 'Load (1m)', kind: 'timeseries', unit: 'short', queries: [{ expr: 'node_load1', legend: '{{instance}}' }] },
    {
      title: 'Filesystem used',
      kind: 'timeseries',
      unit: 'percentunit',
      queries: [{ expr: '1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"}', legend: '{{instance}} {{mountpoint}}' }],
    },
    {
      title: 'Network',
      kind: 'timeseries',
      unit: 'Bps',
      queries: [
        { expr: 'sum by (instance) (rate(node_network_receive_bytes_total{device!~"lo|veth.*|cni.*|flannel.*"}[5m]))', legend: '{{instance}} in' },
        { expr: 'sum by (instance) (rate(node_network_transmit_bytes_total{device!~"lo|veth.*|cni.*|flannel.*"}[5m]))', legend: '{{instance}} out' },
      ],
    },
    { title: 'Uptime', kind: 'stat', unit: 'dtdurations', queries: [{ expr: 'node_time_seconds - node_boot_time_seconds', legend: '{{instance}}' }] },
  ],
};

export const traefikDashboard: Dashboard = {
  uid: 'traefik',
  title: 'Traefik',
  tags: ['platform', 'ingress'],
  panels: [
    { title: 'Requests by entry point', kind: 'timeseries', unit: 'reqps', queries: [{ expr: 'sum by (entrypoint) (rate(traefik_entrypoint_requests_total[5m]))', legend: '{{entrypoint}}' }] },
    { title: 'Requests by service', kind: 'timeseries', unit: 'reqps', queries: [{ expr: 'sum by (service) (rate(traefik_service_requests_total[5m]))', legend: '{{service}}' }] },
    { title: '5xx by service', kind: 'timeseries', unit: 'reqps', queries: [{ expr: 'sum by (service) (rate(traefik_service_requests_total{code=~"5.."}[5m]))', legend: '{{service}}' }] },
    {
      title: 'Latency p95 by service',
      kind: 'timeseries',
      unit: 's',
      queries: [{ expr: 'histogram_quantile(0.95, sum by (service, le) (rate(traefik_service_request_duration_seconds_bucket[5m])))', legend: '{{service}}' }],
    },
    { title: 'Certificate validity left', kind: 'stat', unit: 'dtdurations', queries: [{ expr: 'min by (cn) (traefik_tls_certs_not_after) - time()', legend: '{{cn}}' }] },
  ],
};

/** What an app dashboard shows beyond the common panels. */
export interface AppDashboardInput {
  app: string;
  /** Namespaces of the app's pods (most apps: one, named after the app). */
  namespaces: readonly string[];
  extra?: readonly Panel[];
}

/**
 * Per application: its traffic through Traefik (services of its namespace), CPU, memory and
 * restarts of its pods, and its volumes.
 */
export function appDashboard(input: AppDashboardInput): Dashboard {
  const ns = input.namespaces.join('|');
  const pods = `namespace=~"${ns}"`;
  // Traefik names an IngressRoute's service `<namespace>-<service>-<port>@kubernetescrd`.
  const routed = `service=~"(${ns})-.+@kubernetescrd"`;
  return {
    uid: `app-${input.app}`,
    title: `App: ${input.app}`,
    tags: ['app'],
    panels: [
      { title: 'Requests', kind: 'timeseries', unit: 'reqps', queries: [{ expr: `sum by (service, code) (rate(traefik_service_requests_total{${routed}}[5m]))`, legend: '{{service}} {{code}}' }] },
      {
        title: 'Latency p95',
        kind: 'timeseries',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.95, sum by (service, le) (rate(traefik_service_request_duration_seconds_bucket{${routed}}[5m])))`, legend: '{{service}}' }],
      },
      { title: 'CPU by pod', kind: 'timeseries', unit: 'cores', queries: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${pods},container!=""}[5m]))`, legend: '{{pod}}' }] },
      { title: 'Memory by pod', kind: 'timeseries', unit: 'bytes', queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${pods},container!=""})`, legend: '{{pod}}' }] },
      { title: 'Restarts (1h)', kind: 'timeseries', unit: 'short', queries: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[1h]))`, legend: '{{pod}}' }] },
      { title: 'Volumes used', kind: 'timeseries', unit: 'percentunit', queries: [{ expr: `kubelet_volume_stats_used_bytes{${pods}} / kubelet_volume_stats_capacity_bytes{${pods}}`, legend: '{{persistentvolumeclaim}}' }] },
      ...(input.extra ?? []),
    ],
  };
}

/** Panels for apps whose database runs a postgres_exporter sidecar (django-web). */
export function postgresPanels(namespace: string): Panel[] {
  return [
    { title: 'PostgreSQL up', kind: 'stat', unit: 'short', queries: [{ expr: `pg_up{namespace="${namespace}"}`, legend: '{{pod}}' }] },
    { title: 'Replica lag', kind: 'timeseries', unit: 's', queries: [{ expr: `pg_replication_lag_seconds{namespace="${namespace}"}`, legend: '{{pod}}' }] },
    {
      title: 'Last successful backup',
      kind: 'stat',
      unit: 'dtdurations',
      queries: [{ expr: `time() - kube_cronjob_status_last_successful_time{namespace="${namespace}"}`, legend: '{{cronjob}}' }],
    },
  ];
}

/** Where Grafana reads the dashboard files, and the provider file that says so. */
export const DASHBOARDS_PATH = '/etc/grafana/dashboards';

export function dashboardConfigMaps(dashboards: readonly Dashboard[], ds: Datasource): { provider: ConfigMap; files: ConfigMap } {
  const files: Record<string, string> = {};
  for (const d of [...dashboards].sort((a, b) => (a.uid < b.uid ? -1 : 1))) files[`${d.uid}.json`] = dashboardJson(d, ds);
  const provider = configMap('grafana-dashboard-provider', {
    'repository.yaml': [
      'apiVersion: 1',
      'providers:',
      '  - name: repository',
      '    folder: Repository',
      '    type: file',
      // Changed in Git, not in the UI: edits in Grafana are refused and files win on reload.
      '    disableDeletion: true',
      '    allowUiUpdates: false',
      '    updateIntervalSeconds: 30',
      '    options:',
      `      path: ${DASHBOARDS_PATH}`,
      '',
    ].join('\n'),
  });
  return { provider, files: configMap('grafana-dashboards', files) };
}
