// The ACME choice is environment data: dev gets an in-cluster Pebble that Traefik trusts, prod
// gets Let's Encrypt with no trace of Pebble — checked on the whole built environment.
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { buildEnvironment } from '../../render/build.ts';

const traefikArgs = (env: typeof dev): string[] => {
  const d = buildEnvironment(env).objects.find((o) => o.object.kind === 'Deployment' && o.object.metadata.name === 'traefik')!.object as unknown as {
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  };
  return d.spec.template.spec.containers[0]!.args;
};

describe('ACME per environment', () => {
  it('dev: Pebble in the cluster, Traefik pointed at it by its service name and trusting its CA', () => {
    const built = buildEnvironment(dev);
    expect(built.components.map((c) => c.name)).toContain('pebble');
    const args = traefikArgs(dev);
    expect(args).toContain('--certificatesResolvers.pebble.acme.caServer=https://pebble.pebble.svc.cluster.local/dir');
    expect(args.some((a) => a.startsWith('--certificatesResolvers.pebble.acme.caCertificates='))).toBe(true);
    const ca = built.objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata.name === 'traefik-acme-ca');
    expect(String((ca?.object as { data?: Record<string, string> }).data?.['root-cert.pem'])).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('prod: Let\'s Encrypt production directory, and no Pebble object, CA or setting anywhere', () => {
    const built = buildEnvironment(prod);
    expect(built.components.map((c) => c.name)).not.toContain('pebble');
    expect(traefikArgs(prod)).toContain('--certificatesResolvers.letsencrypt.acme.caServer=https://acme-v02.api.letsencrypt.org/directory');
    const everything = JSON.stringify(built.objects.map((o) => o.object));
    expect(everything).not.toMatch(/pebble/i);
    expect(everything).not.toMatch(/BEGIN CERTIFICATE/);
  });

  it('staging is one field away', () => {
    const staging = structuredClone(prod);
    staging.acme = { issuer: 'letsencrypt', email: 'ops@sound-buzz.live', directory: 'staging' };
    expect(traefikArgs(staging)).toContain('--certificatesResolvers.letsencrypt.acme.caServer=https://acme-staging-v02.api.letsencrypt.org/directory');
  });
});
