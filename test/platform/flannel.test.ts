import { describe, expect, it } from 'vitest';
import { ClusterRole, ConfigMap, DaemonSet, Namespace } from '../../platform/kinds.ts';
import type { ClusterFacts } from '../../environments/types.ts';
import { dev } from '../../environments/dev.ts';
import { flannel, flannelImages } from '../../platform/flannel.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

const versions = dev.platform;
const images = flannelImages(versions);

const cluster: ClusterFacts = {
  kubernetesVersion: '1.33',
  nodeSubnet: '10.0.0.0/24',
  nodes: [
    { name: 'cp', ip: '10.0.0.10', controlPlane: true },
    { name: 'w1', ip: '10.0.0.11' },
  ],
  podCidr: '10.42.0.0/16',
  serviceCidr: '10.96.0.0/12',
  kubeProxyMode: 'iptables',
  kubeletServingCerts: 'self-signed',
};

const component = flannel(cluster, versions);
const only = <T>(ctor: new (...args: never[]) => T): T => {
  const found: unknown[] = component.resources.filter((r) => r instanceof ctor);
  if (found.length !== 1) throw new Error(`expected one ${ctor.name}, found ${found.length}`);
  return found[0] as T;
};
const daemonSet = only(DaemonSet);
const podSpec = daemonSet.spec!.template.spec!;

describe('flannel', () => {
  it('is the platform component kube-flannel, first of the platform', () => {
    expect(component).toMatchObject({ name: 'flannel', namespace: 'kube-flannel', layer: 'platform', syncWave: -30 });
    expect(only(Namespace).metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('every object passes its kubernetes-models schema', () => {
    for (const r of component.resources) {
      assertSchemaValid(r);
    }
  });

  it('net-conf.json Network is the cluster pod CIDR, with the vxlan backend', () => {
    const data = only(ConfigMap).data!;
    const netConf = JSON.parse(data['net-conf.json']!);
    expect(netConf).toEqual({ Network: '10.42.0.0/16', EnableNFTables: false, Backend: { Type: 'vxlan' } });
    expect(flannel({ ...cluster, podCidr: '10.244.0.0/16' }, versions).resources).toContainEqual(
      expect.objectContaining({ data: expect.objectContaining({ 'net-conf.json': expect.stringContaining('"Network": "10.244.0.0/16"') }) }),
    );
    // Upstream's layout: two-space indentation and a trailing newline.
    expect(data['net-conf.json']).toBe(`${JSON.stringify(netConf, null, 2)}\n`);
    const cni = JSON.parse(data['cni-conf.json']!);
    expect(cni.plugins.map((p: { type: string }) => p.type)).toEqual(['flannel', 'portmap']);
  });

  it('installs the CNI plugin and config with init containers into the host paths they write', () => {
    const init = podSpec.initContainers!;
    expect(init.map((c) => c.name)).toEqual(['install-cni-plugin', 'install-cni']);
    const volumes = new Map(podSpec.volumes!.map((v) => [v.name, v]));
    const mountOf = (containerName: string, path: string) => {
      const c = init.find((x) => x.name === containerName)!;
      const mount = c.volumeMounts!.find((m) => path.startsWith(m.mountPath.replace(/\/$/, '') + '/'));
      expect(mount, `${containerName} mounts the directory of ${path}`).toBeDefined();
      return volumes.get(mount!.name)!;
    };
    const [plugin, conf] = init;
    expect(plugin!.image).toBe(images.cniPlugin);
    expect(plugin!.args).toContain('/opt/cni/bin/flannel');
    expect(mountOf('install-cni-plugin', '/opt/cni/bin/flannel').hostPath?.path).toBe('/opt/cni/bin');
    expect(conf!.image).toBe(images.flannel);
    expect(conf!.args).toEqual(['/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist']);
    expect(mountOf('install-cni', '/etc/cni/net.d/10-flannel.conflist').hostPath?.path).toBe('/etc/cni/net.d');
    expect(mountOf('install-cni', '/etc/kube-flannel/cni-conf.json').configMap?.name).toBe('kube-flannel-cfg');
  });

  it('runs flanneld as upstream v0.28.9 does', () => {
    const [main] = podSpec.containers;
    expect(main!.image).toBe('ghcr.io/flannel-io/flannel:v0.28.9');
    expect(main!.args).toEqual(['--ip-masq', '--kube-subnet-mgr', '--healthz-port=8081']);
    expect(main!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'healthz' });
    expect(main!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'healthz' });
    expect(main!.ports).toContainEqual({ name: 'healthz', containerPort: 8081, protocol: 'TCP' });
    expect(main!.securityContext?.capabilities?.add).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect(podSpec.hostNetwork).toBe(true);
    expect(podSpec.priorityClassName).toBe('system-node-critical');
    expect(podSpec.tolerations).toEqual([{ operator: 'Exists', effect: 'NoSchedule' }]);
    for (const image of [...podSpec.initContainers!, ...podSpec.containers].map((c) => c.image!)) {
      expect(Object.values(images)).toContain(image);
    }
  });

  it('opts out of host-path, privileged and run-as-non-root with reasons', () => {
    const optOut = daemonSet.metadata!.annotations!['validation.gitops/opt-out']!;
    const rules = Object.fromEntries(optOut.split('; ').map((entry) => entry.split('=') as [string, string]));
    for (const rule of ['policy/host-path', 'policy/privileged', 'policy/run-as-non-root']) {
      expect(rules[rule], rule).toMatch(/\w{4,}/);
    }
  });

  it('RBAC is upstream\'s manifest without enforcement: pods get, nodes get/list/watch, nodes/status patch, nothing more', () => {
    const plain = flannel(cluster, versions, { enforcePolicies: false });
    expect(plain.resources.find((r) => r instanceof ClusterRole)!.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
    ]);
    const binding = component.resources.find((r) => r.kind === 'ClusterRoleBinding');
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'flannel' },
      subjects: [{ kind: 'ServiceAccount', name: podSpec.serviceAccountName, namespace: 'kube-flannel' }],
    });
  });
});

