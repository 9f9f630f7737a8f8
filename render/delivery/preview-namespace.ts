// What the platform, not the preview, puts in each `pr-<n>` namespace: the Namespace itself (Pod
// Security `restricted`, the preview label), a ResourceQuota and a LimitRange, all from
// `environments/preview.ts`. The publisher (trusted code from the default branch) adds these to
// the folder it writes; a preview that brings any of them — or any Namespace at all — is refused,
// so neither its labels nor its finalizers nor its budget are the preview's to choose.
import { LimitRange, Namespace, ResourceQuota } from '../../platform/kinds.ts';
import type { PreviewLimits } from '../../environments/preview.ts';
import type { KubeObject } from '../types.ts';

/** The label Argo CD's tracking and our cleanup recognise preview objects by. */
export const PREVIEW_LABEL = 'gitops.sound-buzz.live/preview';
const PSA = 'pod-security.kubernetes.io/';
/** Kinds only the platform writes into a preview namespace. */
export const PLATFORM_OWNED_KINDS: ReadonlySet<string> = new Set(['/Namespace', '/ResourceQuota', '/LimitRange']);
export const QUOTA_NAME = 'preview';
export const LIMIT_RANGE_NAME = 'preview';

/** The Namespace, ResourceQuota and LimitRange of `pr-<pr>`, as plain objects. */
export function previewPlatformObjects(namespace: string, pr: number, limits: PreviewLimits): KubeObject[] {
  const q = limits.quota;
  const c = limits.container;
  const objects = [
    new Namespace({
      metadata: {
        name: namespace,
        labels: {
          'app.kubernetes.io/part-of': namespace,
          [PREVIEW_LABEL]: String(pr),
          [`${PSA}enforce`]: 'restricted',
          [`${PSA}enforce-version`]: 'latest',
          [`${PSA}warn`]: 'restricted',
          [`${PSA}audit`]: 'restricted',
        },
      },
    }),
    new ResourceQuota({
      metadata: { name: QUOTA_NAME, namespace },
      spec: {
        hard: {
          'requests.cpu': q.requests.cpu,
          'requests.memory': q.requests.memory,
          'requests.storage': q.requests.storage,
          'limits.cpu': q.limits.cpu,
          'limits.memory': q.limits.memory,
          pods: String(q.pods),
          persistentvolumeclaims: String(q.persistentVolumeClaims),
          // Nothing that leaves the namespace through a node or the load balancer.
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        },
      },
    }),
    new LimitRange({
      metadata: { name: LIMIT_RANGE_NAME, namespace },
      spec: {
        limits: [
          { type: 'Container', defaultRequest: { ...c.defaultRequest }, default: { ...c.default }, max: { ...c.max } },
          { type: 'PersistentVolumeClaim', max: { storage: limits.maxClaimStorage } },
        ],
      },
    }),
  ];
  return objects.map((o) => structuredClone(o) as KubeObject);
}
