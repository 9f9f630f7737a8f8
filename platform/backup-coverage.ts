// Every volume is backed up, or says why not. Velero's file-system backup copies a claim only
// when (1) a Schedule with `defaultVolumesToFsBackup` includes its namespace, (2) a running pod
// mounts it at backup time — a Deployment, StatefulSet or DaemonSet; a CronJob's or Job's pod is
// usually not running, so a claim only they mount is never copied — and (3) that pod does not
// exclude the volume (`backup.velero.io/backup-volumes-excludes`). A claim failing any of these is
// refused at render, unless annotated `backup.gitops/disposable: "<reason>"` (apps/kit/backup.ts).
import { RenderError, type KubeObject } from '../render/types.ts';

export const disposableAnnotation = 'backup.gitops/disposable';
export const excludeVolumesAnnotation = 'backup.velero.io/backup-volumes-excludes';

/** What the check needs of a rendered object: which component (app) it belongs to. */
export interface PlacedObject {
  component: string;
  object: KubeObject;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

interface Claim {
  component: string;
  namespace: string;
  /** As the error names it: `PersistentVolumeClaim/<ns>/<name>` or `StatefulSet/<ns>/<sts> volumeClaimTemplates[<t>]`. */
  resource: string;
  annotations: Record<string, string>;
  /** Which pods mount it, by claim name (a PVC) or by template (a StatefulSet's own pods). */
  mountedBy: (ws: readonly Workload[]) => { workload: Workload; volume: string }[];
}

interface Workload {
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  /** Pod volume name → claim name. */
  claims: Map<string, string>;
  excluded: Set<string>;
}

function workloadOf(o: KubeObject): Workload | undefined {
  if (!RUNNING.has(o.kind)) return undefined;
  const spec = obj(o.spec);
  const template = obj(spec.template);
  const pod = obj(template.spec);
  const claims = new Map<string, string>();
  for (const v of list(pod.volumes)) {
    const claim = str(obj(obj(v).persistentVolumeClaim).claimName);
    const name = str(obj(v).name);
    if (claim && name) claims.set(name, claim);
  }
  const excludes = str(obj(obj(template.metadata).annotations)[excludeVolumesAnnotation]) ?? '';
  const replicas = o.kind === 'DaemonSet' ? 1 : typeof spec.replicas === 'number' ? spec.replicas : 1;
  return {
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    replicas,
    claims,
    excluded: new Set(excludes.split(',').map((s) => s.trim()).filter(Boolean)),
  };
}

function claimsOf(placed: PlacedObject): Claim[] {
  const { component, object: o } = placed;
  const namespace = o.metadata.namespace ?? '';
  if (o.kind === 'PersistentVolumeClaim') {
    return [
      {
        component,
        namespace,
        resource: `PersistentVolumeClaim/${namespace}/${o.metadata.name}`,
        annotations: o.metadata.annotations ?? {},
        mountedBy: (ws) =>
          ws.flatMap((w) => (w.namespace === namespace ? [...w.claims].filter(([, c]) => c === o.metadata.name).map(([volume]) => ({ workload: w, volume })) : [])),
      },
    ];
  }
  if (o.kind === 'StatefulSet') {
    return list(obj(o.spec).volumeClaimTemplates).map((t) => {
      const meta = obj(obj(t).metadata);
      const name = str(meta.name) ?? '';
      return {
        component,
        namespace,
        resource: `StatefulSet/${namespace}/${o.metadata.name} volumeClaimTemplates[${name}]`,
        annotations: obj(meta.annotations) as Record<string, string>,
        mountedBy: (ws) => ws.filter((w) => w.kind === 'StatefulSet' && w.namespace === namespace && w.name === o.metadata.name).map((w) => ({ workload: w, volume: name })),
      };
    });
  }
  return [];
}

/** Namespaces where a Velero Schedule copies pod volumes by default. */
function fsBackupNamespaces(objects: readonly PlacedObject[]): { all: boolean; namespaces: Set<string> } {
  const namespaces = new Set<string>();
  let all = false;
  for (const { object: o } of objects) {
    if (o.kind !== 'Schedule' || !o.apiVersion.startsWith('velero.io/')) continue;
    const template = obj(obj(o.spec).template);
    if (template.defaultVolumesToFsBackup !== true || obj(o.spec).paused === true) continue;
    for (const ns of list(template.includedNamespaces)) {
      if (ns === '*') all = true;
      else if (typeof ns === 'string') namespaces.add(ns);
    }
  }
  return { all, namespaces };
}

/** Namespaces holding a claim (a PVC or a StatefulSet's claim template): what the Schedules must include. */
export function namespacesWithClaims(objects: readonly PlacedObject[]): string[] {
  return [...new Set(objects.flatMap(claimsOf).map((c) => c.namespace))].sort();
}

/**
 * Throws a RenderError naming the environment, the app and the claim for the first claim that
 * no backup copies and that is not declared disposable.
 */
export function checkBackupCoverage(env: string, objects: readonly PlacedObject[]): void {
  const scheduled = fsBackupNamespaces(objects);
  const workloads = objects.map((p) => workloadOf(p.object)).filter((w): w is Workload => w !== undefined);
  for (const claim of objects.flatMap(claimsOf)) {
    const where = { env, component: claim.component, resource: claim.resource };
    const reason = claim.annotations[disposableAnnotation];
    if (reason !== undefined) {
      if (reason.trim() === '') throw new RenderError({ ...where, field: `metadata.annotations.${disposableAnnotation}` }, 'a disposable volume needs a written reason');
      continue;
    }
    const refuse = (why: string): never => {
      throw new RenderError(
        where,
        `no backup covers this volume: ${why}. Back it up, or mark it disposable with the reason its data may be lost (kit: claim({ disposable: "…" }) or statefulServer({ backup: { disposable: "…" } }), annotation ${disposableAnnotation})`,
      );
    };
    if (!scheduled.all && !scheduled.namespaces.has(claim.namespace)) {
      refuse(`no Velero Schedule with defaultVolumesToFsBackup includes namespace ${claim.namespace}`);
    }
    const mounts = claim.mountedBy(workloads).filter((m) => m.workload.replicas > 0);
    if (mounts.length === 0) {
      refuse('no running pod mounts it (Velero copies a volume from a running pod of a Deployment, StatefulSet or DaemonSet; a CronJob\'s or Job\'s pod is gone at backup time)');
    }
    if (mounts.every((m) => m.workload.excluded.has(m.volume))) {
      const w = mounts[0]!.workload;
      refuse(`${w.kind}/${w.name} excludes it from backups (${excludeVolumesAnnotation})`);
    }
  }
}
