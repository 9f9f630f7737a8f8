// How an app's volumes take part in Velero's backups (platform/velero.ts). Every claim is copied
// by the node-agent from the pod that mounts it (file-system backup, NFS has no snapshots); the
// render refuses a claim nothing copies (platform/backup-coverage.ts) unless it is declared
// disposable here, with the reason written down.
import type { StringMap } from '../../render/types.ts';
import { RenderError } from '../../render/types.ts';
import { disposableAnnotation, excludeVolumesAnnotation } from '../../platform/backup-coverage.ts';

/**
 * A command Velero runs in a container of the pod right before it copies the pod's volumes: a
 * database writes a consistent dump into its own volume, so the backup holds one even though
 * the live files are copied while the server writes them.
 */
export interface BackupHook {
  container: string;
  command: readonly string[];
  /** Go duration; the Backup fails (on-error Fail) rather than keep a backup without its dump. */
  timeout: string;
}

/** Pod-template annotations for a pre-backup hook (Velero's `pre.hook.backup.velero.io/*`). */
export function backupHookAnnotations(hook: BackupHook): StringMap {
  return {
    'pre.hook.backup.velero.io/container': hook.container,
    'pre.hook.backup.velero.io/command': JSON.stringify(hook.command),
    'pre.hook.backup.velero.io/on-error': 'Fail',
    'pre.hook.backup.velero.io/timeout': hook.timeout,
  };
}

/** Claim annotation: this volume is deliberately not backed up, and why. */
export function disposable(reason: string, where: { app: string; resource: string }): StringMap {
  if (reason.trim().length < 10) {
    throw new RenderError({ component: where.app, resource: where.resource, field: `metadata.annotations.${disposableAnnotation}` }, 'a disposable volume needs a written reason (what is lost and why that is fine)');
  }
  return { [disposableAnnotation]: reason };
}

/** Pod-template annotation: Velero skips these volumes of the pod (they are disposable). */
export function excludeVolumes(volumes: readonly string[]): StringMap {
  return volumes.length ? { [excludeVolumesAnnotation]: [...volumes].sort().join(',') } : {};
}
