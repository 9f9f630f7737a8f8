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

/** Container-level context for `restricted`: no privilege escalation, no capabilities. */
export function containerSecurity(opts: { readOnlyRoot?: boolean } = {}): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: opts.readOnlyRoot ?? false,
  };
}
