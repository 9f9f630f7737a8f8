// Reading pod templates, replicas and images out of plain workload objects.
import type { KubeObject } from '../types.ts';
import { isRecord } from './fields.ts';
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

export function get(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const seg of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

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
