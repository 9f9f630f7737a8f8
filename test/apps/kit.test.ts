import { describe, expect, it } from 'vitest';
import { RenderError } from '../../render/types.ts';
import { renderError } from '../helpers/errors.ts';
import { claim, configChecksum, configMap, httpProbes, image, appSecrets, secretRef, webWorkload, type WebWorkloadSpec } from '../../apps/kit/index.ts';
import type { IngressFacts } from '../../platform/facts.ts';

const ingress: IngressFacts = {
  className: 'edge',
  namespace: 'edge-system',
  entryPoints: { web: 'plain', websecure: 'tls' },
  certResolver: 'resolver-x',
  loadBalancerIp: '10.0.0.1',
};

function spec(over: Partial<WebWorkloadSpec> = {}): WebWorkloadSpec {
  return {
    app: 'demo',
    role: 'web',
    image: 'example/web:1.0.0',
    containerPort: 8080,
    replicas: 2,
    size: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '20m', memory: '32Mi' } },
    probes: httpProbes('/healthz', 'http'),
    runAs: { user: 1000 },
    ingress,
    ...over,
  };
}


describe('image', () => {
  it('accepts pinned versions of each scheme', () => {
    expect(image('grafana/grafana', '12.1.1', { app: 'a', field: 'f' })).toBe('grafana/grafana:12.1.1');
    expect(image('wordpress', '6.8.2-php8.3-apache', { app: 'a', field: 'f' })).toBe('wordpress:6.8.2-php8.3-apache');
    expect(image('postgres', '17.6', { app: 'a', field: 'f' }, 'major-minor')).toBe('postgres:17.6');
    expect(image('ghcr.io/org/x', '3aa9ddb', { app: 'a', field: 'f' }, 'build')).toBe('ghcr.io/org/x:3aa9ddb');
  });

  it('rejects moving and malformed tags, naming the app and the field', () => {
    for (const [tag, scheme] of [['latest', 'semver'], ['', 'semver'], ['17.6', 'semver'], ['1.2', 'semver'], ['main', 'build'], ['seventeen', 'major-minor'], ['latest-alpine', 'semver']] as const) {
      const e = renderError(() => image('redis', tag, { app: 'django-web', field: 'redis' }, scheme));
      expect(e.where).toMatchObject({ component: 'django-web', field: 'redis' });
    }
  });
});

describe('webWorkload', () => {
  it('routes on the websecure entry point with the platform resolver', () => {
    const w = webWorkload(spec({ routes: [{ host: 'a.example.org', pathPrefix: '/x' }] }));
    const r = w.route! as any;
    expect(r.spec.entryPoints).toEqual(['tls']);
    expect(r.spec.tls).toEqual({ certResolver: 'resolver-x' });
    expect(r.spec.routes[0].match).toBe('Host(`a.example.org`) && PathPrefix(`/x`)');
  });

  it('adds a PDB above one replica, and with an HPA leaves the replica count to it', () => {
    expect(webWorkload(spec({ replicas: 1 })).pdb).toBeUndefined();
    const w = webWorkload(spec({ replicas: 3, autoscale: { maxReplicas: 10, cpuPercent: 60 } }));
    expect(w.pdb).toBeDefined();
    expect((w.deployment as any).spec.replicas).toBeUndefined();
    expect((w.hpa! as any).spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect((webWorkload(spec()).deployment as any).spec.replicas).toBe(2);
  });

  it('refuses impossible settings', () => {
    expect(() => webWorkload(spec({ replicas: 2, strategy: 'recreate' }))).toThrow(RenderError);
    expect(() => webWorkload(spec({ replicas: 3, autoscale: { maxReplicas: 2, cpuPercent: 60 } }))).toThrow(RenderError);
    expect(() => webWorkload(spec({ routes: [{ host: 'Not A Host' }] }))).toThrow(RenderError);
  });

  it('changes the pod template checksum exactly when consumed configuration changes', () => {
    const sum = (v: string) => configChecksum([configMap('c', { K: v })])['checksum.gitops/config'];
    expect(sum('a')).toBe(sum('a'));
    expect(sum('a')).not.toBe(sum('b'));
    const w = webWorkload(spec({ envFrom: [configMap('c', { K: 'a' })] }));
    expect((w.deployment as any).spec.template.metadata.annotations['checksum.gitops/config']).toBe(sum('a'));
  });
});

describe('claim', () => {
  it('refuses ReadWriteMany on a class that cannot do it, and bad sizes', () => {
    const rwo = { name: 'local', readWriteMany: false };
    expect(() => claim({ app: 'a', name: 'd', size: '1Gi', storageClass: rwo, accessMode: 'ReadWriteMany' })).toThrow(RenderError);
    expect(() => claim({ app: 'a', name: 'd', size: '1 GB', storageClass: rwo })).toThrow(RenderError);
  });
});

describe('appSecrets', () => {
  it('declares each Secret in the namespace that reads it, metadata only, provided by the environment', () => {
    const [s] = appSecrets([{ namespace: 'ns-a', refs: [secretRef('db', ['password', 'user'])] }]);
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'ns-a', annotations: { 'secrets.gitops/provided-by': 'environment', 'secrets.gitops/keys': 'password,user' } },
    });
  });
});
