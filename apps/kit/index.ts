// The app kit: typed building blocks an app model composes.
export type { AppContext } from './context.ts';
export { argo, optOut, selectorLabels, workloadLabels, type WorkloadId } from './labels.ts';
export { image, imageByDigest, tagVersion, type ImageWhere, type TagScheme } from './image.ts';
export { appNamespace, type PodSecurityLevel } from './namespace.ts';
export { configMap, configChecksum } from './config.ts';
export { secretRef, secretEnv, appSecrets, type SecretRef, type SecretKeyOf, type SecretPlacement } from './secrets.ts';
export { defaultDeny, allowDns, rolePolicy, type Peer, type Rule } from './network-policy.ts';
export { httpProbes, execProbes, tcpProbes, type Probes } from './probes.ts';
export { resources, type Size } from './resources.ts';
export { podSecurity, containerSecurity, type RunAs } from './security.ts';
export { claim, type ClaimSpec } from './storage.ts';
export { volumes, volumeMounts, type Mount } from './pod.ts';
export { webWorkload, type WebWorkload, type WebWorkloadSpec, type RouteMatch, type Autoscale } from './web-workload.ts';
export { statefulServer, type StatefulServer, type StatefulServerSpec } from './stateful.ts';
export { postgresStatefulSet, type PostgresSpec } from './postgres.ts';
export { appComponent, hostOf } from './component.ts';
export { backupHookAnnotations, disposable, excludeVolumes, type BackupHook } from './backup.ts';
