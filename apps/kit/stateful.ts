import { Service, StatefulSet, type ConfigMap } from '../../platform/kinds.ts';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { StorageClassRef } from '../../platform/facts.ts';
import type { Resource } from '../../render/types.ts';
import { configChecksum } from './config.ts';
import { argo, optOut, selectorLabels, workloadLabels, type WorkloadId } from './labels.ts';
import { mountedConfigMaps, volumeMounts, volumes, type Mount } from './pod.ts';
import type { Probes } from './probes.ts';
import { resources, type Size } from './resources.ts';
import { containerSecurity, podSecurity, withTmp, type RunAs } from './security.ts';
import { claimSpec } from './storage.ts';
import { backupHookAnnotations, disposable, excludeVolumes, type BackupHook } from './backup.ts';

export interface DataVolume {
  /** volumeClaimTemplate name; PVCs are `<name>-<role>-<ordinal>`. */
  name: string;
  mountPath: string;
  size: string;
  storageClass: StorageClassRef;
}

export interface StatefulServerSpec extends WorkloadId {
  image: string;
  port: { name: string; number: number };
  size: Size;
  probes: Probes;
  runAs: RunAs;
  data: DataVolume;
  command?: string[];
  args?: string[];
  env?: IEnvVar[];
  envFrom?: ConfigMap[];
  mounts?: Mount[];
  initContainers?: IContainer[];
  /** Why the image needs a writable root filesystem; read-only (with a `/tmp` emptyDir) otherwise. */
  writableRoot?: string;
  /** Containers beside the server (an exporter), sharing its network namespace. */
  sidecars?: IContainer[];
  /** Pod annotations (scrape annotations of a sidecar exporter). */
  podAnnotations?: Record<string, string>;
  /**
   * How the data volume is backed up: a pre-backup hook (a consistent dump into the volume), or
   * `disposable` with the reason it is not backed up at all (Velero is told to skip it).
   */
  backup?: { hook: Omit<BackupHook, 'container'> } | { disposable: string };
}

export interface StatefulServer {
  statefulSet: StatefulSet;
  /** Headless: stable per-pod DNS names `<role>-0.<role>`; clients use `<role>` too. */
  service: Service;
  resources: Resource[];
}

/**
 * One-replica server owning a volume (a database): StatefulSet + headless Service, its
 * volume from a claim template on the platform's StorageClass. Argo CD never prunes or
 * deletes the StatefulSet, so removing it from Git cannot cascade to its data.
 */
export function statefulServer(spec: StatefulServerSpec): StatefulServer {
  const selector = selectorLabels(spec);
  const labels = workloadLabels(spec);
  const mounts: Mount[] = withTmp(spec.mounts ?? [], !spec.writableRoot);
  const resource = `StatefulSet/${spec.app}/${spec.role}`;
  const backup = spec.backup;
  const podAnnotations = {
    ...spec.podAnnotations,
    ...configChecksum([...(spec.envFrom ?? []), ...mountedConfigMaps(mounts)]),
    ...(backup && 'hook' in backup ? backupHookAnnotations({ container: spec.role, ...backup.hook }) : {}),
    ...(backup && 'disposable' in backup ? excludeVolumes([spec.data.name]) : {}),
  };
  const claimAnnotations = backup && 'disposable' in backup ? disposable(backup.disposable, { app: spec.app, resource }) : {};
  const container: IContainer = {
    name: spec.role,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    ports: [{ name: spec.port.name, containerPort: spec.port.number, protocol: 'TCP' }],
    ...(spec.env?.length ? { env: spec.env } : {}),
    ...(spec.envFrom?.length ? { envFrom: spec.envFrom.map((c) => ({ configMapRef: { name: c.metadata?.name ?? '' } })) } : {}),
    resources: resources(spec.size),
    readinessProbe: spec.probes.readiness,
    livenessProbe: spec.probes.liveness,
    ...(spec.probes.startup ? { startupProbe: spec.probes.startup } : {}),
    securityContext: containerSecurity({ readOnlyRoot: !spec.writableRoot }),
    volumeMounts: [{ name: spec.data.name, mountPath: spec.data.mountPath }, ...volumeMounts(mounts)],
  };
  const statefulSet = new StatefulSet({
    metadata: { name: spec.role, labels, annotations: { ...argo.keepData, ...(spec.writableRoot ? optOut({ 'policy/read-only-root': spec.writableRoot }) : {}) } },
    spec: {
      serviceName: spec.role,
      replicas: 1,
      revisionHistoryLimit: 5,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 60,
          securityContext: podSecurity(spec.runAs),
          ...(spec.initContainers?.length ? { initContainers: spec.initContainers } : {}),
          containers: [container, ...(spec.sidecars ?? [])],
          ...(mounts.length ? { volumes: volumes(mounts) } : {}),
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: spec.data.name, labels: selector, annotations: { ...argo.keepData, ...claimAnnotations } },
          spec: claimSpec({ app: spec.app, name: spec.data.name, size: spec.data.size, storageClass: spec.data.storageClass }, resource),
        },
      ],
    },
  });
  const service = new Service({
    metadata: { name: spec.role, labels },
    spec: {
      clusterIP: 'None',
      selector,
      ports: [{ name: spec.port.name, port: spec.port.number, targetPort: spec.port.name, protocol: 'TCP' }],
    },
  });
  return { statefulSet, service, resources: [statefulSet, service] };
}
