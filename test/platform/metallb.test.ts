import { describe, expect, it } from 'vitest';
import { DaemonSet, Deployment } from '../../platform/kinds.ts';
import type { ClusterFacts, LoadBalancerFacts } from '../../environments/types.ts';
import { RenderError } from '../../render/types.ts';
import { dev } from '../../environments/dev.ts';
import { metallb } from '../../platform/metallb.ts';
import { assertSchemaValid } from '../helpers/schema.ts';
import {
  IPAddressPool,
  L2Advertisement,
  metallbModels,
  poolAddressProblem,
  validateIPAddressPool,
  validateL2Advertisement,
} from '../../platform/metallb-types.ts';

const cluster: ClusterFacts = {
  kubernetesVersion: '1.33',
  nodeSubnet: '192.168.7.0/24',
  nodes: [
    { name: 'cp', ip: '192.168.7.10', controlPlane: true },
    { name: 'w1', ip: '192.168.7.11' },
  ],
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  kubeProxyMode: 'iptables',
  kubeletServingCerts: 'self-signed',
};
const lb: LoadBalancerFacts = { pool: { name: 'lab', first: '192.168.7.200', last: '192.168.7.220' }, ingressIp: '192.168.7.200' };

const { component } = metallb(cluster, lb, dev.platform);
type Json = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; [k: string]: unknown };
const json = component.resources.map((r) => JSON.parse(JSON.stringify(r)) as Json);
const byKind = (kind: string) => json.filter((o) => o.kind === kind);
const wave = (o: { metadata: { annotations?: Record<string, string> } }) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

/** Records every property a validate function reads and every object whose keys it lists. */
function watchReads<T extends object>(value: T, path = ''): { proxy: T; reads: Set<string>; listed: Set<string> } {
  const reads = new Set<string>();
  const listed = new Set<string>();
  const wrap = (target: object, at: string): object =>
    new Proxy(target, {
      get(t, key, receiver) {
        const v = Reflect.get(t, key, receiver);
        if (typeof key !== 'string' || typeof v === 'function') return v;
        reads.add(`${at}/${key}`);
        return v !== null && typeof v === 'object' ? wrap(v, `${at}/${key}`) : v;
      },
      ownKeys(t) {
        listed.add(at);
        return Reflect.ownKeys(t);
      },
    });
  return { proxy: wrap(value, path) as T, reads, listed };
}

