// What the rendered NetworkPolicies let through, evaluated with the API's semantics over the real
// environments, and the findings when nothing enforces them or nothing serves the HPAs' metrics.
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { Environment } from '../../environments/types.ts';
import { buildEnvironment } from '../../render/build.ts';
import { clusterInventory, renderEnvironment } from '../../render/pipeline.ts';
import type { KubeObject } from '../../render/types.ts';
import { validateBundle } from '../../render/validate/index.ts';
import { NetworkPolicies, podOf, type Endpoint } from '../helpers/netpol.ts';

const objectsOf = (env: Environment): KubeObject[] => buildEnvironment(env).objects.map((o) => o.object);
const devObjects = objectsOf(dev);
const prodObjects = objectsOf(prod);

function cluster(objects: KubeObject[]) {
  const policies = new NetworkPolicies(objects);
  // Addresses are made up inside the environments' pod CIDR (10.244.0.0/16); nodes are the facts'.
  const pods = {
    metricsServer: podOf(objects, 'Deployment', 'kube-system', 'metrics-server', '10.244.2.10'),
    metallbController: podOf(objects, 'Deployment', 'metallb-system', 'controller', '10.244.2.11'),
    provisioner: podOf(objects, 'Deployment', 'nfs-provisioner', 'nfs-client-provisioner', '10.244.2.12'),
    sealedSecrets: podOf(objects, 'Deployment', 'sealed-secrets', 'sealed-secrets-controller', '10.244.2.13'),
    traefik: podOf(objects, 'Deployment', 'traefik', 'traefik', '10.244.3.14'),
    hello: podOf(objects, 'Deployment', 'hello', 'web', '10.244.3.15'),
  };
  const coreDns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.1.2' };
  return { policies, pods, coreDns };
}

describe('platform namespaces', () => {
  it('deny by default wherever their pods are on the pod network; kube-flannel, kube-system and argocd do not, on purpose', () => {
    const platformNamespaces = new Set(buildEnvironment(dev).components.filter((c) => c.layer === 'platform').map((c) => c.namespace));
    expect(new NetworkPolicies(devObjects).defaultDenyNamespaces().filter((n) => platformNamespaces.has(n)))
      .toEqual(['metallb-system', 'nfs-provisioner', 'pebble', 'sealed-secrets', 'traefik', 'velero']);
    expect(new NetworkPolicies(prodObjects).defaultDenyNamespaces()).toEqual(expect.arrayContaining(['metallb-system', 'nfs-provisioner', 'sealed-secrets', 'traefik', 'velero']));
    // flannel runs on the host network only; kube-system holds CoreDNS and the control plane
    // (only metrics-server is isolated there); Argo CD's install ships its own ingress policies.
    const nsOf = (o: KubeObject) => o.metadata.namespace;
    const policies = devObjects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.filter((o) => nsOf(o) === 'kube-flannel' || nsOf(o) === 'argocd')).toEqual([]);
    expect(policies.filter((o) => nsOf(o) === 'kube-system').map((o) => o.metadata.name)).toEqual(['metrics-server']);
  });

  for (const [name, objects, env] of [['dev', devObjects, dev], ['prod', prodObjects, prod]] as const) {
    const { policies, pods, coreDns } = cluster(objects);
    const controlPlane = { ip: env.cluster.nodes.find((n) => n.controlPlane)!.ip };
    const apiServer: Endpoint = controlPlane;
    const kubernetesService: Endpoint = { ip: '10.96.0.1' };
    const internet: Endpoint = { ip: '203.0.113.7' };
    const controllers = [pods.metricsServer, pods.metallbController, pods.provisioner, pods.sealedSecrets, pods.traefik];

    describe(name, () => {
      it('every platform controller reaches the API server (Service address and control-plane node), and nothing else by default', () => {
        for (const pod of controllers) {
          expect(policies.allows(pod, kubernetesService, 443), pod.namespace).toBe(true);
          expect(policies.allows(pod, apiServer, 6443), pod.namespace).toBe(true);
          expect(policies.allows(pod, { ip: env.cluster.nodes[1]!.ip }, 6443), `${pod.namespace} to a worker's 6443`).toBe(false);
        }
        for (const pod of [pods.metallbController, pods.provisioner, pods.sealedSecrets, pods.traefik]) {
          expect(policies.allows(pod, coreDns, 53, 'UDP'), pod.namespace).toBe(true);
        }
        expect(policies.allows(pods.provisioner, { ip: env.nfs.server }, 2049), 'the kubelet mounts NFS, not the pod').toBe(false);
        expect(policies.allows(pods.sealedSecrets, internet, 443)).toBe(false);
      });

      it('the API server reaches metrics-server, the MetalLB webhook and the sealing certificate; other ports stay closed', () => {
        expect(policies.allows(apiServer, pods.metricsServer, 10250)).toBe(true);
        expect(policies.allows(apiServer, pods.metallbController, 9443)).toBe(true);
        expect(policies.allows(apiServer, pods.sealedSecrets, 8080)).toBe(true);
        // Through flannel's vxlan the API server's packets carry the flannel.1 address (pod CIDR).
        expect(policies.allows({ ip: '10.244.0.0' }, pods.metricsServer, 10250)).toBe(true);
        expect(policies.allows(internet, pods.metricsServer, 10250)).toBe(false);
        expect(policies.allows(apiServer, pods.metallbController, 9120)).toBe(false);
        expect(policies.allows(apiServer, pods.sealedSecrets, 8081)).toBe(false);
      });

      it('metrics-server scrapes every kubelet and nothing else', () => {
        for (const node of env.cluster.nodes) expect(policies.allows(pods.metricsServer, { ip: node.ip }, 10250), node.name).toBe(true);
        expect(policies.allows(pods.metricsServer, { ip: env.cluster.nodes[0]!.ip }, 22)).toBe(false);
        expect(policies.allows(pods.metricsServer, pods.hello, 8081)).toBe(false);
      });

      it('Traefik takes web and websecure from anywhere, reaches app pods and its ACME server; its metrics and API ports stay closed', () => {
        expect(policies.allows(internet, pods.traefik, 8000)).toBe(true);
        expect(policies.allows(internet, pods.traefik, 8443)).toBe(true);
        expect(policies.allows(internet, pods.traefik, 9100)).toBe(false);
        expect(policies.allows(pods.hello, pods.traefik, 8080)).toBe(false);
        expect(policies.allows(pods.traefik, pods.hello, 8081)).toBe(true);
        if (env.acme.issuer === 'pebble') {
          const pebble = { namespace: 'pebble', labels: { 'app.kubernetes.io/name': 'pebble' }, ip: '10.244.1.20' };
          expect(policies.allows(pods.traefik, pebble, 8443)).toBe(true);
          expect(policies.allows(pods.hello, pebble, 8443)).toBe(false);
          expect(policies.allows(pods.traefik, internet, 443)).toBe(false);
        } else {
          expect(policies.allows(pods.traefik, internet, 443)).toBe(true);
          expect(policies.allows(pods.traefik, internet, 25)).toBe(false);
        }
      });
    });
  }
});

