// Metrics and alerts: Prometheus, Alertmanager, prometheus-operator, kube-state-metrics and
// node-exporter, from the prometheus-community `kube-prometheus-stack` chart as an Argo CD Helm
// source with values we own — not rendered objects. The decision, as for Pebble, and why:
//  - The stack is ~120 objects of upstream RBAC, ten CRDs of several MB (Prometheus' alone is
//    larger than kubectl's last-applied annotation allows) and an admission webhook whose
//    certificate the chart's own hook Jobs generate. Re-typing that would be a fork to maintain
//    at every operator release; the chart is how upstream ships and tests it.
//  - What is ours is typed and rendered here, where a review sees it and the validator checks
//    it: which pods are scraped (PodMonitor/ServiceMonitor), the alert rules (PrometheusRule,
//    PromQL parsed at render), where alerts go (AlertmanagerConfig), and the chart values
//    (retention, storage, sizes from the environment).
//  - The chart carries no private key (the webhook certificate is generated in the cluster),
//    so nothing forces the opposite choice.
// The CRDs come with the chart's Application, one sync wave before this component's objects,
// which are the first users of the CRDs; apps add their own rules later (wave ≥ -1).
import type { BackupPlatformFacts } from './velero.ts';
import { AlertmanagerConfig, Namespace, PodMonitor, ServiceMonitor } from './kinds.ts';
import type { MonitoringFacts, PlatformVersions } from '../environments/types.ts';
import { RenderError, type Component, type KubeObject, type UpstreamSource } from '../render/types.ts';
import type { MetricsFacts, StorageClassRef } from './facts.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';
import { platformAlerts } from './prometheus-rules.ts';
import { scrapeAnnotation } from './scrape.ts';

export const kubePrometheusStackChart = {
  repoURL: 'https://prometheus-community.github.io/helm-charts',
  chart: 'kube-prometheus-stack',
} as const;

/**
 * The chart versions this model was written for (76.x: prometheus-operator 0.84, whose CRDs match
 * `@kubernetes-models/prometheus-operator` 6). The values keys below are that line's.
 */
export const kubePrometheusStackRelease = {
  pin: 'kube-prometheus-stack',
  component: 'prometheus',
  supported: '>=76.5.0 <77.0.0',
  prefix: '',
} as const satisfies ReleaseLine;

export type PrometheusVersions = Pick<PlatformVersions, 'kube-prometheus-stack'>;

export const prometheusNamespace = 'prometheus';
/** `fullnameOverride`: the chart names its objects `<this>-prometheus`, `<this>-alertmanager`, … */
const fullname = 'kube-prometheus';
/** The chart's Prometheus CR (and Service) name without `cleanPrometheusOperatorObjectNames`. */
const prometheusName = `${fullname}-prometheus`;
const prometheusPort = 9090;
/** The AlertmanagerConfig the Alertmanager takes as its whole configuration. */
const routingConfigName = 'alert-routing';

export interface PrometheusInput {
  facts: MonitoringFacts;
  storageClass: StorageClassRef;
  /** Namespace of Argo CD, whose metrics Services a ServiceMonitor selects. */
  argocdNamespace: string;
  versions: PrometheusVersions;
  /** Velero's Schedules: each gets a "backup older than its schedule" alert. */
  backups?: BackupPlatformFacts;
}

export interface Prometheus {
  component: Component;
  facts: MetricsFacts;
}

/** `20Gi` → the Prometheus size 85 % of it may hold (`17GB`: Prometheus' units are powers of 1024). */
export function retentionSize(storage: string): string {
  const m = /^(\d+)(Mi|Gi|Ti)$/.exec(storage);
  if (!m) {
    throw new RenderError({ component: 'prometheus', field: 'monitoring.storage' }, `"${storage}" must be a whole number of Mi, Gi or Ti (e.g. 20Gi)`);
  }
  const mib = Number(m[1]) * { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as 'Mi' | 'Gi' | 'Ti'];
  return `${Math.floor(mib * 0.85)}MB`;
}

