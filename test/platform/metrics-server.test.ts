import { describe, expect, it } from 'vitest';
import { APIService, ClusterRole, ClusterRoleBinding, Deployment, HorizontalPodAutoscaler, RoleBinding, Service, ServiceAccount } from '../../platform/kinds.ts';
import type { ClusterFacts } from '../../environments/types.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { checkMetricsWaves, metricsServer, metricsServerArgs } from '../../platform/metrics-server.ts';
import { buildEnvironment } from '../../render/build.ts';
import { renderError } from '../helpers/errors.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

const cluster: ClusterFacts = { ...dev.cluster, kubeletServingCerts: 'cluster-ca' };
const { component, facts } = metricsServer(cluster, dev.platform);
const all = <T>(ctor: new (...args: never[]) => T): T[] => component.resources.filter((r) => r instanceof ctor) as T[];
const only = <T>(ctor: new (...args: never[]) => T): T => {
  const found = all(ctor);
  if (found.length !== 1) throw new Error(`expected one ${ctor.name}, found ${found.length}`);
  return found[0]!;
};
const deployment = only(Deployment);
const container = deployment.spec!.template.spec!.containers[0]!;

// The facts below are upstream's v0.8.1 release manifest (components.yaml, built from manifests/base).
describe('metrics-server', () => {
  it('is a platform component in kube-system, after flannel and before every app', () => {
    expect(component).toMatchObject({ name: 'metrics-server', namespace: 'kube-system', layer: 'platform', syncWave: -25 });
    expect(facts).toEqual({ apiService: 'v1beta1.metrics.k8s.io', group: 'metrics.k8s.io', syncWave: -25 });
  });

  it('every object passes its kubernetes-models schema and carries k8s-app: metrics-server', () => {
    for (const r of component.resources) {
      assertSchemaValid(r);
      expect((r as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.['k8s-app']).toBe('metrics-server');
    }
  });

  it('runs upstream\'s image, flags, port, probes, resources and security context', () => {
    expect(container.image).toBe(`registry.k8s.io/metrics-server/metrics-server:${dev.platform['metrics-server']}`);
    expect(container.args).toEqual([
      '--cert-dir=/tmp',
      '--secure-port=10250',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
    ]);
    expect(container.ports).toEqual([{ name: 'https', containerPort: 10250, protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' }, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 20 });
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 'https', scheme: 'HTTPS' }, periodSeconds: 10, failureThreshold: 3 });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '200Mi' } });
    expect(container.securityContext).toEqual({
      readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp-dir', mountPath: '/tmp' }]);
    const pod = deployment.spec!.template.spec!;
    expect(pod.volumes).toEqual([{ name: 'tmp-dir', emptyDir: {} }]);
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.serviceAccountName).toBe(only(ServiceAccount).metadata!.name);
    expect(deployment.spec!.strategy).toEqual({ rollingUpdate: { maxUnavailable: 0 } });
  });

  it('trusts kubelets as the cluster facts say: verified with cluster-CA serving certs, --kubelet-insecure-tls with kubeadm\'s self-signed ones', () => {
    expect(metricsServerArgs({ kubeletServingCerts: 'cluster-ca' })).not.toContain('--kubelet-insecure-tls');
    expect(metricsServerArgs({ kubeletServingCerts: 'self-signed' })).toContain('--kubelet-insecure-tls');
    // The lab keeps kubeadm's default; prod runs serverTLSBootstrap kubelets.
    expect(dev.cluster.kubeletServingCerts).toBe('self-signed');
    expect(prod.cluster.kubeletServingCerts).toBe('cluster-ca');
  });

  it('has upstream\'s RBAC: the aggregated reader, its own ClusterRole, auth-delegator and the auth-reader RoleBinding in kube-system', () => {
    const roles = Object.fromEntries(all(ClusterRole).map((r) => [r.metadata!.name, r]));
    expect(roles['system:aggregated-metrics-reader']!.rules).toEqual([{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }]);
    expect(roles['system:aggregated-metrics-reader']!.metadata!.labels).toMatchObject({
      'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
    expect(roles['system:metrics-server']!.rules).toEqual([
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
    ]);
    const subject = { kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system' };
    const bindings = Object.fromEntries(all(ClusterRoleBinding).map((b) => [b.metadata!.name, b]));
    expect(bindings['metrics-server:system:auth-delegator']).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'system:auth-delegator' }, subjects: [subject] });
    expect(bindings['system:metrics-server']).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'system:metrics-server' }, subjects: [subject] });
    expect(only(RoleBinding)).toMatchObject({
      metadata: { name: 'metrics-server-auth-reader', namespace: 'kube-system' },
      roleRef: { kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [subject],
    });
  });

  it('registers v1beta1.metrics.k8s.io on its Service\'s https port', () => {
    const svc = only(Service);
    expect(svc.spec).toEqual({ ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', appProtocol: 'https' }], selector: { 'k8s-app': 'metrics-server' } });
    expect(deployment.spec!.template.metadata!.labels).toMatchObject(svc.spec!.selector!);
    expect(only(APIService).spec).toEqual({
      service: { name: svc.metadata!.name, namespace: 'kube-system' },
      group: 'metrics.k8s.io', version: 'v1beta1', insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100,
    });
  });

  it('refuses a cluster older than the release supports, and a pin outside the release line', () => {
    expect(renderError(() => metricsServer({ ...cluster, kubernetesVersion: '1.30' }, dev.platform)).describe()).toMatch(/cluster\.kubernetesVersion: metrics-server v0\.8\.1 needs Kubernetes 1\.31 or later \(the cluster runs 1\.30\)/);
    expect(renderError(() => metricsServer(cluster, { 'metrics-server': 'v0.9.0' })).message).toMatch(/outside the releases platform\/metrics-server\.ts was written for/);
  });

  it('syncs before every component holding an HPA, and the render refuses an HPA synced as early', () => {
    const built = buildEnvironment(dev);
    const withHpa = built.components.filter((c) => c.resources.some((r) => r.kind === 'HorizontalPodAutoscaler'));
    expect(withHpa.length).toBeGreaterThan(0);
    for (const c of withHpa) expect(c.syncWave, c.name).toBeGreaterThan(component.syncWave);
    const early = {
      name: 'early', namespace: 'early', layer: 'app' as const, syncWave: -25,
      resources: [new HorizontalPodAutoscaler({ metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 2 } })],
    };
    expect(renderError(() => checkMetricsWaves([early], facts)).describe()).toBe(
      'component early › HorizontalPodAutoscaler/early/web: sync wave -25 is not after the metrics API\'s (v1beta1.metrics.k8s.io, wave -25): the HPA would be applied before anything serves its metrics',
    );
  });
});
