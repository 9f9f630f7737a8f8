// Typed Velero custom resources (velero.io/v1 Schedule and BackupStorageLocation), with the fields
// of the v1.16 CRDs (vmware-tanzu/velero config/crd/v1/bases/velero.io_{schedules,
// backupstoragelocations}.yaml) that this repository can set. No kubernetes-models package exists
// for Velero (`@kubernetes-models/velero` is not published), so, like metallb-types.ts, the
// validate functions are written by hand with the checks of custom-resource.ts; the validator's
// strict-field check reports any field they do not read (Backup hooks and resource policies are
// left out on purpose: pod annotations carry our hooks, see apps/kit/backup.ts).
import type { ValidateFunc } from '@kubernetes-models/validate';
import type { ObjectMeta } from '../render/types.ts';
import {
  arrayOf, boolean, customResource, fail, isObject, labelSelector, object, string, typeMeta, validateFunc,
  type Check, type CustomResource, type LabelSelector,
} from './custom-resource.ts';

export const veleroApiVersion = 'velero.io/v1';

/** What one Backup takes (the Schedule's `template`). */
export interface BackupTemplate {
  includedNamespaces?: string[];
  excludedNamespaces?: string[];
  includedResources?: string[];
  excludedResources?: string[];
  includedClusterScopedResources?: string[];
  excludedClusterScopedResources?: string[];
  includedNamespaceScopedResources?: string[];
  excludedNamespaceScopedResources?: string[];
  labelSelector?: LabelSelector;
  orLabelSelectors?: LabelSelector[];
  includeClusterResources?: boolean;
  /** Volume snapshots through a VolumeSnapshotLocation (none here: NFS has no snapshots). */
  snapshotVolumes?: boolean;
  /** Copy every pod volume with the node-agent (kopia) unless a pod opts a volume out. */
  defaultVolumesToFsBackup?: boolean;
  snapshotMoveData?: boolean;
  /** Go duration after which the Backup and its data are deleted, e.g. `168h0m0s`. */
  ttl?: string;
  storageLocation?: string;
  volumeSnapshotLocations?: string[];
  csiSnapshotTimeout?: string;
  itemOperationTimeout?: string;
  metadata?: { labels?: Record<string, string> };
}

export interface ISchedule {
  apiVersion: 'velero.io/v1';
  kind: 'Schedule';
  metadata: ObjectMeta;
  spec: {
    /** Five-field cron (robfig/cron), in the server's time zone. */
    schedule: string;
    template: BackupTemplate;
    useOwnerReferencesInBackup?: boolean;
    paused?: boolean;
    skipImmediately?: boolean;
  };
}

export interface IBackupStorageLocation {
  apiVersion: 'velero.io/v1';
  kind: 'BackupStorageLocation';
  metadata: ObjectMeta;
  spec: {
    provider: string;
    objectStorage: { bucket: string; prefix?: string; caCert?: string };
    /** Provider settings, all strings (for the AWS plugin: region, s3Url, s3ForcePathStyle…). */
    config?: Record<string, string>;
    credential?: { name?: string; key: string; optional?: boolean };
    default?: boolean;
    accessMode?: 'ReadOnly' | 'ReadWrite';
    backupSyncPeriod?: string;
    validationFrequency?: string;
  };
}

const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

const duration: Check = (data, path, errors) => {
  if (typeof data !== 'string') return fail(errors, path, 'type', { type: 'string' }, 'must be string');
  if (!GO_DURATION.test(data)) fail(errors, path, 'format', { format: 'duration' }, `"${data}" is not a Go duration (e.g. 168h0m0s)`);
};

/** A free-form map of strings: the only place keys are enumerated. */
const stringMap: Check = (data, path, errors) => {
  if (!isObject(data)) return fail(errors, path, 'type', { type: 'object' }, 'must be object');
  for (const [key, value] of Object.entries(data)) string(value, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, errors);
};

const oneOf = (values: readonly string[]): Check => (data, path, errors) => {
  if (typeof data !== 'string' || !values.includes(data)) fail(errors, path, 'enum', { allowedValues: values }, `must be one of ${values.join(', ')}`);
};

const strings = arrayOf(string);

const backupTemplate = object({
  includedNamespaces: strings,
  excludedNamespaces: strings,
  includedResources: strings,
  excludedResources: strings,
  includedClusterScopedResources: strings,
  excludedClusterScopedResources: strings,
  includedNamespaceScopedResources: strings,
  excludedNamespaceScopedResources: strings,
  labelSelector,
  orLabelSelectors: arrayOf(labelSelector),
  includeClusterResources: boolean,
  snapshotVolumes: boolean,
  defaultVolumesToFsBackup: boolean,
  snapshotMoveData: boolean,
  ttl: duration,
  storageLocation: string,
  volumeSnapshotLocations: strings,
  csiSnapshotTimeout: duration,
  itemOperationTimeout: duration,
  metadata: object({ labels: stringMap }),
});

const scheduleCheck = object(
  {
    ...typeMeta(veleroApiVersion, 'Schedule'),
    spec: object(
      { schedule: string, template: backupTemplate, useOwnerReferencesInBackup: boolean, paused: boolean, skipImmediately: boolean },
      ['schedule', 'template'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const backupStorageLocationCheck = object(
  {
    ...typeMeta(veleroApiVersion, 'BackupStorageLocation'),
    spec: object(
      {
        provider: string,
        objectStorage: object({ bucket: string, prefix: string, caCert: string }, ['bucket']),
        config: stringMap,
        credential: object({ name: string, key: string, optional: boolean }, ['key']),
        default: boolean,
        accessMode: oneOf(['ReadOnly', 'ReadWrite']),
        backupSyncPeriod: duration,
        validationFrequency: duration,
      },
      ['provider', 'objectStorage'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

export const validateSchedule: ValidateFunc<ISchedule> = validateFunc(scheduleCheck);
export const validateBackupStorageLocation: ValidateFunc<IBackupStorageLocation> = validateFunc(backupStorageLocationCheck);

export const Schedule = customResource<ISchedule>(veleroApiVersion, 'Schedule', validateSchedule);
export type Schedule = CustomResource<ISchedule>;

export const BackupStorageLocation = customResource<IBackupStorageLocation>(
  veleroApiVersion,
  'BackupStorageLocation',
  validateBackupStorageLocation,
);
export type BackupStorageLocation = CustomResource<IBackupStorageLocation>;

/** The Velero kinds we type, for the validator's schema registry. */
export const veleroModels = [Schedule, BackupStorageLocation] as const;