/** Values over the chart's defaults (Helm merges maps; lists are replaced whole). */
export function prometheusHelmValues(input: PrometheusInput): Record<string, unknown> {
  const f = input.facts;
  const claim = (size: string) => ({
    volumeClaimTemplate: {
      spec: { storageClassName: input.storageClass.name, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
    },
  });
  // Select every monitor and rule in every namespace, not only those labelled with the release.
  const everywhere = Object.fromEntries(
    ['serviceMonitor', 'podMonitor', 'rule', 'probe', 'scrapeConfig'].flatMap((k) => [
      [`${k}SelectorNilUsesHelmValues`, false],
      [`${k}Selector`, {}],
      [`${k}NamespaceSelector`, {}],
    ]),
  );
  return {
    fullnameOverride: fullname,
    crds: { enabled: true },
    // Our alert rules are typed in platform/prometheus-rules.ts (and the apps'); upstream's
    // mixin rules also alert on the control-plane endpoints that kubeadm binds to 127.0.0.1.
    defaultRules: { create: false },
    // apps/monitoring runs Grafana (with its dashboards and a datasource for this Prometheus).
    grafana: { enabled: false },
    // kubeadm binds the scheduler, controller-manager and etcd metrics to 127.0.0.1, and
    // kube-proxy's to 127.0.0.1:10249: scraping them from a pod only ever reports "down".
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    prometheus: {
      prometheusSpec: {
        ...everywhere,
        retention: f.retention,
        // Prometheus deletes the oldest blocks before the volume fills (NFS claims do not stop at their size).
        retentionSize: retentionSize(f.storage),
        // On the cluster's only StorageClass, NFS. Prometheus' docs do not support NFS for its
        // TSDB (locking, partial writes); a node-local volume would pin Prometheus to one node.
        // The NFS export must be NFSv4 with working locks (docs/apps.md, monitoring).
        storageSpec: claim(f.storage),
        resources: f.prometheusSize,
        // The chart's default: a read-only root, non-root user 1000 with fsGroup 2000.
      },
    },
    alertmanager: {
      alertmanagerSpec: {
        // The whole Alertmanager configuration is the typed AlertmanagerConfig below.
        alertmanagerConfiguration: { name: routingConfigName },
        storage: claim(f.alertmanagerStorage),
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      },
    },
  };
}

export function prometheus(input: PrometheusInput): Prometheus {
  const chart: UpstreamSource = {
    label: 'chart',
    repoURL: kubePrometheusStackChart.repoURL,
    chart: kubePrometheusStackChart.chart,
    targetRevision: pinnedRelease(kubePrometheusStackRelease, input.versions['kube-prometheus-stack']),
    helmValues: prometheusHelmValues(input),
    namespace: prometheusNamespace,
    // Prometheus' CRD alone is larger than the last-applied annotation can hold.
    serverSideApply: true,
    crdGroups: ['monitoring.coreos.com'],
    // The chart's hook Jobs patch the webhooks' CA bundle in the cluster after every sync.
    ignoreDifferences: [
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
    ],
  };
  const webhook = input.facts.alertWebhook;
  const facts: MetricsFacts = {
    namespace: prometheusNamespace,
    prometheusUrl: `http://${prometheusName}.${prometheusNamespace}.svc.cluster.local:${prometheusPort}`,
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': prometheusName },
    prometheusPort,
  };

  return {
    component: {
      name: 'prometheus',
      namespace: prometheusNamespace,
      layer: 'platform',
      // After Sealed Secrets (-5), which unseals the webhook URL; before the apps' own rules.
      syncWave: -3,
      resources: [
        new Namespace({
          metadata: {
            name: prometheusNamespace,
            labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'baseline' },
            annotations: { 'pod-security.gitops/reason': "node-exporter (the chart's DaemonSet) reads the host's /proc, /sys and root through hostPath, on the host network and PID namespace" },
          },
        }),
        annotatedPods(),
        argocdMonitor(input.argocdNamespace),
        alertRouting(webhook),
        platformAlerts(input.backups),
      ],
      upstream: [chart],
      // The chart creates the Prometheus Service. The webhook Secret is the environment's to seal
      // (the convergence proof names it, with the seal command, until it is).
      runtimeObjects: [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: prometheusName, namespace: prometheusNamespace }, spec: { ports: [{ name: 'http-web', port: prometheusPort }] } },
      ],
    },
    facts,
  };
}

