import { PersistentVolumeClaim } from '../../platform/kinds.ts';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { StorageClassRef } from '../../platform/facts.ts';
import { RenderError } from '../../render/types.ts';
import { argo } from './labels.ts';
import { disposable } from './backup.ts';

export type AccessMode = 'ReadWriteOnce' | 'ReadWriteMany';

export interface ClaimSpec {
  app: string;
  name: string;
  /** Kubernetes quantity, e.g. `100Mi`, `20Gi`. */
  size: string;
  storageClass: StorageClassRef;
  accessMode?: AccessMode;
  /**
   * Not backed up, on purpose: what is lost and why that is fine. Without it, the render
   * refuses a claim that no Velero backup copies (platform/backup-coverage.ts).
   */
  disposable?: string;
}

const QUANTITY = /^[1-9][0-9]*(Ki|Mi|Gi|Ti)$/;

/** The claim's spec, shared by standalone PVCs and StatefulSet volumeClaimTemplates. */
export function claimSpec(spec: ClaimSpec, resource: string): IPersistentVolumeClaim['spec'] {
  if (!QUANTITY.test(spec.size)) {
    throw new RenderError({ component: spec.app, resource, field: 'spec.resources.requests.storage' }, `"${spec.size}" is not a volume size (e.g. 100Mi, 20Gi)`);
  }
  const accessMode = spec.accessMode ?? 'ReadWriteOnce';
  if (accessMode === 'ReadWriteMany' && !spec.storageClass.readWriteMany) {
    throw new RenderError({ component: spec.app, resource, field: 'spec.accessModes' }, `StorageClass ${spec.storageClass.name} cannot do ReadWriteMany`);
  }
  return { accessModes: [accessMode], storageClassName: spec.storageClass.name, resources: { requests: { storage: spec.size } } };
}

/** A data volume Argo CD never prunes nor deletes: removing it from Git keeps the data. */
export function claim(spec: ClaimSpec): PersistentVolumeClaim {
  return new PersistentVolumeClaim({
    metadata: {
      name: spec.name,
      labels: { 'app.kubernetes.io/part-of': spec.app },
      annotations: { ...argo.keepData, ...(spec.disposable === undefined ? {} : disposable(spec.disposable, { app: spec.app, resource: `PersistentVolumeClaim/${spec.name}` })) },
    },
    spec: claimSpec(spec, `PersistentVolumeClaim/${spec.name}`),
  });
}
