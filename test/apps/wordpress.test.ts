import { describe, expect, it } from 'vitest';
import { find, ofKind, podSpec } from './helpers.ts';

const C = 'wordpress';

describe('wordpress', () => {
  it('gives WordPress, MySQL and phpMyAdmin each their own volume', () => {
    const wp = podSpec(find('dev', C, 'Deployment', 'wordpress')).volumes;
    expect(wp).toEqual([{ name: 'html', persistentVolumeClaim: { claimName: 'wordpress-data' } }]);
    const pma = podSpec(find('dev', C, 'Deployment', 'phpmyadmin')).volumes;
    expect(pma).toEqual([{ name: 'sessions', persistentVolumeClaim: { claimName: 'phpmyadmin-sessions' } }]);
    const mysql = find('dev', C, 'StatefulSet', 'mysql');
    expect(mysql.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
    expect(find('prod', C, 'StatefulSet', 'mysql').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
  });

  it('reads every password from the mysql-credentials Secret', () => {
    const env = podSpec(find('dev', C, 'StatefulSet', 'mysql')).containers[0].env;
    expect(env).toContainEqual({ name: 'MYSQL_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysql-credentials', key: 'root-password' } } });
    expect(env).toContainEqual({ name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysql-credentials', key: 'password' } } });
  });

  it('admits to MySQL only WordPress and (where it runs) phpMyAdmin', () => {
    const roles = (env: 'dev' | 'prod') =>
      find(env, C, 'NetworkPolicy', 'mysql').spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/component']).sort();
    expect(roles('dev')).toEqual(['phpmyadmin', 'wordpress']);
    expect(roles('prod')).toEqual(['wordpress']);
    expect(ofKind('prod', C, 'Deployment').map((d) => d.metadata.name)).toEqual(['wordpress']);
  });

  it('serves blog.<domain>, with the public URL in wp-config and non-root Apache on :80', () => {
    expect(find('prod', C, 'IngressRoute', 'wordpress').spec.routes[0].match).toBe('Host(`blog.sound-buzz.live`)');
    expect(find('prod', C, 'ConfigMap', 'wordpress').data.WORDPRESS_CONFIG_EXTRA).toContain("'https://blog.sound-buzz.live'");
    const spec = podSpec(find('prod', C, 'Deployment', 'wordpress'));
    expect(spec.securityContext.runAsUser).toBe(33);
    expect(spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(find('prod', C, 'PodDisruptionBudget', 'wordpress').spec.maxUnavailable).toBe(1);
  });
});
