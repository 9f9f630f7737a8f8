import { describe, expect, it } from 'vitest';
import { buildEnvironment } from '../../render/build.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { Environment } from '../../environments/types.ts';
import { built, find, podSpec } from './helpers.ts';
import { NetworkPolicies, podOf } from '../helpers/netpol.ts';
import { renderError } from '../helpers/errors.ts';

const C = 'ftps';
const withFtps = (env: Environment, change: object): Environment => ({ ...env, apps: { ...env.apps, ftps: { ...env.apps.ftps!, ...change } } });

describe('ftps', () => {
  it('is selected in dev and prod', () => {
    expect(dev.apps.ftps).toBeDefined();
    expect(prod.apps.ftps).toBeDefined();
  });

  it('exposes port 21 and the passive range on one MetalLB address, the same one vsftpd announces as pasv_address', () => {
    for (const env of [dev, prod]) {
      const name = env.name as 'dev' | 'prod';
      const values = env.apps.ftps!;
      const svc = find(name, C, 'Service', 'ftps');
      expect(svc.spec.type).toBe('LoadBalancer');
      expect(svc.metadata.annotations['metallb.io/loadBalancerIPs']).toBe(values.address);
      expect(svc.spec.externalTrafficPolicy).toBe('Local');
      const passive = Array.from({ length: values.passivePorts.last - values.passivePorts.first + 1 }, (_, i) => values.passivePorts.first + i);
      expect(svc.spec.ports.map((p: any) => p.port)).toEqual([21, ...passive]);
      const c = podSpec(find(name, C, 'Deployment', 'vsftpd')).containers[0];
      const env_ = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
      expect(env_.ADDRESS).toBe(values.address);
      expect(env_.MIN_PORT).toBe(String(values.passivePorts.first));
      expect(env_.MAX_PORT).toBe(String(values.passivePorts.last));
      expect(c.ports.map((p: any) => p.containerPort)).toEqual([21, ...passive]);
    }
  });

  it('forces explicit TLS with a certificate Secret and reads its users from a Secret, by name', () => {
    const spec = podSpec(find('prod', C, 'Deployment', 'vsftpd'));
    const c = spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env.TLS_CERT).toBe('/run/secrets/ftps-tls/tls.crt');
    expect(env.TLS_KEY).toBe('/run/secrets/ftps-tls/tls.key');
    expect(env.USERS_FILE).toBe('/run/secrets/ftps-users/users');
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'users', secret: { secretName: 'ftps-users', defaultMode: 0o400 } },
      { name: 'tls', secret: { secretName: 'ftps-tls', defaultMode: 0o400 } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    ]));
    expect(c.image).toBe(`delfer/alpine-ftp-server@${prod.apps.ftps!.image.digest}`);
    // Neither Secret is rendered with data: both are declared for the operator to seal.
    const runtime = built('prod').components.find((x) => x.name === C)!.runtimeObjects!.map((o) => o.metadata.name).sort();
    expect(runtime).toEqual(['ftps-tls', 'ftps-users']);
  });

  it('keeps the files on their own claim, which the Schedules back up', () => {
    expect(find('dev', C, 'PersistentVolumeClaim', 'data').spec.resources.requests.storage).toBe(dev.apps.ftps!.volume);
    const daily = built('dev').objects.find((o) => o.object.kind === 'Schedule' && o.object.metadata.name === 'daily')!.object as any;
    expect(daily.spec.template.includedNamespaces).toContain('ftps');
  });

  it('refuses an address outside the pool or already Traefik\'s', () => {
    expect(renderError(() => buildEnvironment(withFtps(dev, { address: '172.16.0.250' }))).describe())
      .toMatch(/^env dev › component ftps › Service\/ftps\/ftps › apps\.ftps\.address: address 172\.16\.0\.250 is not in MetalLB pool default/);
    expect(renderError(() => buildEnvironment(withFtps(dev, { address: dev.loadBalancer.ingressIp }))).message)
      .toMatch(/assigned twice: first to Traefik \(loadBalancer\.ingressIp\), again to app ftps/);
    expect(renderError(() => buildEnvironment(withFtps(dev, { passivePorts: { first: 21000, last: 22000 } }))).message).toMatch(/keep the range at 50 or fewer/);
    expect(renderError(() => buildEnvironment(withFtps(dev, { image: { repository: 'delfer/alpine-ftp-server', digest: 'latest' } }))).message).toMatch(/not an image digest/);
  });

  it('lets clients anywhere reach 21 and the passive range, nothing else, and the server dial nobody', () => {
    for (const name of ['dev', 'prod'] as const) {
      const objects = built(name).objects.map((o) => o.object);
      const policies = new NetworkPolicies(objects);
      const server = podOf(objects, 'Deployment', 'ftps', 'vsftpd', '10.244.3.7');
      const client = { ip: '203.0.113.9' };
      const { first, last } = (name === 'dev' ? dev : prod).apps.ftps!.passivePorts;
      for (const port of [21, first, last]) expect(policies.allows(client, server, port)).toBe(true);
      expect(policies.allows(client, server, 22)).toBe(false);
      expect(policies.allows(client, server, last + 1)).toBe(false);
      expect(policies.allows(server, { ip: '203.0.113.9' }, 20)).toBe(false);
      expect(policies.allows(server, { namespace: 'wordpress', labels: {}, ip: '10.244.1.1' }, 3306)).toBe(false);
    }
  });
});
