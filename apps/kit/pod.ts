import type { ConfigMap } from '../../platform/kinds.ts';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { SecretRef } from './secrets.ts';

/** A volume a container mounts, with its source. Never hostPath: that is opted into explicitly. */
export type Mount = {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
} & (
  | { claim: string }
  | { configMap: ConfigMap; defaultMode?: number }
  | { secret: SecretRef }
  | { emptyDir: { sizeLimit?: string; medium?: 'Memory' } }
);

export function volumeMounts(mounts: readonly Mount[]): IVolumeMount[] {
  return mounts.map((m) => ({
    name: m.name,
    mountPath: m.mountPath,
    ...(m.readOnly ? { readOnly: true } : {}),
    ...(m.subPath ? { subPath: m.subPath } : {}),
  }));
}

/** Pod volumes for the mounts; one volume per distinct name (two mounts may share a volume). */
export function volumes(mounts: readonly Mount[]): IVolume[] {
  const seen = new Set<string>();
  const out: IVolume[] = [];
  for (const m of mounts) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    if ('claim' in m) out.push({ name: m.name, persistentVolumeClaim: { claimName: m.claim } });
    else if ('configMap' in m) out.push({ name: m.name, configMap: { name: m.configMap.metadata?.name ?? '', ...(m.defaultMode ? { defaultMode: m.defaultMode } : {}) } });
    else if ('secret' in m) out.push({ name: m.name, secret: { secretName: m.secret.name } });
    else out.push({ name: m.name, emptyDir: { ...m.emptyDir } });
  }
  return out;
}

/** The ConfigMaps mounted as files (they count for the pod's config checksum). */
export function mountedConfigMaps(mounts: readonly Mount[]): ConfigMap[] {
  return mounts.flatMap((m) => ('configMap' in m ? [m.configMap] : []));
}
