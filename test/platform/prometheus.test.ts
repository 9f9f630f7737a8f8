// Metrics and alerts: the kube-prometheus-stack chart as an Argo CD source with our values, the
// typed monitors and rules, and the proof that every rule reads a metric something exports.
import { describe, expect, it } from 'vitest';
import { built } from '../apps/helpers.ts';
import { buildEnvironment } from '../../render/build.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { backupFreshnessAlerts, cronPeriodSeconds } from '../../platform/alert-rules.ts';
import { retentionSize } from '../../platform/prometheus.ts';
import { parsePromql } from '../../render/validate/promql.ts';
import { unexported } from '../helpers/metrics.ts';
import { validateBundle } from '../../render/validate/index.ts';
import { RenderError, type KubeObject } from '../../render/types.ts';
import { renderPreview } from '../../render/delivery/preview.ts';
import { preview } from '../../environments/preview.ts';

const ENVS = ['dev', 'prod'] as const;
const MONITORING_GROUP = 'monitoring.coreos.com/';

const chartApp = (env: 'dev' | 'prod'): any =>
  built(env).objects.find((o) => o.object.kind === 'Application' && o.object.metadata.name === 'prometheus-chart')!.object;
const objectsOf = (env: 'dev' | 'prod', kind: string) => built(env).objects.filter((o) => o.object.kind === kind);

describe('kube-prometheus-stack', () => {
  it('is an Argo CD Helm source at the pinned chart version, applied server-side, with values from the environment', () => {
    for (const env of ENVS) {
      const e = env === 'dev' ? dev : prod;
      const app = chartApp(env);
      expect(app.spec.source).toMatchObject({
        repoURL: 'https://prometheus-community.github.io/helm-charts',
        chart: 'kube-prometheus-stack',
        targetRevision: e.platform['kube-prometheus-stack'],
      });
      expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
      const values = app.spec.source.helm.valuesObject;
      const spec = values.prometheus.prometheusSpec;
      expect(spec.retention).toBe(e.monitoring!.retention);
      expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(e.monitoring!.storage);
      // The StorageClass comes from the NFS model, not a second spelling.
      const sc = built(env).objects.find((o) => o.object.kind === 'StorageClass')!.object.metadata.name;
      expect(spec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe(sc);
      expect(values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName).toBe(sc);
      expect(spec.ruleSelectorNilUsesHelmValues).toBe(false);
      expect(spec.podMonitorNamespaceSelector).toEqual({});
      expect(values.defaultRules.create).toBe(false);
      expect(values.grafana.enabled).toBe(false);
    }
  });

  it('derives a retention size that leaves the volume 15 % headroom', () => {
    expect(retentionSize('20Gi')).toBe('17408MB');
    expect(retentionSize('512Mi')).toBe('435MB');
    expect(() => retentionSize('20G')).toThrow(RenderError);
  });

  it('syncs every ServiceMonitor, PodMonitor, PrometheusRule and AlertmanagerConfig after the wave that brings their CRDs', () => {
    for (const env of ENVS) {
      const b = built(env);
      const crdWave = Number(chartApp(env).metadata.annotations['argocd.argoproj.io/sync-wave']);
      const users = b.objects.filter((o) => o.object.apiVersion.startsWith(MONITORING_GROUP));
      expect(users.length).toBeGreaterThan(4);
      for (const u of users) {
        const wave = b.components.find((c) => c.name === u.component)!.syncWave;
        expect(wave, `${env} ${u.path}`).toBeGreaterThan(crdWave);
      }
    }
  });

  it('renders no monitoring object, exporter or Prometheus datasource where the environment has no Prometheus', () => {
    const { monitoring: _none, ...bare } = dev;
    const b = buildEnvironment(bare);
    expect(b.objects.filter((o) => o.object.apiVersion.startsWith(MONITORING_GROUP))).toEqual([]);
    expect(b.components.map((c) => c.name)).not.toContain('prometheus');
    expect(JSON.stringify(b.objects)).not.toContain('postgres-exporter');
    const ds = b.objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata.name === 'grafana-datasources')!.object as any;
    expect(Object.keys(ds.data)).toEqual(['influxdb.yaml']);
  });

  it('leaves pull request previews unmonitored (no rules paging for disposable apps, no exporters)', () => {
    const r = renderPreview(preview, 7);
    expect(r.objects.filter((o) => o.apiVersion.startsWith(MONITORING_GROUP))).toEqual([]);
    expect(JSON.stringify(r.objects)).not.toContain('postgres-exporter');
  });

  it('routes alerts to the webhook Secret the environment names, never rendered in clear; the inventory asks for it to be sealed', () => {
    for (const env of ENVS) {
      const e = env === 'dev' ? dev : prod;
      const cfg = objectsOf(env, 'AlertmanagerConfig')[0].object as any;
      expect(JSON.stringify(cfg.spec.receivers)).toContain(JSON.stringify({ name: e.monitoring!.alertWebhook.secret, key: e.monitoring!.alertWebhook.key }));
      expect(chartApp(env).spec.source.helm.valuesObject.alertmanager.alertmanagerSpec.alertmanagerConfiguration.name).toBe(cfg.metadata.name);
      expect(built(env).objects.some((o) => o.object.kind === 'Secret' && o.object.metadata.name === e.monitoring!.alertWebhook.secret)).toBe(false);
      const entry = built(env).secrets.entries.find((s) => s.name === e.monitoring!.alertWebhook.secret && s.namespace === cfg.metadata.namespace);
      expect(entry?.readers.map((r) => r.blocks)).toEqual(['feature']);
    }
  });
});