/**
 * Every pod in every namespace annotated `prometheus.io/scrape: "true"`, on the annotated port,
 * path and scheme — the convention Traefik's and MetalLB's manifests (and our apps) follow.
 */
function annotatedPods(): PodMonitor {
  const meta = (annotation: string) => `__meta_kubernetes_pod_annotation_${annotation.replace(/[^A-Za-z0-9]/g, '_')}`;
  return new PodMonitor({
    metadata: { name: 'annotated-pods' },
    spec: {
      namespaceSelector: { any: true },
      selector: {},
      podMetricsEndpoints: [
        {
          // One target per pod (not per declared container port): the annotation names the port.
          relabelings: [
            { action: 'keep', sourceLabels: [meta(scrapeAnnotation.scrape)], regex: 'true' },
            { action: 'drop', sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed' },
            { action: 'replace', sourceLabels: [meta(scrapeAnnotation.path)], regex: '(.+)', targetLabel: '__metrics_path__' },
            { action: 'replace', sourceLabels: [meta(scrapeAnnotation.scheme)], regex: '(https?)', targetLabel: '__scheme__' },
            {
              action: 'replace',
              sourceLabels: ['__meta_kubernetes_pod_ip', meta(scrapeAnnotation.port)],
              regex: '(.+);(\\d+)',
              replacement: '$1:$2',
              targetLabel: '__address__',
            },
            { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_part_of'], targetLabel: 'app' },
            { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'], targetLabel: 'component' },
            // The operator adds the container port name; with the address rewritten it is noise.
            { action: 'labeldrop', regex: 'endpoint|container' },
          ],
        },
      ],
    },
  });
}

/**
 * Argo CD's metrics Services as the upstream install ships them, every one with a port named
 * `metrics`: application controller (8082, `argocd_app_info`), API server (8083), repo server
 * (8084), ApplicationSet controller (8080), notifications controller (9001).
 */
function argocdMonitor(namespace: string): ServiceMonitor {
  return new ServiceMonitor({
    metadata: { name: 'argocd' },
    spec: {
      namespaceSelector: { matchNames: [namespace] },
      selector: {
        matchExpressions: [
          {
            key: 'app.kubernetes.io/name',
            operator: 'In',
            values: ['argocd-applicationset-controller', 'argocd-metrics', 'argocd-notifications-controller-metrics', 'argocd-repo-server', 'argocd-server-metrics'],
          },
        ],
      },
      endpoints: [{ port: 'metrics', interval: '30s' }],
    },
  });
}

/**
 * Where alerts go: the chat webhook whose URL is a Secret (sealed by the operator). Critical
 * alerts repeat hourly, others every 12 h; while an alert fires as critical, the same alert at
 * warning severity in that namespace is held back (one message per problem).
 */
function alertRouting(webhook: MonitoringFacts['alertWebhook']): AlertmanagerConfig {
  const url = { name: webhook.secret, key: webhook.key };
  const receiver =
    webhook.format === 'slack'
      ? {
          name: 'chat',
          slackConfigs: [
            {
              apiURL: url,
              sendResolved: true,
              title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
              text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}',
            },
          ],
        }
      : { name: 'chat', webhookConfigs: [{ urlSecret: url, sendResolved: true }] };
  return new AlertmanagerConfig({
    metadata: { name: routingConfigName },
    spec: {
      route: {
        receiver: 'chat',
        groupBy: ['alertname', 'namespace'],
        groupWait: '30s',
        groupInterval: '5m',
        repeatInterval: '12h',
        routes: [{ matchers: [{ name: 'severity', matchType: '=', value: 'critical' }], receiver: 'chat', repeatInterval: '1h' }],
      },
      receivers: [receiver],
      inhibitRules: [
        {
          sourceMatch: [{ name: 'severity', matchType: '=', value: 'critical' }],
          targetMatch: [{ name: 'severity', matchType: '=', value: 'warning' }],
          equal: ['alertname', 'namespace'],
        },
      ],
    },
  });
}
