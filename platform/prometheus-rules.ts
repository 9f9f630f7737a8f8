// The cluster-wide alerts: each reads a metric that an exporter of the stack or of a platform
// model publishes (platform/exporters.ts; a test holds every rule to that list).
// App-specific alerts (backups, database replicas) are rendered by the apps that own them.
import type { BackupPlatformFacts } from './velero.ts';
import type { PrometheusRule } from './kinds.ts';
import { backupFreshnessAlerts, prometheusRule, type AlertGroup } from './alert-rules.ts';

const DAY = 86400;
/** Let's Encrypt certificates live 90 days and Traefik renews them 30 days before the end. */
export const certificateWarningDays = 14;

export const platformAlertGroups: readonly AlertGroup[] = [
  {
    name: 'nodes',
    rules: [
      {
        alert: 'NodeNotReady',
        expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
        for: '5m',
        severity: 'critical',
        summary: 'Node {{ $labels.node }} has not been Ready for 5 minutes',
        description: 'kubectl describe node {{ $labels.node }}; on the VM: systemctl status kubelet containerd',
      },
      {
        alert: 'NodeFilesystemAlmostFull',
        expr: '(1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|nfs4?"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|nfs4?"}) > 0.85',
        for: '15m',
        severity: 'warning',
        summary: 'Filesystem {{ $labels.mountpoint }} of {{ $labels.instance }} is {{ $value | humanizePercentage }} full',
      },
    ],
  },
  {
    name: 'workloads',
    rules: [
      {
        alert: 'PodCrashLooping',
        expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
        for: '15m',
        severity: 'warning',
        summary: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
        description: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c {{ $labels.container }} --previous',
      },
      {
        alert: 'ScrapeTargetDown',
        expr: 'up == 0',
        for: '15m',
        severity: 'warning',
        summary: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }} ({{ $labels.namespace }})',
      },
    ],
  },
  {
    name: 'storage',
    rules: [
      {
        // On nfs-subdir volumes the kubelet reports the whole export (no per-claim quota): the
        // alert then says the NFS server's export is filling up, which is just as urgent.
        alert: 'PersistentVolumeAlmostFull',
        expr: 'kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes > 0.85',
        for: '10m',
        severity: 'warning',
        summary: 'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full',
      },
    ],
  },
  {
    name: 'certificates',
    rules: [
      {
        alert: 'CertificateExpiringSoon',
        expr: `min by (cn, sans) (traefik_tls_certs_not_after) - time() < ${certificateWarningDays} * ${DAY}`,
        for: '1h',
        severity: 'warning',
        summary: `Certificate {{ $labels.cn }} served by Traefik expires in less than ${certificateWarningDays} days (renewal failing?)`,
        description: 'kubectl -n traefik logs deploy/traefik | grep -i acme',
      },
      {
        alert: 'CertificateExpired',
        expr: 'min by (cn, sans) (traefik_tls_certs_not_after) - time() < 0',
        severity: 'critical',
        summary: 'Certificate {{ $labels.cn }} served by Traefik has expired',
      },
    ],
  },
  {
    name: 'gitops',
    rules: [
      {
        alert: 'ArgoCDAppDegraded',
        expr: 'max by (name, dest_namespace) (argocd_app_info{health_status=~"Degraded|Missing"}) == 1',
        for: '30m',
        severity: 'critical',
        summary: 'Argo CD application {{ $labels.name }} has been unhealthy for 30 minutes',
        description: 'argocd app get {{ $labels.name }}',
      },
      {
        alert: 'ArgoCDAppOutOfSync',
        expr: 'max by (name, dest_namespace) (argocd_app_info{sync_status="OutOfSync"}) == 1',
        for: '30m',
        severity: 'warning',
        summary: 'Argo CD application {{ $labels.name }} has been out of sync for 30 minutes',
        description: 'argocd app diff {{ $labels.name }}',
      },
    ],
  },
];

export function platformAlerts(backups?: BackupPlatformFacts): PrometheusRule {
  // A tier is late when its next run is due and six more hours (file-system copies of every
  // volume) have passed without a success.
  const velero: AlertGroup[] = backups?.schedules.length
    ? [{
        name: 'backups',
        rules: backupFreshnessAlerts(backups.schedules.map((s) => ({ namespace: backups.namespace, schedule: s.cron, source: { kind: 'velero' as const, name: s.name }, graceSeconds: VELERO_GRACE_SECONDS }))),
      }]
    : [];
  return prometheusRule('platform-alerts', [...platformAlertGroups, ...velero]);
}

/** How long a scheduled Velero backup may run (file-system copies of every volume) before it counts as late. */
const VELERO_GRACE_SECONDS = 6 * 3600;
