import { describe, expect, it } from 'vitest';
import { find, podSpec } from './helpers.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';

describe('hello', () => {
  it('exposes port 3000 on the Service, to the port vhelloworld really listens on (8081)', () => {
    const svc = find('dev', 'hello', 'Service', 'web');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' }]);
    const c = podSpec(find('dev', 'hello', 'Deployment', 'web')).containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
  });

  it('routes the bare environment domain to port 3000', () => {
    for (const env of [dev, prod]) {
      const r = find(env.name as 'dev' | 'prod', 'hello', 'IngressRoute', 'web');
      expect(r.spec.routes).toEqual([{ kind: 'Rule', match: `Host(\`${env.domain}\`)`, services: [{ kind: 'Service', name: 'web', port: 3000 }] }]);
    }
  });

  it('admits only Traefik, on the container port', () => {
    const np = find('prod', 'hello', 'NetworkPolicy', 'web');
    expect(np.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8081 }]);
    expect(np.spec.egress).toEqual([]);
  });
});