describe('validation of what needs a provider', () => {
  const noEnforcer: Environment = { ...dev, network: { enforcePolicies: false } };

  it('the real environments render clean: every NetworkPolicy enforced, every HPA served', () => {
    for (const env of [dev, prod]) {
      const rules = renderEnvironment(env).findings.map((f) => f.rule);
      expect(rules).not.toContain('policy/network-policy-enforced');
      expect(rules).not.toContain('ref/metrics-api');
    }
  });

  it('without enforcement every NetworkPolicy is reported inert: a warning in dev, an error (no files) where policy is strict', () => {
    const lab = renderEnvironment(noEnforcer);
    const inert = lab.findings.filter((f) => f.rule === 'policy/network-policy-enforced');
    expect(inert.length).toBe(lab.built.objects.filter((o) => o.object.kind === 'NetworkPolicy').length);
    expect(inert.every((f) => f.severity === 'warning')).toBe(true);
    expect(inert.find((f) => f.namespace === 'django-web' && f.name === 'db')?.message).toMatch(/flannel alone ignores them\): this policy is inert/);
    const strict = renderEnvironment({ ...prod, network: { enforcePolicies: false } });
    expect(strict.findings.filter((f) => f.rule === 'policy/network-policy-enforced').every((f) => f.severity === 'error')).toBe(true);
    expect(strict.files.size).toBe(0);
  });

  it('an HPA without the metrics API is an error naming the HPA and the API', () => {
    const built = buildEnvironment(dev);
    const withoutMetrics = built.objects.filter((o) => o.component !== 'metrics-server');
    const findings = validateBundle(withoutMetrics.map((o) => ({ object: o.object, env: 'dev', component: o.component })), {
      kubeVersion: dev.cluster.kubernetesVersion,
      inventory: clusterInventory(),
    }).filter((f) => f.rule === 'ref/metrics-api');
    const hpas = built.objects.filter((o) => o.object.kind === 'HorizontalPodAutoscaler').map((o) => `${o.object.metadata.namespace}/${o.object.metadata.name}`);
    expect(findings.map((f) => `${f.namespace}/${f.name}`).sort()).toEqual(hpas.sort());
    expect(findings[0]).toMatchObject({ severity: 'error', path: 'spec.metrics[0]' });
    expect(findings[0]!.message).toMatch(/scales on Resource metric "cpu" but no APIService serves metrics\.k8s\.io/);
  });
});
