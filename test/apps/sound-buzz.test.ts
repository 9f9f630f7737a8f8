import { describe, expect, it } from 'vitest';
import { find, podSpec } from './helpers.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';

const C = 'sound-buzz';

describe('sound-buzz', () => {
  it('keeps data and music on ReadWriteMany claims of the NFS class, sized per environment', () => {
    for (const [env, data, music] of [['dev', '500Mi', '20Gi'], ['prod', '1Gi', '50Gi']] as const) {
      for (const [name, size] of [['data', data], ['music', music]]) {
        const pvc = find(env, C, 'PersistentVolumeClaim', name);
        expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs-client', resources: { requests: { storage: size } } });
      }
    }
  });

  it('serves app.<domain> and runs a single pod replaced by Recreate (SQLite is single-writer)', () => {
    for (const env of [dev, prod]) {
      const name = env.name as 'dev' | 'prod';
      expect(find(name, C, 'IngressRoute', 'navidrome').spec.routes[0].match).toBe(`Host(\`app.${env.domain}\`)`);
      const d = find(name, C, 'Deployment', 'navidrome');
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    }
  });

  it('takes the first admin password from a Secret reference and probes /ping', () => {
    const c = podSpec(find('prod', C, 'Deployment', 'navidrome')).containers[0];
    expect(c.env).toEqual([{ name: 'ND_DEVAUTOCREATEADMINPASSWORD', valueFrom: { secretKeyRef: { name: 'navidrome-admin', key: 'password' } } }]);
    expect(c.livenessProbe.httpGet.path).toBe('/ping');
    expect(c.image).toBe('deluan/navidrome:0.57.0');
  });
});
