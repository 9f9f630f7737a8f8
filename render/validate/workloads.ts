// Where pods hide inside objects: the pod spec of a Pod, of a workload's template, of a
// CronJob's job template; and the containers of a pod spec.
import { asArray, asObject, asStringMap, field, index, isObject, type JsonObject } from './json.ts';

export interface PodTemplate {
  /** The pod spec. */
  spec: JsonObject;
  /** Path of the pod spec, e.g. `spec.template.spec`. */
  specPath: string;
  /** Pod template labels ({} when none). */
  labels: Record<string, string>;
  /** Path of the template's `metadata.labels` (or the Pod's). */
  labelsPath: string;
  /** The workload's own `spec` (selector, replicas…), absent for Pods and CronJobs. */
  workloadSpec?: JsonObject;
  /** A CronJob's `spec.jobTemplate.spec`. */
  jobSpec?: JsonObject;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']);

/** Kinds whose pods run until stopped (probes expected). */
export const LONG_RUNNING_KINDS: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Pod']);

export function podTemplateOf(o: JsonObject): PodTemplate | undefined {
  const kind = o.kind;
  const spec = asObject(o.spec);
  if (!spec) return undefined;
  if (kind === 'Pod') {
    const meta = asObject(o.metadata);
    return { spec, specPath: 'spec', labels: asStringMap(meta?.labels) ?? {}, labelsPath: 'metadata.labels' };
  }
  if (kind === 'CronJob') {
    const jobSpec = asObject(asObject(spec.jobTemplate)?.spec);
    const template = asObject(jobSpec?.template);
    const podSpec = asObject(template?.spec);
    if (!template || !podSpec || !jobSpec) return undefined;
    return {
      spec: podSpec,
      jobSpec,
      specPath: 'spec.jobTemplate.spec.template.spec',
      labels: asStringMap(asObject(template.metadata)?.labels) ?? {},
      labelsPath: 'spec.jobTemplate.spec.template.metadata.labels',
    };
  }
  if (typeof kind === 'string' && TEMPLATE_KINDS.has(kind)) {
    const template = asObject(spec.template);
    const podSpec = asObject(template?.spec);
    if (!template || !podSpec) return undefined;
    return {
      spec: podSpec,
      specPath: 'spec.template.spec',
      labels: asStringMap(asObject(template.metadata)?.labels) ?? {},
      labelsPath: 'spec.template.metadata.labels',
      workloadSpec: spec,
    };
  }
  return undefined;
}

export interface ContainerRef {
  container: JsonObject;
  path: string;
  list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

export function containersOf(podSpec: JsonObject, specPath: string): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    asArray(podSpec[list]).forEach((c, i) => {
      if (isObject(c)) out.push({ container: c, path: index(field(specPath, list), i), list });
    });
  }
  return out;
}
