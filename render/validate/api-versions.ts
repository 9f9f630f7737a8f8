// Removed and deprecated API versions (condensed from Pluto's versions.yaml and the
// Kubernetes deprecation guide): an object in a version removed at the target is an error,
// one deprecated there a warning; both name the replacement.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';

interface ApiChange {
  apiVersion: string;
  kinds: readonly string[];
  deprecatedIn: string;
  /** Absent: deprecated with no removal scheduled. */
  removedIn?: string;
  replacement: string;
}

const APPS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];
const RBAC = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
const WEBHOOKS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
const FLOW = ['FlowSchema', 'PriorityLevelConfiguration'];

const CHANGES: readonly ApiChange[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], deprecatedIn: '1.8', removedIn: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], deprecatedIn: '1.9', removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], deprecatedIn: '1.10', removedIn: '1.16', replacement: 'policy/v1beta1 (itself removed in 1.25: use Pod Security Admission)' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], deprecatedIn: '1.14', removedIn: '1.22', replacement: 'networking.k8s.io/v1 (backend.service.name / backend.service.port, pathType required)' },
  { apiVersion: 'apps/v1beta1', kinds: APPS, deprecatedIn: '1.9', removedIn: '1.16', replacement: 'apps/v1 (spec.selector required)' },
  { apiVersion: 'apps/v1beta2', kinds: APPS, deprecatedIn: '1.9', removedIn: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], deprecatedIn: '1.16', removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: WEBHOOKS, deprecatedIn: '1.16', removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: RBAC, deprecatedIn: '1.17', removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: RBAC, deprecatedIn: '1.17', removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], deprecatedIn: '1.14', removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'none: Pod Security Admission (namespace labels pod-security.kubernetes.io/*)' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'policy/v1 (an empty selector now selects every pod)' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'batch/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], deprecatedIn: '1.22', removedIn: '1.25', replacement: 'autoscaling/v2' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], deprecatedIn: '1.22', removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecatedIn: '1.22', removedIn: '1.25', replacement: 'node.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], deprecatedIn: '1.23', removedIn: '1.26', replacement: 'autoscaling/v2' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: FLOW, deprecatedIn: '1.23', removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecatedIn: '1.24', removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: FLOW, deprecatedIn: '1.26', removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: FLOW, deprecatedIn: '1.29', removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'v1', kinds: ['Endpoints'], deprecatedIn: '1.33', replacement: 'discovery.k8s.io/v1 EndpointSlice' },
];

const BY_GVK = new Map<string, ApiChange>();
for (const c of CHANGES) for (const k of c.kinds) BY_GVK.set(`${c.apiVersion}/${k}`, c);

/** `1.33` → 1033, so minors compare as numbers. */
export function versionKey(v: string): number {
  const m = /^v?(\d+)\.(\d+)/.exec(v);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1000 + Number(m[2]);
}

export function checkApiVersion(ctx: Context, item: BundleItem, apiVersion: string, kind: string): void {
  const change = BY_GVK.get(`${apiVersion}/${kind}`);
  if (!change) return;
  const target = versionKey(ctx.options.kubeVersion);
  if (change.removedIn && target >= versionKey(change.removedIn)) {
    ctx.report(item, 'api/removed', 'apiVersion',
      `${apiVersion} ${kind} was removed in Kubernetes ${change.removedIn} (target ${ctx.options.kubeVersion}): use ${change.replacement}`);
  } else if (target >= versionKey(change.deprecatedIn)) {
    const when = change.removedIn ? `, removed in ${change.removedIn}` : '';
    ctx.report(item, 'api/deprecated', 'apiVersion',
      `${apiVersion} ${kind} is deprecated since Kubernetes ${change.deprecatedIn}${when}: use ${change.replacement}`);
  }
}
