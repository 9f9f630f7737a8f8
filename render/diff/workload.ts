// Reading pod templates, replicas and images out of plain workload objects.
import type { KubeObject } from '../types.ts';
import { get, isRecord } from './fields.ts';
import type { ImageChange } from './model.ts';

/** Kinds whose pods are replaced when the pod template changes. */
export const ROLLING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Kinds that carry a pod template at spec.template. */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Field path of the pod template, or undefined for objects without one. */
export function templatePath(kind: string): string | undefined {
  if (TEMPLATE_KINDS.has(kind)) return 'spec.template';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template';
  return undefined;
}

export { get };

export function podTemplate(o: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const p = templatePath(o.kind);
  const t = p ? get(o, p) : undefined;
  return isRecord(t) ? t : undefined;
}

export interface Container {
  name: string;
  image?: string;
  readinessProbe?: unknown;
  [k: string]: unknown;
}

export function containers(o: KubeObject | undefined, which: 'containers' | 'initContainers' = 'containers'): Container[] {
  const list = get(podTemplate(o), `spec.${which}`);
  return Array.isArray(list) ? (list.filter((c) => isRecord(c) && typeof c.name === 'string') as Container[]) : [];
}

/** Replicas the workload asks for (Kubernetes defaults to 1). */
export function replicas(o: KubeObject): number {
  const r = get(o, 'spec.replicas');
  return typeof r === 'number' ? r : 1;
}

/** Replicas, or the minimum of a HorizontalPodAutoscaler that owns the count (spec.replicas unset). */
export function effectiveReplicas(o: KubeObject, objects: readonly KubeObject[]): number {
  if (get(o, 'spec.replicas') !== undefined) return replicas(o);
  const hpa = objects.find((x) => x.kind === 'HorizontalPodAutoscaler' && x.metadata.namespace === o.metadata.namespace &&
    get(x, 'spec.scaleTargetRef.kind') === o.kind && get(x, 'spec.scaleTargetRef.name') === o.metadata.name);
  const min = hpa ? get(hpa, 'spec.minReplicas') : undefined;
  return typeof min === 'number' ? min : 1;
}

/**
 * An int-or-percent field as a pod count out of `total`, the way the controllers scale it
 * (Deployment maxUnavailable rounds down, maxSurge and PodDisruptionBudget values round up).
 * Undefined when it cannot be read.
 */
export function scaledCount(v: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return /^\d+$/.test(v) ? Number(v) : undefined;
  const exact = (total * Number(m[1])) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function imageChanges(base: KubeObject | undefined, head: KubeObject | undefined): ImageChange[] {
  const out: ImageChange[] = [];
  for (const which of ['initContainers', 'containers'] as const) {
    const before = containers(base, which);
    for (const c of containers(head, which)) {
      const prev = before.find((b) => b.name === c.name);
      if (prev && typeof prev.image === 'string' && typeof c.image === 'string' && prev.image !== c.image) {
        out.push({ container: c.name, from: prev.image, to: c.image });
      }
    }
  }
  return out;
}

/** `{a: b}` label selector of a workload or Service as a plain map (matchLabels only). */
export function matchLabels(sel: unknown): Record<string, string> | undefined {
  if (!isRecord(sel)) return undefined;
  const m = isRecord(sel.matchLabels) ? sel.matchLabels : sel;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function selects(selector: Record<string, string>, labels: unknown): boolean {
  if (!isRecord(labels)) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * Pod-template annotations that carry a hash of the configuration (`checksum/config`,
 * `checksum.gitops/config`): changing the config changes them and so rolls the pods.
 */
export function isChecksumAnnotation(key: string): boolean {
  return /checksum/i.test(key);
}

/** The annotation key a field path ends in (`….annotations."checksum/config"`), if any. */
export function annotationKeyOf(path: string): string | undefined {
  const m = /\.annotations\.(?:"([^"]+)"|([^."[]+))$/.exec(path);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** ConfigMaps and Secrets a pod template reads, as `Kind/namespace/name`. */
export function referencedConfig(o: KubeObject): string[] {
  const t = podTemplate(o);
  const ns = o.metadata.namespace ?? '';
  const refs = new Set<string>();
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!isRecord(x)) return;
    for (const [k, v] of Object.entries(x)) {
      if ((k === 'configMap' || k === 'configMapRef' || k === 'configMapKeyRef') && isRecord(v) && typeof v.name === 'string') refs.add(`ConfigMap/${ns}/${v.name}`);
      if ((k === 'secretRef' || k === 'secretKeyRef') && isRecord(v) && typeof v.name === 'string') refs.add(`Secret/${ns}/${v.name}`);
      if (k === 'secret' && isRecord(v) && typeof v.secretName === 'string') refs.add(`Secret/${ns}/${v.secretName}`);
      visit(v);
    }
  };
  visit(t);
  return [...refs].sort();
}
