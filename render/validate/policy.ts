// Policy: what we require of our own workloads. Warnings by default, errors where the
// environment is strict; each can be waived per object with a reason (opt-out annotation).
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { asArray, asObject, isObject, type JsonObject } from './json.ts';
import { containersOf, LONG_RUNNING_KINDS, podTemplateOf } from './workloads.ts';

export function checkPolicy(ctx: Context, item: BundleItem, o: JsonObject, kind: string): void {
  if (kind === 'Secret' && (o.apiVersion === 'v1')) {
    for (const section of ['data', 'stringData']) {
      const data = asObject(o[section]);
      if (data && Object.keys(data).length > 0) {
        ctx.report(item, 'policy/plaintext-secret', section,
          `Secret carries plaintext ${section} (${Object.keys(data).length} key(s)): commit a SealedSecret instead, or list the Secret in the inventory if it is created in the cluster`);
      }
    }
  }
  if (kind === 'PersistentVolume' && isObject(asObject(o.spec)?.hostPath)) {
    ctx.report(item, 'policy/host-path', 'spec.hostPath', 'PersistentVolume on a hostPath ties data to one node and exposes the host filesystem');
  }
  const tpl = podTemplateOf(o);
  if (!tpl) return;
  const pod = tpl.spec;
  const podSc = asObject(pod.securityContext) ?? {};
  asArray(pod.volumes).forEach((v, i) => {
    if (isObject(asObject(v)?.hostPath)) {
      ctx.report(item, 'policy/host-path', `${tpl.specPath}.volumes[${i}].hostPath`,
        'hostPath volumes expose the node filesystem: only platform components that need it (CNI) may, with an opt-out reason');
    }
  });
  for (const { container: c, path, list } of containersOf(pod, tpl.specPath)) {
    const name = typeof c.name === 'string' ? c.name : path;
    if (typeof c.image === 'string' && c.image !== '') {
      const problem = imageTagProblem(c.image);
      if (problem) ctx.report(item, 'policy/image-tag', `${path}.image`, `image "${c.image}" ${problem}: pin a version tag or a digest (@sha256:…)`);
    }
    const sc = asObject(c.securityContext) ?? {};
    if (sc.privileged === true) ctx.report(item, 'policy/privileged', `${path}.securityContext.privileged`, `container "${name}" runs privileged (full access to the node)`);
    const user = sc.runAsUser ?? podSc.runAsUser;
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (user === 0) {
      ctx.report(item, 'policy/run-as-non-root', `${path}.securityContext.runAsUser`, `container "${name}" runs as UID 0 (root)`);
    } else if (!(typeof user === 'number' && user > 0) && nonRoot !== true) {
      ctx.report(item, 'policy/run-as-non-root', `${path}.securityContext`,
        `container "${name}" may run as root: set runAsNonRoot: true (pod or container securityContext) or a non-zero runAsUser`);
    }
    if (list === 'ephemeralContainers') continue;
    // A compromised process cannot drop tools or change binaries on a read-only root.
    if (sc.readOnlyRootFilesystem !== true) {
      ctx.report(item, 'policy/read-only-root', `${path}.securityContext.readOnlyRootFilesystem`,
        `container "${name}" has a writable root filesystem: set readOnlyRootFilesystem: true and mount the paths it writes (/tmp, run directories) as emptyDir volumes`);
    }
    const resources = asObject(c.resources) ?? {};
    const requests = asObject(resources.requests) ?? {};
    const limits = asObject(resources.limits) ?? {};
    const missing: string[] = [];
    // A limit without a request makes the request equal to the limit.
    if (requests.cpu === undefined && limits.cpu === undefined) missing.push('requests.cpu');
    if (requests.memory === undefined && limits.memory === undefined) missing.push('requests.memory');
    if (limits.memory === undefined) missing.push('limits.memory');
    if (missing.length) ctx.report(item, 'policy/resources', `${path}.resources`, `container "${name}" has no ${missing.join(', ')}`);
    const sidecar = list === 'initContainers' && c.restartPolicy === 'Always';
    if (LONG_RUNNING_KINDS.has(kind) && (list === 'containers' || sidecar) && pod.restartPolicy !== 'Never' && pod.restartPolicy !== 'OnFailure') {
      if (c.readinessProbe === undefined && c.livenessProbe === undefined) {
        ctx.report(item, 'policy/probes', path, `container "${name}" has neither a readinessProbe nor a livenessProbe`);
      }
    }
  }
}

/** Why an image reference is not pinned, or undefined when it is. */
export function imageTagProblem(image: string): string | undefined {
  if (image.includes('@')) return /@sha256:[0-9a-f]{64}$/.test(image) ? undefined : 'has a malformed digest';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'has no tag (it means :latest)';
  const tag = image.slice(colon + 1);
  if (tag === 'latest') return 'uses the moving tag :latest';
  if (tag === '') return 'has an empty tag';
  return undefined;
}