/** Every alerting rule of an environment, with where it lives. */
function alertsOf(env: 'dev' | 'prod'): { namespace: string; rule: any }[] {
  return objectsOf(env, 'PrometheusRule').flatMap((o) =>
    (o.object as any).spec.groups.flatMap((g: any) => g.rules.map((rule: any) => ({ namespace: o.object.metadata.namespace!, rule }))),
  );
}

describe('alert rules', () => {
  it('cover what the issue asks for, in both environments', () => {
    for (const env of ENVS) {
      const names = new Set(alertsOf(env).map((a) => a.rule.alert));
      for (const a of ['NodeNotReady', 'PodCrashLooping', 'PersistentVolumeAlmostFull', 'CertificateExpiringSoon', 'ArgoCDAppDegraded', 'ArgoCDAppOutOfSync', 'BackupTooOld', 'PostgresReplicaLagging']) {
        expect(names, `${env} ${a}`).toContain(a);
      }
    }
  });

  it('every expression parses and every alert has a severity and a summary (the render validator finds nothing)', () => {
    for (const env of ENVS) {
      const rules = objectsOf(env, 'PrometheusRule');
      const findings = validateBundle(rules.map((o) => ({ object: o.object })), { kubeVersion: '1.33' });
      expect(findings.filter((f) => f.rule === 'schema/promql' || f.rule === 'schema/alert-metadata' || f.rule.startsWith('schema/'))).toEqual([]);
      for (const { rule } of alertsOf(env)) {
        expect(parsePromql(rule.expr).problems, rule.alert).toEqual([]);
        expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
        expect(rule.annotations.summary).toBeTruthy();
      }
    }
  });

  it('reads only metrics that an exporter running in the cluster publishes (no inert rule)', () => {
    for (const env of ENVS) {
      for (const { namespace, rule } of alertsOf(env)) {
        expect(unexported(env, namespace, rule.expr), `${env} ${namespace} ${rule.alert}`).toEqual([]);
      }
    }
  });

  it('would flag a rule on a metric nobody exports, and a sidecar metric away from its sidecar', () => {
    expect(unexported('dev', 'django-web', 'rate(http_requests_total[5m]) > 1')).toEqual(['http_requests_total']);
    expect(unexported('dev', 'django-web', 'pg_replication_lag_seconds > 300')).toEqual([]);
    expect(unexported('dev', 'hello', 'pg_replication_lag_seconds > 300')).toEqual(['pg_replication_lag_seconds']);
    expect(unexported('dev', 'prometheus', 'certmanager_certificate_expiration_timestamp_seconds')).toEqual(['certmanager_certificate_expiration_timestamp_seconds']);
  });

  it('alerts when the newest backup is older than its schedule allows, or when none ever succeeded', () => {
    expect(cronPeriodSeconds('30 2 * * *', { namespace: 'n', name: 'b' })).toBe(86400);
    expect(cronPeriodSeconds('0 */6 * * *', { namespace: 'n', name: 'b' })).toBe(6 * 3600);
    expect(cronPeriodSeconds('0 3 * * 0', { namespace: 'n', name: 'b' })).toBe(7 * 86400);
    expect(cronPeriodSeconds('@monthly', { namespace: 'n', name: 'b' })).toBe(31 * 86400);
    expect(cronPeriodSeconds('0 4 1 1 *', { namespace: 'n', name: 'b' })).toBe(366 * 86400);
    expect(cronPeriodSeconds('0 2 * * mon-fri', { namespace: 'n', name: 'b' })).toBe(3 * 86400);
    expect(() => cronPeriodSeconds('0 2 * *', { namespace: 'n', name: 'b' })).toThrow(RenderError);

    const [cron] = backupFreshnessAlerts([{ namespace: 'db', schedule: '30 2 * * *', source: { kind: 'cronjob', name: 'dump' }, graceSeconds: 7200 }]);
    expect(cron.expr).toContain('time() - kube_cronjob_status_last_successful_time{namespace="db",cronjob="dump"} > 93600');
    expect(cron.expr).toContain('unless on (namespace, cronjob)');
    const [velero] = backupFreshnessAlerts([{ namespace: 'velero', schedule: '0 3 * * 0', source: { kind: 'velero', name: 'weekly' }, graceSeconds: 3600 }]);
    expect(velero.expr).toBe('time() - velero_backup_last_successful_timestamp{schedule="weekly"} > 608400');
    for (const a of [cron, velero]) expect(parsePromql(a.expr).problems).toEqual([]);

    // django-web's dump, from the environment's schedule.
    const rendered = alertsOf('prod').find((a) => a.rule.alert === 'BackupTooOld')!;
    expect(rendered.namespace).toBe('django-web');
    expect(rendered.rule.expr).toContain('cronjob="db-backup"} > 93600');
  });
});

