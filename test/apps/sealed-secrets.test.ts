import { describe, expect, it } from 'vitest';
import { sealedSecrets, sealedSecretsCrd } from '../../platform/sealed-secrets.ts';

describe('platform/sealed-secrets', () => {
  const c = sealedSecrets();
  const objects = c.resources.map((r) => (r as { toJSON(): unknown }).toJSON() as any);
  const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  it('is a platform component before the apps, in its own restricted namespace', () => {
    expect(c).toMatchObject({ name: 'sealed-secrets', namespace: 'sealed-secrets', layer: 'platform' });
    expect(c.syncWave).toBeLessThan(0);
    expect(get('Namespace', 'sealed-secrets').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('syncs the CRD from the pinned upstream release', () => {
    expect(c.upstream).toEqual([sealedSecretsCrd]);
    expect(sealedSecretsCrd.targetRevision).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(get('Deployment', 'sealed-secrets-controller').spec.template.spec.containers[0].image).toBe(
      `docker.io/bitnami/sealed-secrets-controller:${sealedSecretsCrd.targetRevision.slice(1)}`,
    );
  });

  it('keeps upstream RBAC: cluster-wide unsealing, key admin and service proxy in its namespace', () => {
    const cr = get('ClusterRole', 'secrets-unsealer');
    expect(cr.rules).toContainEqual({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] });
    expect(get('ClusterRoleBinding', 'sealed-secrets-controller').subjects).toEqual([{ kind: 'ServiceAccount', name: 'sealed-secrets-controller', namespace: 'sealed-secrets' }]);
    expect(get('Role', 'sealed-secrets-key-admin').metadata.namespace).toBe('sealed-secrets');
    expect(get('RoleBinding', 'sealed-secrets-service-proxier').subjects[0].name).toBe('system:authenticated');
  });

  it('validates against the schemas', () => {
    for (const r of c.resources) expect(() => (r as unknown as { validate(): void }).validate()).not.toThrow();
  });
});
