import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';

/** The identity a container runs as: images differ (postgres 999, grafana 472, www-data 33). */
export interface RunAs {
  user: number;
  group?: number;
  /** Group owning mounted volumes; defaults to `group`. */
  fsGroup?: number;
}

/**
 * Pod-level context meeting the `restricted` Pod Security Standard. `lowPorts` lets a
 * non-root process bind ports below 1024 (Apache images listen on 80) through the
 * namespaced, safe sysctl instead of a capability.
 */
export function podSecurity(runAs: RunAs, opts: { lowPorts?: boolean } = {}): IPodSecurityContext {
  const group = runAs.group ?? runAs.user;
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: group,
    fsGroup: runAs.fsGroup ?? group,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
    ...(opts.lowPorts ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
  };
}

/**
 * Container-level context for `restricted`: no privilege escalation, no capabilities, and a
 * read-only root filesystem (writable paths are volumes: `/tmp`, run directories, data). A
 * writable root is the exception, with a reason (`writableRoot` in the workload specs).
 */
export function containerSecurity(opts: { readOnlyRoot?: boolean } = {}): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: opts.readOnlyRoot ?? true,
  };
}

/** The scratch directory every read-only container gets unless it mounts its own. */
export const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp', emptyDir: { sizeLimit: '64Mi' } } as const;

/** `mounts` plus a `/tmp` emptyDir when the root is read-only and nothing is mounted there. */
export function withTmp<M extends { name: string; mountPath: string }>(mounts: readonly M[], readOnlyRoot: boolean): (M | typeof TMP_MOUNT)[] {
  if (!readOnlyRoot || mounts.some((m) => m.mountPath === '/tmp' || m.name === TMP_MOUNT.name)) return [...mounts];
  return [...mounts, TMP_MOUNT];
}
