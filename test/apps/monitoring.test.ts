import { describe, expect, it } from 'vitest';
import { find, podSpec } from './helpers.ts';

describe('monitoring', () => {
  it('provisions Grafana’s InfluxDB datasource from a ConfigMap, password from the environment', () => {
    const cm = find('dev', 'monitoring', 'ConfigMap', 'grafana-datasources');
    expect(cm.data['influxdb.yaml']).toContain('url: http://influxdb.monitoring.svc.cluster.local:8086');
    expect(cm.data['influxdb.yaml']).toContain('password: $READER_PASSWORD');
    const spec = podSpec(find('dev', 'monitoring', 'Deployment', 'grafana'));
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true });
    expect(find('dev', 'monitoring', 'IngressRoute', 'grafana').spec.routes[0].match).toBe('Host(`grafana.dev.sound-buzz.live`)');
  });

  it('runs Telegraf on every node in its own namespace, writing to InfluxDB with a Secret reference', () => {
    const ds = find('prod', 'telegraf', 'DaemonSet', 'telegraf');
    expect(ds.metadata.namespace).toBe('telegraf');
    const c = podSpec(ds).containers[0];
    expect(c.env).toContainEqual({ name: 'INFLUX_PASSWORD', valueFrom: { secretKeyRef: { name: 'influxdb-writer', key: 'password' } } });
    expect(c.volumeMounts).toContainEqual({ name: 'hostfs', mountPath: '/hostfs', readOnly: true, mountPropagation: 'HostToContainer' });
    const ns = find('prod', 'telegraf', 'Namespace', 'telegraf');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['pod-security.gitops/reason']).toMatch(/hostPath/);
    expect(find('prod', 'telegraf', 'ConfigMap', 'telegraf').data['telegraf.conf']).toContain('[[inputs.cpu]]');
  });

  it('lets InfluxDB in from Grafana and the Telegraf namespace only', () => {
    const np = find('prod', 'monitoring', 'NetworkPolicy', 'influxdb');
    expect(np.spec.ingress.map((r: any) => r.from[0])).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'monitoring', 'app.kubernetes.io/component': 'grafana' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'telegraf' } } },
    ]);
  });
});
