import type { NfsFacts } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import type { StorageClassRef } from './facts.ts';

export interface NfsProvisioner {
  component: Component;
  storageClass: StorageClassRef;
}

// STUB: replaced by the nfs-subdir-external-provisioner model.
export function nfsProvisioner(nfs: NfsFacts): NfsProvisioner {
  void nfs;
  return {
    component: { name: 'nfs-provisioner', namespace: 'nfs-provisioner', layer: 'platform', syncWave: -20, resources: [] },
    storageClass: { name: 'nfs-client', readWriteMany: true },
  };
}