describe('metallb component', () => {
  it('is the metallb platform component after flannel', () => {
    expect(component).toMatchObject({ name: 'metallb', namespace: 'metallb-system', layer: 'platform', syncWave: -20 });
  });

  it('every object passes its schema (kubernetes-models and our MetalLB validators)', () => {
    for (const r of component.resources) {
      assertSchemaValid(r);
    }
  });

  it('pool addresses come from the facts and the L2Advertisement names the pool', () => {
    const [pool] = byKind('IPAddressPool');
    expect(pool).toMatchObject({ metadata: { name: 'lab', namespace: 'metallb-system' }, spec: { addresses: ['192.168.7.200-192.168.7.220'] } });
    expect(byKind('L2Advertisement')).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ namespace: 'metallb-system' }), spec: { ipAddressPools: ['lab'] } }),
    ]);
  });

  it('pool and advertisement sync after the controller and its webhook, and skip dry-run before the CRDs exist', () => {
    const controllerSide = json.filter((o) => !['IPAddressPool', 'L2Advertisement'].includes(o.kind));
    const config = [...byKind('IPAddressPool'), ...byKind('L2Advertisement')];
    expect(config).toHaveLength(2);
    const latestController = Math.max(...controllerSide.map(wave));
    for (const o of config) {
      expect(wave(o)).toBeGreaterThan(latestController);
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toContain('SkipDryRunOnMissingResource=true');
    }
    expect(byKind('ValidatingWebhookConfiguration')).toHaveLength(1);
    expect(byKind('Deployment').map((d) => d.metadata.name)).toEqual(['controller']);
  });

  it('renders no memberlist Secret and no Secret with data', () => {
    const secrets = byKind('Secret');
    expect(secrets.map((s) => s.metadata.name)).toEqual(['metallb-webhook-cert']);
    for (const s of secrets) {
      expect(s.data).toBeUndefined();
      expect(s.stringData).toBeUndefined();
    }
    // The controller is the one told to generate it.
    const controller = component.resources.find((r): r is Deployment => r instanceof Deployment)!;
    expect(controller.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: 'METALLB_ML_SECRET_NAME', value: 'memberlist' });
  });

  it('takes the CRDs from upstream at v0.16.1 and ignores injected CA bundles', () => {
    expect(component.upstream).toEqual([
      expect.objectContaining({
        label: 'crds',
        repoURL: 'https://github.com/metallb/metallb',
        targetRevision: 'v0.16.1',
        path: 'config/crd',
        kustomize: true,
        serverSideApply: true,
      }),
    ]);
    expect(component.upstream![0]!.ignoreDifferences).toContainEqual(
      expect.objectContaining({ kind: 'CustomResourceDefinition', jsonPointers: ['/spec/conversion/webhook/clientConfig/caBundle'] }),
    );
    expect(component.ignoreDifferences).toContainEqual(
      expect.objectContaining({ kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }),
    );
    expect(json.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
  });

  it('runs upstream images and the speaker honours control-plane exclusion as upstream', () => {
    const images = component.resources
      .filter((r): r is Deployment | DaemonSet => r instanceof Deployment || r instanceof DaemonSet)
      .flatMap((w) => w.spec!.template.spec!.containers.map((c) => c.image));
    expect(images).toEqual(['quay.io/metallb/controller:v0.16.1', 'quay.io/metallb/speaker:v0.16.1']);
    const speaker = component.resources.find((r): r is DaemonSet => r instanceof DaemonSet)!;
    expect(speaker.spec!.template.spec!.containers[0]!.args).not.toContain('--ignore-exclude-lb');
  });

  it('renders the same objects under IPVS (strictARP is set on kube-proxy by the operator, not here)', () => {
    expect(JSON.stringify(metallb({ ...cluster, kubeProxyMode: 'ipvs' }, lb, dev.platform).component)).toBe(JSON.stringify(component));
  });

  it('refuses a cluster whose only nodes are control-plane nodes (nothing would announce the pool)', () => {
    expect(() => metallb({ ...cluster, nodes: [{ name: 'solo', ip: '192.168.7.10', controlPlane: true }] }, lb, dev.platform)).toThrow(RenderError);
  });
});

