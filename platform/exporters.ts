// What each exporter in the cluster publishes, as far as our alert rules and dashboards use it.
// A rule on a metric nobody exports never fires and says nothing: test/platform/prometheus.test.ts
// checks that every metric name in every rendered PrometheusRule and dashboard query is listed
// here for an exporter that runs where the rule runs. Add the name here when a rule needs a new
// metric, after checking the exporter's documentation for the release we pin.

export interface Exporter {
  /** Where it runs: the kube-prometheus-stack chart, a platform model, or a sidecar of an app. */
  source: 'kube-prometheus-stack' | 'platform' | 'sidecar';
  /** The container that serves the metrics (for sidecars: found beside the rule that reads it). */
  container?: string;
  /** For `platform`: the component that must render for the metric to exist. */
  component?: string;
  metrics: readonly string[];
}

export const exporters = {
  // Prometheus' own series for every target (not scraped from anywhere).
  prometheus: { source: 'kube-prometheus-stack', metrics: ['up', 'scrape_duration_seconds'] },
  // kube-state-metrics 2.x (the chart's subchart): object state from the API server.
  'kube-state-metrics': {
    source: 'kube-prometheus-stack',
    metrics: [
      'kube_node_status_condition',
      'kube_pod_container_status_restarts_total',
      'kube_pod_container_status_waiting_reason',
      'kube_pod_status_phase',
      'kube_deployment_status_replicas_available',
      'kube_deployment_spec_replicas',
      'kube_statefulset_status_replicas_ready',
      'kube_cronjob_status_last_successful_time',
      'kube_cronjob_next_schedule_time',
      'kube_cronjob_created',
      'kube_persistentvolumeclaim_info',
      'kube_horizontalpodautoscaler_status_current_replicas',
    ],
  },
  // The kubelet's own endpoint and its embedded cAdvisor (the chart's kubelet ServiceMonitor).
  kubelet: {
    source: 'kube-prometheus-stack',
    metrics: [
      'kubelet_volume_stats_used_bytes',
      'kubelet_volume_stats_capacity_bytes',
      'kubelet_volume_stats_available_bytes',
      'container_cpu_usage_seconds_total',
      'container_memory_working_set_bytes',
      'container_network_receive_bytes_total',
      'container_network_transmit_bytes_total',
    ],
  },
  // prometheus-node-exporter (the chart's subchart) on every node.
  'node-exporter': {
    source: 'kube-prometheus-stack',
    metrics: [
      'node_cpu_seconds_total',
      'node_load1',
      'node_memory_MemAvailable_bytes',
      'node_memory_MemTotal_bytes',
      'node_filesystem_avail_bytes',
      'node_filesystem_size_bytes',
      'node_network_receive_bytes_total',
      'node_network_transmit_bytes_total',
      'node_boot_time_seconds',
      'node_time_seconds',
    ],
  },
  // Traefik v3 on its `metrics` entry point (platform/traefik-args.ts). Service labels are on by default.
  traefik: {
    source: 'platform',
    component: 'traefik',
    metrics: [
      'traefik_tls_certs_not_after',
      'traefik_entrypoint_requests_total',
      'traefik_entrypoint_request_duration_seconds_bucket',
      'traefik_service_requests_total',
      'traefik_service_request_duration_seconds_bucket',
    ],
  },
  // Argo CD's application controller (Service argocd-metrics, port 8082).
  argocd: { source: 'platform', component: 'argocd', metrics: ['argocd_app_info', 'argocd_app_sync_total'] },
  // MetalLB controller (address pools), scraped through upstream's `prometheus.io/*` annotations
  // (port 9120). Upstream names that port `metricshttps`: if the endpoint answers only TLS, the
  // ScrapeTargetDown alert says so on the first day (then add `prometheus.io/scheme: https`).
  metallb: { source: 'platform', component: 'metallb', metrics: ['metallb_allocator_addresses_in_use_total', 'metallb_allocator_addresses_total'] },
  // Velero's server (not in this repository yet): what backupFreshnessAlerts reads for its schedules.
  velero: { source: 'platform', component: 'velero', metrics: ['velero_backup_last_successful_timestamp'] },
  // prometheus-community/postgres_exporter beside a PostgreSQL server (apps/kit/postgres.ts):
  // the default `replication` collector reports lag on a standby (0 on a primary).
  'postgres-exporter': {
    source: 'sidecar',
    container: 'postgres-exporter',
    metrics: ['pg_up', 'pg_replication_lag_seconds', 'pg_replication_is_replica'],
  },
} as const satisfies Record<string, Exporter>;

export type ExporterName = keyof typeof exporters;
