// The Sealed Secrets controller model, rendered at the environment's pinned release.
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { sealedSecrets, sealedSecretsCrd, sealedSecretsRelease } from '../../platform/sealed-secrets.ts';
import { RenderError } from '../../render/types.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

type Json = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

describe('platform/sealed-secrets', () => {
  const version = dev.platform['sealed-secrets'];
  const c = sealedSecrets(dev.platform);
  const objects = c.resources.map((r) => r as unknown as Json);
  const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

  it('is a platform component before the apps, in its own restricted namespace', () => {
    expect(c).toMatchObject({ name: 'sealed-secrets', namespace: 'sealed-secrets', layer: 'platform' });
    expect(c.syncWave).toBeLessThan(0);
    expect(get('Namespace', 'sealed-secrets').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs the pinned image and syncs the CRD from the same release tag (with a v)', () => {
    expect(c.upstream).toEqual([sealedSecretsCrd(version)]);
    expect(c.upstream![0]!.targetRevision).toBe(`v${version}`);
    expect(get('Deployment', 'sealed-secrets-controller').spec.template.spec.containers[0].image).toBe(`docker.io/bitnami/sealed-secrets-controller:${version}`);
  });

  it('follows a patch release; refuses another minor or a v-prefixed image tag, naming the field', () => {
    const patched = sealedSecrets({ 'sealed-secrets': '0.36.5' });
    expect(patched.upstream![0]!.targetRevision).toBe('v0.36.5');
    for (const bad of ['0.37.0', 'v0.36.1', '0.36.0']) {
      let error: unknown;
      try {
        sealedSecrets({ 'sealed-secrets': bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(RenderError);
      expect((error as RenderError).where).toMatchObject({ component: 'sealed-secrets', field: 'platform.sealed-secrets' });
    }
    expect(sealedSecretsRelease.supported).toBe('>=0.36.1 <0.37.0');
  });

  it('keeps upstream RBAC: cluster-wide unsealing, key admin and service proxy in its namespace', () => {
    expect(get('ClusterRole', 'secrets-unsealer').rules).toContainEqual({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] });
    expect(get('ClusterRoleBinding', 'sealed-secrets-controller').subjects).toEqual([{ kind: 'ServiceAccount', name: 'sealed-secrets-controller', namespace: 'sealed-secrets' }]);
    expect(get('Role', 'sealed-secrets-key-admin').metadata.namespace).toBe('sealed-secrets');
    expect(get('RoleBinding', 'sealed-secrets-service-proxier').subjects[0].name).toBe('system:authenticated');
  });

  it('validates against the schemas', () => {
    for (const r of c.resources) expect(() => assertSchemaValid(r)).not.toThrow();
  });
});
