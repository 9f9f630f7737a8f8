import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigMap, Deployment } from '../../platform/kinds.ts';
import type { AcmeChoice } from '../../environments/types.ts';
import { dev } from '../../environments/dev.ts';
import { acme, letsEncryptDirectories } from '../../platform/acme.ts';
import { pebbleChart } from '../../platform/pebble.ts';
import { traefik, type TraefikInput } from '../../platform/traefik.ts';
import type { Component, ModelInstance, Resource } from '../../render/types.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

/** A model instance's JSON, or the plain object as is. */
const plain = (r: Resource): unknown => (typeof (r as ModelInstance).toJSON === 'function' ? (r as ModelInstance).toJSON() : r);

const email = 'ops@example.test';
const pebbleChoice: AcmeChoice = { issuer: 'pebble', email };
const production: AcmeChoice = { issuer: 'letsencrypt', email, directory: 'production' };
const staging: AcmeChoice = { issuer: 'letsencrypt', email, directory: 'staging' };

function edgeFor(choice: AcmeChoice): Component {
  return traefik(traefikInput(choice)).component;
}

function traefikInput(choice: AcmeChoice): TraefikInput {
  const issuer = acme(choice, dev.platform);
  const input: TraefikInput = {
    loadBalancerIp: { address: '10.0.0.200', pool: 'default' },
    storageClass: { name: 'nfs-client', readWriteMany: true },
    acme: issuer.facts,
    trust: issuer.trust,
    email: choice.email,
    dashboardHost: 'traefik.example.test',
    versions: dev.platform,
  };
  return input;
}

function traefikContainer(component: Component) {
  const deployment = component.resources.find((r) => r instanceof Deployment) as Deployment;
  return { spec: deployment.spec!.template.spec!, container: deployment.spec!.template.spec!.containers[0]! };
}

const json = (component: Component): string => JSON.stringify(component.resources.map(plain));

describe('acme: Pebble in the lab', () => {
  const issuer = acme(pebbleChoice, dev.platform);
  const [server] = issuer.components;
  const chart = server!.upstream![0]!;
  const values = chart.helmValues as {
    fullnameOverride: string;
    pebble: { nodePort: string; mgmtNodePort: string; env: Array<{ name: string; value: string }> };
    coredns: { enabled: boolean };
  };

  it('runs the pinned upstream chart as component pebble, namespace pebble, before Traefik', () => {
    expect(issuer.components).toHaveLength(1);
    expect(server).toMatchObject({ name: 'pebble', namespace: 'pebble', layer: 'platform', syncWave: -15 });
    expect(server!.syncWave).toBeLessThan(edgeFor(pebbleChoice).syncWave);
    expect(chart).toMatchObject({ repoURL: pebbleChart.repoURL, chart: 'pebble', targetRevision: '1.5.0', namespace: 'pebble' });
  });

  it('facts: issuer pebble, directory on the Service the chart names after fullnameOverride in its namespace', () => {
    expect(issuer.facts.issuer).toBe('pebble');
    expect(issuer.facts.caServer).toBe('https://pebble.pebble.svc.cluster.local/dir');
    const url = new URL(issuer.facts.caServer);
    expect(url.hostname).toBe(`${values.fullnameOverride}.${chart.namespace}.svc.cluster.local`);
    expect(url.pathname).toBe('/dir');
  });

  it('the chart renders a ClusterIP Service (no node ports) and no CoreDNS', () => {
    expect(values.pebble.nodePort).toBe('');
    expect(values.pebble.mgmtNodePort).toBe('');
    expect(values.coredns.enabled).toBe(false);
  });

  it('keeps the chart defaults in the env list it replaces, and skips validation on purpose', () => {
    const env = Object.fromEntries(values.pebble.env.map((e) => [e.name, e.value]));
    expect(env).toEqual({ PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '100', PEBBLE_VA_ALWAYS_VALID: '1' });
  });

  it('trusts the chart root that signs Pebble HTTPS leaf: a public CA certificate, no key', () => {
    const trust = issuer.trust!;
    expect(trust.key).toBe('root-cert.pem');
    const cert = new X509Certificate(trust.pem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=minica root ca 3af47b');
    expect(cert.fingerprint256).toBe('9B:C7:C1:7B:4A:F7:76:AE:3F:5D:02:C1:67:D7:69:10:09:37:F6:DB:0C:C5:32:83:17:83:D2:83:15:D0:49:24');
    expect(trust.pem).not.toMatch(/PRIVATE KEY/);
  });

  it('Pebble objects we render pass their schema and hold no private key', () => {
    for (const r of server!.resources) assertSchemaValid(r);
    expect(json(server!) + JSON.stringify(server!.upstream)).not.toMatch(/PRIVATE KEY/);
  });

  it('Traefik mounts the CA from its own namespace and trusts it for the pebble resolver only', () => {
    const edge = edgeFor(pebbleChoice);
    const ca = edge.resources.find((r) => r instanceof ConfigMap) as ConfigMap;
    expect(ca.data).toEqual({ 'root-cert.pem': issuer.trust!.pem });
    const { spec, container } = traefikContainer(edge);
    const volume = spec.volumes!.find((v) => v.configMap?.name === ca.metadata!.name)!;
    const mount = container.volumeMounts!.find((m) => m.name === volume.name)!;
    expect(mount.readOnly).toBe(true);
    expect(container.args).toContain(`--certificatesResolvers.pebble.acme.caCertificates=${mount.mountPath}/root-cert.pem`);
    expect(container.args).toContain(`--certificatesResolvers.pebble.acme.caServer=${issuer.facts.caServer}`);
    // Per resolver, not the process-wide lego variable that replaces the system trust pool.
    expect(container.env?.map((e) => e.name)).not.toContain('LEGO_CA_CERTIFICATES');
  });
});

describe('acme: Let\'s Encrypt', () => {
  it('production: no component, no trust, the production directory', () => {
    const issuer = acme(production, dev.platform);
    expect(issuer.components).toEqual([]);
    expect(issuer.trust).toBeUndefined();
    expect(issuer.facts).toEqual({ issuer: 'letsencrypt', caServer: 'https://acme-v02.api.letsencrypt.org/directory', endpoint: { internet: true, port: 443 } });
  });

  it('staging is selectable', () => {
    expect(acme(staging, dev.platform).facts.caServer).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(letsEncryptDirectories.staging).not.toBe(letsEncryptDirectories.production);
  });

  it('Traefik carries no Pebble, no CA object, mount, flag or env', () => {
    for (const choice of [production, staging]) {
      const edge = edgeFor(choice);
      const text = json(edge);
      expect(text).not.toMatch(/pebble/i);
      expect(text).not.toMatch(/BEGIN CERTIFICATE/);
      expect(text).not.toMatch(/caCertificates|LEGO_CA|acme-ca/i);
      expect(edge.resources.some((r) => r instanceof ConfigMap)).toBe(false);
      const { container } = traefikContainer(edge);
      expect(container.args).toContain(`--certificatesResolvers.letsencrypt.acme.caServer=${acme(choice, dev.platform).facts.caServer}`);
    }
  });
});