describe('scraping', () => {
  const pod = (o: KubeObject): any => (o as any).spec?.template;

  it('scrapes annotated pods in every namespace, on the annotated port, path and scheme', () => {
    const pm = objectsOf('dev', 'PodMonitor').find((o) => o.object.metadata.name === 'annotated-pods')!.object as any;
    expect(pm.spec.namespaceSelector).toEqual({ any: true });
    const relabel = pm.spec.podMetricsEndpoints[0].relabelings;
    expect(relabel[0]).toEqual({ action: 'keep', sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' });
    expect(relabel.map((r: any) => r.targetLabel)).toEqual(expect.arrayContaining(['__metrics_path__', '__scheme__', '__address__']));
  });

  it('Traefik and the PostgreSQL exporters are annotated on a port their pod declares', () => {
    for (const env of ENVS) {
      const annotated = built(env).objects.filter((o) => pod(o.object)?.metadata?.annotations?.['prometheus.io/scrape'] === 'true');
      const names = annotated.map((o) => `${o.object.metadata.namespace}/${o.object.metadata.name}`);
      expect(names).toEqual(expect.arrayContaining(['traefik/traefik', 'django-web/db', 'django-web/db-replica']));
      for (const o of annotated) {
        const t = pod(o.object);
        const port = Number(t.metadata.annotations['prometheus.io/port']);
        const ports = t.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort));
        expect(ports, `${env} ${o.path}`).toContain(port);
      }
    }
  });

  it('lets Prometheus through the database NetworkPolicies to the exporter port only', () => {
    for (const name of ['db', 'db-replica']) {
      const np = built('prod').objects.find((o) => o.object.kind === 'NetworkPolicy' && o.object.metadata.namespace === 'django-web' && o.object.metadata.name === name)!.object as any;
      const scrape = np.spec.ingress.find((r: any) => r.from.some((p: any) => p.namespaceSelector));
      expect(scrape).toEqual({
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prometheus' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-prometheus' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 9187 }],
      });
    }
  });

  it('scrapes Argo CD through its metrics Services (the application controller publishes argocd_app_info)', () => {
    const sm = objectsOf('prod', 'ServiceMonitor').find((o) => o.object.metadata.name === 'argocd')!.object as any;
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['argocd'] });
    expect(sm.spec.selector.matchExpressions[0].values).toContain('argocd-metrics');
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', interval: '30s' }]);
  });
});