// flannel's chart v0.28.9 with netpol.enabled (templates/daemonset.yaml, templates/rbac.yaml, values.yaml).
describe('flannel with NetworkPolicy enforcement', () => {
  const netpol = podSpec.containers.find((c) => c.name === 'kube-network-policies');

  it('is on by default and runs the chart\'s kube-network-policies container next to flanneld', () => {
    expect(netpol).toEqual({
      name: 'kube-network-policies',
      image: `registry.k8s.io/networking/kube-network-policies:${versions['kube-network-policies']}`,
      command: ['/bin/netpol', '--hostname-override=$(MY_NODE_NAME)', '--v=2'],
      env: [{ name: 'MY_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      volumeMounts: [{ name: 'lib-modules', mountPath: '/lib/modules', readOnly: true }],
      resources: { requests: { cpu: '100m', memory: '50Mi' } },
      securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'] } },
    });
    expect(podSpec.volumes).toContainEqual({ name: 'lib-modules', hostPath: { path: '/lib/modules' } });
    expect(podSpec.hostNetwork).toBe(true);
    expect(images.networkPolicies).toBe(netpol!.image);
  });

  it('grants the chart\'s RBAC: pods, nodes and namespaces watched, NetworkPolicies and (Baseline)AdminNetworkPolicies listed', () => {
    expect(only(ClusterRole).rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
      { apiGroups: ['policy.networking.k8s.io'], resources: ['adminnetworkpolicies', 'baselineadminnetworkpolicies'], verbs: ['list', 'watch'] },
    ]);
  });

  it('leaves the container, its volume and its RBAC out when the environment turns enforcement off', () => {
    const plain = flannel(cluster, versions, { enforcePolicies: false });
    const ds = plain.resources.find((r) => r instanceof DaemonSet) as DaemonSet;
    const spec = ds.spec!.template.spec!;
    expect(spec.containers.map((c) => c.name)).toEqual(['kube-flannel']);
    expect(spec.volumes!.map((v) => v.name)).not.toContain('lib-modules');
    expect(JSON.stringify(plain.resources)).not.toContain('networkpolicies');
    expect(ds.metadata!.annotations!['validation.gitops/opt-out']).not.toContain('policy/probes');
  });

  it('refuses a kube-network-policies pin outside the release line', () => {
    expect(() => flannel(cluster, { ...versions, 'kube-network-policies': 'v1.1.0' })).toThrow(/outside the releases platform\/flannel\.ts was written for/);
  });
});