describe('assign', () => {
  it('accepts an address in the pool', () => {
    expect(metallb(cluster, lb, dev.platform).assign('192.168.7.205')).toEqual({ address: '192.168.7.205', pool: 'lab' });
    expect(metallb(cluster, lb, dev.platform).assign('192.168.7.220').pool).toBe('lab');
  });

  it('rejects an address outside the pool, naming the address and the pool range', () => {
    const caught = (() => {
      try {
        metallb(cluster, lb, dev.platform).assign('192.168.7.199');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(caught).toBeInstanceOf(RenderError);
    const err = caught as RenderError;
    expect(err.where.field).toBe('loadBalancer.ingressIp');
    expect(err.message).toContain('192.168.7.199');
    expect(err.message).toContain('192.168.7.200-192.168.7.220');
  });

  it('hands out each address once', () => {
    const { assign } = metallb(cluster, lb, dev.platform);
    assign('192.168.7.201', 'Service/traefik/traefik');
    expect(() => assign('192.168.7.201', 'Service/other/gateway')).toThrow(/Service\/traefik\/traefik.*Service\/other\/gateway/);
  });
});

describe('MetalLB validators', () => {
  const pool = (addresses: unknown[], extra: Record<string, unknown> = {}) => ({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'p', namespace: 'metallb-system' },
    spec: { addresses, ...extra },
  });

  it('are registered for both kinds', () => {
    expect(metallbModels.map((m) => m.kind)).toEqual(['IPAddressPool', 'L2Advertisement']);
  });

  it('accept CIDRs and ranges of either family', () => {
    expect(validateIPAddressPool(pool(['192.168.10.0/24', '192.168.9.1-192.168.9.5', '192.168.9.1 - 192.168.9.5', 'fc00:f853:0ccd:e799::/124', 'fc00::1-fc00::ff']))).toBe(true);
    expect(validateIPAddressPool.errors).toBeNull();
  });

  it('reject a bad address with a format error at its path', () => {
    for (const bad of ['192.168.1.300/24', '10.0.0.9-10.0.0.1', '10.0.0.1-fc00::1', '10.0.0.0/33', '10.0.0.1', 'pool', 'fc00::ff-fc00::1', '::/129', 'fe80::1%eth0/64', '010.0.0.0/8']) {
      expect(poolAddressProblem(bad), bad).toBeDefined();
    }
    expect(validateIPAddressPool(pool(['10.0.0.0/24', '10.0.0.9-10.0.0.1']))).toBe(false);
    expect(validateIPAddressPool.errors).toEqual([
      expect.objectContaining({ instancePath: '/spec/addresses/1', keyword: 'format', message: expect.stringContaining('10.0.0.9-10.0.0.1') }),
    ]);
    expect(() => new IPAddressPool({ metadata: { name: 'x' }, spec: { addresses: ['nope'] } }).validate()).toThrow(/\/spec\/addresses\/0/);
  });

  it('reject missing required fields and wrong types', () => {
    expect(validateIPAddressPool({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p' }, spec: {} })).toBe(false);
    expect(validateIPAddressPool.errors).toEqual([expect.objectContaining({ instancePath: '/spec', keyword: 'required', params: { missingProperty: 'addresses' } })]);
    expect(validateIPAddressPool(pool(['10.0.0.0/24'], { autoAssign: 'yes', serviceAllocation: { priority: 1.5 } }))).toBe(false);
    expect(validateIPAddressPool.errors!.map((e) => [e.instancePath, e.keyword])).toEqual([
      ['/spec/autoAssign', 'type'],
      ['/spec/serviceAllocation/priority', 'type'],
    ]);
    expect(validateL2Advertisement({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'a' }, spec: { ipAddressPools: 'lab' } })).toBe(false);
    expect(validateL2Advertisement.errors).toEqual([expect.objectContaining({ instancePath: '/spec/ipAddressPools', keyword: 'type' })]);
  });

  it('read every known field, never an unknown one, and list keys only of label maps', () => {
    const data = pool(['10.0.0.0/24'], {
      bogusField: true,
      serviceAllocation: { namespaces: ['a'], namespaceSelectors: [{ matchLabels: { team: 'a' }, strange: 1 }] },
    });
    const watched = watchReads(data);
    expect(validateIPAddressPool(watched.proxy)).toBe(true);
    for (const known of ['/spec/addresses', '/spec/autoAssign', '/spec/avoidBuggyIPs', '/spec/serviceAllocation', '/spec/serviceAllocation/priority', '/spec/serviceAllocation/serviceSelectors', '/status', '/metadata']) {
      expect(watched.reads, known).toContain(known);
    }
    expect(watched.reads).not.toContain('/spec/bogusField');
    expect(watched.reads).not.toContain('/spec/serviceAllocation/namespaceSelectors/0/strange');
    // Keys are listed only for free-form string maps, and the one present was checked.
    expect([...watched.listed].filter((p) => !/\/(labels|annotations|matchLabels)$/.test(p))).toEqual([]);
    expect(watched.listed).toContain('/spec/serviceAllocation/namespaceSelectors/0/matchLabels');

    const adv = watchReads({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'a' }, spec: { ipAddressPools: ['lab'], typo: [] } });
    expect(validateL2Advertisement(adv.proxy)).toBe(true);
    for (const known of ['/spec/ipAddressPools', '/spec/ipAddressPoolSelectors', '/spec/nodeSelectors', '/spec/interfaces', '/spec/serviceSelectors']) {
      expect(adv.reads, known).toContain(known);
    }
    expect(adv.reads).not.toContain('/spec/typo');
  });

  it('accept the rendered objects', () => {
    for (const o of [...byKind('IPAddressPool'), ...byKind('L2Advertisement')]) {
      const validate = o.kind === 'IPAddressPool' ? validateIPAddressPool : validateL2Advertisement;
      expect(validate(JSON.parse(JSON.stringify(o))), o.kind).toBe(true);
    }
    expect(component.resources.filter((r) => r instanceof IPAddressPool || r instanceof L2Advertisement)).toHaveLength(2);
  });
});
