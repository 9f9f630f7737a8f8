// Grafana dashboards provisioned from the repository: every file parses as a dashboard, names
// only datasources Grafana is provisioned with (by uid), and every query parses as PromQL and
// reads metrics something in the cluster exports.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, podSpec } from './helpers.ts';
import { parsePromql } from '../../render/validate/promql.ts';
import { unexported } from '../helpers/metrics.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { DASHBOARDS_PATH } from '../../apps/monitoring/dashboards.ts';

const ENVS = ['dev', 'prod'] as const;

/** uid → type of every datasource the provisioning files declare. */
function provisionedDatasources(env: 'dev' | 'prod'): Map<string, string> {
  const cm = find(env, 'monitoring', 'ConfigMap', 'grafana-datasources');
  const out = new Map<string, string>();
  for (const file of Object.values(cm.data as Record<string, string>)) {
    for (const ds of parse(file).datasources) out.set(ds.uid, ds.type);
  }
  return out;
}

function dashboards(env: 'dev' | 'prod'): [string, any][] {
  const cm = find(env, 'monitoring', 'ConfigMap', 'grafana-dashboards');
  return Object.entries(cm.data as Record<string, string>).map(([file, text]) => [file, JSON.parse(text)]);
}

describe('Grafana dashboards', () => {
  it('provision the Prometheus datasource at the URL the platform hands over', () => {
    for (const env of ENVS) {
      const file = parse(find(env, 'monitoring', 'ConfigMap', 'grafana-datasources').data['prometheus.yaml']);
      expect(file.datasources[0]).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://kube-prometheus-prometheus.prometheus.svc.cluster.local:9090' });
    }
  });

  it('exist for the cluster, the nodes, Traefik and every app of the environment', () => {
    for (const [env, e] of [['dev', dev], ['prod', prod]] as const) {
      const uids = dashboards(env).map(([, d]) => d.uid);
      expect(uids).toEqual(expect.arrayContaining(['cluster', 'nodes', 'traefik', ...Object.keys(e.apps).map((a) => `app-${a}`)]));
      expect(new Set(uids).size).toBe(uids.length);
      for (const [file, d] of dashboards(env)) expect(file).toBe(`${d.uid}.json`);
    }
  });

  it('parse, reference only provisioned datasources, and query with PromQL that parses and reads exported metrics', () => {
    for (const env of ENVS) {
      const datasources = provisionedDatasources(env);
      for (const [file, d] of dashboards(env)) {
        expect(typeof d.title, file).toBe('string');
        expect(d.panels.length, file).toBeGreaterThan(0);
        for (const p of d.panels) {
          const refs = [p.datasource, ...p.targets.map((t: any) => t.datasource)];
          for (const ref of refs) {
            expect(datasources.get(ref.uid), `${env} ${file} "${p.title}" datasource ${ref.uid}`).toBe(ref.type);
          }
          for (const t of p.targets) {
            expect(parsePromql(t.expr).problems, `${env} ${file} "${p.title}"`).toEqual([]);
            // Dashboards are evaluated by the cluster's Prometheus: sidecar metrics must exist in the app's namespace.
            const namespace = /namespace=~?"([a-z0-9-]+)/.exec(t.expr)?.[1] ?? 'prometheus';
            expect(unexported(env, namespace, t.expr), `${env} ${file} "${p.title}"`).toEqual([]);
          }
        }
      }
    }
  });

  it('are mounted where the provider file tells Grafana to read them, and cannot be edited in the UI', () => {
    for (const env of ENVS) {
      const provider = parse(find(env, 'monitoring', 'ConfigMap', 'grafana-dashboard-provider').data['repository.yaml']);
      expect(provider.providers[0]).toMatchObject({ type: 'file', allowUiUpdates: false, options: { path: DASHBOARDS_PATH } });
      const spec = podSpec(find(env, 'monitoring', 'Deployment', 'grafana'));
      const mounts = spec.containers[0].volumeMounts;
      expect(mounts).toContainEqual({ name: 'dashboards', mountPath: DASHBOARDS_PATH, readOnly: true });
      expect(mounts).toContainEqual({ name: 'dashboard-provider', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true });
      expect(spec.volumes).toContainEqual({ name: 'dashboards', configMap: { name: 'grafana-dashboards' } });
    }
  });

  it('Grafana may reach Prometheus through its NetworkPolicy', () => {
    const np = find('prod', 'monitoring', 'NetworkPolicy', 'grafana');
    expect(np.spec.egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prometheus' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-prometheus' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 9090 }],
    });
  });
});
