import { describe, expect, it } from 'vitest';
import { ClusterRoleBinding, Deployment, RoleBinding, ServiceAccount, StorageClass } from '../../platform/kinds.ts';
import type { NfsFacts } from '../../environments/types.ts';
import { dev } from '../../environments/dev.ts';
import { NFS_PROVISIONER_NAME, nfsProvisioner, nfsProvisionerImage } from '../../platform/nfs-provisioner.ts';
import { RenderError, type Component } from '../../render/types.ts';
import { parseOptOuts } from '../../render/validate/opt-out.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

const lab: NfsFacts = { server: '10.0.0.8', path: '/srv/nfs/lab', reclaimPolicy: 'Delete', archiveOnDelete: true };
const kept: NfsFacts = { server: '10.1.0.5', path: '/export/prod', reclaimPolicy: 'Retain', archiveOnDelete: false };

function only<T>(component: Component, ctor: new (...args: never[]) => T): T {
  const found: unknown[] = component.resources.filter((r) => r instanceof ctor);
  if (found.length !== 1) throw new Error(`expected one ${ctor.name}, found ${found.length}`);
  return found[0] as T;
}

function parts(nfs: NfsFacts) {
  const out = nfsProvisioner(nfs, dev.platform);
  const deployment = only(out.component, Deployment);
  const container = deployment.spec!.template.spec!.containers[0]!;
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
  const nfsVolume = deployment.spec!.template.spec!.volumes!.find((v) => v.nfs)!;
  const mount = container.volumeMounts!.find((m) => m.name === nfsVolume.name)!;
  return { out, deployment, container, env, nfsVolume, mount, storageClass: only(out.component, StorageClass) };
}

describe('nfs-subdir-external-provisioner', () => {
  it('is the nfs-provisioner platform component, before the storage users', () => {
    const { out } = parts(lab);
    expect(out.component).toMatchObject({ name: 'nfs-provisioner', namespace: 'nfs-provisioner', layer: 'platform', syncWave: -20 });
  });

  it('every object passes its kubernetes-models schema', () => {
    for (const nfs of [lab, kept]) {
      for (const r of nfsProvisioner(nfs, dev.platform).component.resources) {
        assertSchemaValid(r);
      }
    }
  });

  it('the StorageClass provisioner is the PROVISIONER_NAME the pod runs with', () => {
    const { env, storageClass } = parts(lab);
    expect(storageClass.provisioner).toBe(env.PROVISIONER_NAME);
    expect(storageClass.provisioner).toBe(NFS_PROVISIONER_NAME);
  });

  it('NFS server and path reach both the env and the nfs volume, mounted where the binary looks', () => {
    for (const nfs of [lab, kept]) {
      const { env, nfsVolume, mount } = parts(nfs);
      expect(env.NFS_SERVER).toBe(nfs.server);
      expect(env.NFS_PATH).toBe(nfs.path);
      expect(nfsVolume.nfs).toEqual({ server: nfs.server, path: nfs.path });
      expect(mount.mountPath).toBe('/persistentvolumes');
    }
  });

  it('reclaim policy and archiveOnDelete come from the facts', () => {
    expect(parts(lab).storageClass).toMatchObject({ reclaimPolicy: 'Delete', parameters: { archiveOnDelete: 'true' } });
    expect(parts(kept).storageClass).toMatchObject({ reclaimPolicy: 'Retain', parameters: { archiveOnDelete: 'false' } });
  });

  it('StorageClass nfs-client: expandable, not the default class; the handed-out ref names it', () => {
    const { out, storageClass } = parts(kept);
    expect(storageClass.metadata?.name).toBe('nfs-client');
    expect(storageClass.allowVolumeExpansion).toBe(true);
    expect(storageClass.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe('false');
    expect(out.storageClass).toEqual({ name: storageClass.metadata?.name, readWriteMany: true });
  });

  it('one pinned v4.0.2 pod, replaced not rolled, with resources', () => {
    const { deployment, container } = parts(lab);
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(container.image).toBe(nfsProvisionerImage(dev.platform['nfs-provisioner']));
    expect(container.image).toMatch(/:v4\.0\.2$/);
    expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits?.memory).toBeDefined();
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });

  it('runs as root and without probes only with written reasons', () => {
    const { deployment } = parts(lab);
    const parsed = parseOptOuts(deployment);
    expect(parsed.problems).toEqual([]);
    expect([...parsed.rules].sort()).toEqual(['policy/probes', 'policy/run-as-non-root']);
    const optOut = deployment.metadata?.annotations?.['validation.gitops/opt-out'] ?? '';
    for (const entry of optOut.split(';')) expect(entry.slice(entry.indexOf('=') + 1).trim().length).toBeGreaterThan(20);
  });

  it('RBAC binds the ServiceAccount of the pod, in the component namespace', () => {
    const { out, deployment } = parts(lab);
    const sa = only(out.component, ServiceAccount).metadata!.name;
    expect(deployment.spec!.template.spec!.serviceAccountName).toBe(sa);
    for (const binding of [only(out.component, ClusterRoleBinding), only(out.component, RoleBinding)]) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'nfs-provisioner' }]);
    }
  });

  it('rejects a relative export path', () => {
    expect(() => nfsProvisioner({ ...lab, path: 'srv/nfs' }, dev.platform)).toThrow(RenderError);
  });
});
