// The guarantees every released workload rolls with (RollingUpdate with maxUnavailable 0,
// minReadySeconds, a PodDisruptionBudget, config checksums on the pod template) and the changes
// that quietly give one up. A release lands in dev first, so these apply in every environment,
// strict or not: the point is to catch the change before it is promoted.
import type { KubeObject } from '../types.ts';
import { changedAt, deepEqual, show } from './fields.ts';
import type { ChangeUnderReview, EnvUnderReview } from './classify.ts';
import type { Risk } from './model.ts';
import { ROLLING_KINDS, effectiveReplicas, get, isChecksumAnnotation, matchLabels, podTemplate, scaledCount, selects } from './workload.ts';

/** Defaults the API server fills in when the field is absent. */
const DEPLOYMENT_MAX_UNAVAILABLE = '25%';
const DAEMONSET_MAX_UNAVAILABLE = 1;

export function zeroDowntimeRisks(change: ChangeUnderReview, env: EnvUnderReview): Risk[] {
  const { base, head } = change;
  if (base && head && change.action === 'changed' && ROLLING_KINDS.has(head.kind)) {
    return [...strategyRisks(base, head, change, env), ...minReadyRisks(base, head), ...checksumRisks(base, head)];
  }
  if (base && base.kind === 'PodDisruptionBudget' && change.action !== 'added') return disruptionBudgetRisks(base, head, env);
  return [];
}

/** Pods a rollout may take out of service at once; undefined when it cannot be told. */
function unavailable(o: KubeObject, replicas: number | undefined): number | undefined {
  if (o.kind === 'Deployment') {
    if (get(o, 'spec.strategy.type') === 'Recreate') return replicas;
    return scaledCount(get(o, 'spec.strategy.rollingUpdate.maxUnavailable') ?? DEPLOYMENT_MAX_UNAVAILABLE, replicas ?? 0, false);
  }
  if (o.kind === 'DaemonSet') {
    if (get(o, 'spec.updateStrategy.type') === 'OnDelete') return 0;
    const mu = get(o, 'spec.updateStrategy.rollingUpdate.maxUnavailable') ?? DAEMONSET_MAX_UNAVAILABLE;
    // Node count is unknown here: a percentage is "some" unless it is 0%.
    return mu === '0%' ? 0 : scaledCount(mu, 100, false);
  }
  // A StatefulSet replaces pods one at a time (or maxUnavailable at a time) by design.
  return undefined;
}

function strategyRisks(base: KubeObject, head: KubeObject, change: ChangeUnderReview, env: EnvUnderReview): Risk[] {
  const strategy = head.kind === 'Deployment' ? 'spec.strategy' : 'spec.updateStrategy';
  if (!changedAt(base, head, change.fields, strategy)) return [];
  const r = head.kind === 'DaemonSet' ? undefined : effectiveReplicas(head, env.headObjects);
  const rBase = head.kind === 'DaemonSet' ? undefined : effectiveReplicas(base, env.baseObjects);
  const before = unavailable(base, rBase);
  const after = unavailable(head, r);
  if (before !== 0 || after === undefined || after === 0) return [];
  if (get(head, `${strategy}.type`) === 'Recreate') {
    return [{ class: 'downtime-risk', field: `${strategy}.type`, reason: 'strategy changed to Recreate: every pod stops before the new ones start, on every release from now on' }];
  }
  // Every pod down at once is reported by the rollout rules already.
  if (r !== undefined && after >= r && get(head, `${strategy}.rollingUpdate.maxUnavailable`) !== undefined) return [];
  const field = `${strategy}.rollingUpdate.maxUnavailable`;
  const was = get(base, field) ?? (head.kind === 'Deployment' ? DEPLOYMENT_MAX_UNAVAILABLE : DAEMONSET_MAX_UNAVAILABLE);
  const now = get(head, field);
  const nowText = now === undefined ? `${show(head.kind === 'Deployment' ? DEPLOYMENT_MAX_UNAVAILABLE : DAEMONSET_MAX_UNAVAILABLE)} (the default, strategy removed)` : show(now);
  const pods = r === undefined ? 'pods' : `${after} of ${r} pod(s)`;
  return [{
    class: 'downtime-risk',
    field,
    reason: `maxUnavailable ${show(was)} → ${nowText}: each rollout may now take ${pods} out of service before their replacements are ready (zero-downtime releases keep it at 0 and surge instead)`,
  }];
}

function minReadyRisks(base: KubeObject, head: KubeObject): Risk[] {
  const was = get(base, 'spec.minReadySeconds');
  const now = get(head, 'spec.minReadySeconds');
  if (typeof was !== 'number' || was <= 0 || (typeof now === 'number' && now > 0)) return [];
  return [{
    class: 'downtime-risk',
    field: 'spec.minReadySeconds',
    reason: `minReadySeconds ${was} → ${show(now ?? 0)}: a new pod counts as available the moment it first reports ready, so the rollout retires old pods before the new ones have proven they stay up`,
  }];
}

function checksumRisks(base: KubeObject, head: KubeObject): Risk[] {
  const annotations = (o: KubeObject) => (get(podTemplate(o), 'metadata.annotations') ?? {}) as Record<string, unknown>;
  const now = annotations(head);
  return Object.keys(annotations(base)).filter((k) => isChecksumAnnotation(k) && !(k in now)).sort().map((k) => ({
    class: 'downtime-risk' as const,
    field: `spec.template.metadata.annotations."${k}"`,
    reason: `config checksum annotation ${k} removed from the pod template: a changed ConfigMap or Secret no longer rolls the pods, which keep the old configuration until they happen to restart`,
  }));
}

/** Pods a budget lets voluntary disruptions (node drains, upgrades) evict at once. */
function disruptionsAllowed(pdb: KubeObject, replicas: number): number {
  const min = get(pdb, 'spec.minAvailable');
  if (min !== undefined) return Math.max(0, replicas - (scaledCount(min, replicas, true) ?? 0));
  const max = get(pdb, 'spec.maxUnavailable');
  return max !== undefined ? Math.min(replicas, scaledCount(max, replicas, true) ?? replicas) : replicas;
}

function covers(pdb: KubeObject, workload: KubeObject): boolean {
  const sel = matchLabels(get(pdb, 'spec.selector'));
  if (pdb.metadata.namespace !== workload.metadata.namespace || !sel || Object.keys(sel).length === 0) return false;
  return selects(sel, get(podTemplate(workload), 'metadata.labels'));
}

function disruptionBudgetRisks(base: KubeObject, head: KubeObject | undefined, env: EnvUnderReview): Risk[] {
  const risks: Risk[] = [];
  const headBudgets = env.headObjects.filter((o) => o.kind === 'PodDisruptionBudget');
  // Workloads the old budget protected that still run after the change.
  const protectedBefore = env.headObjects.filter((w) => ROLLING_KINDS.has(w.kind) && w.kind !== 'DaemonSet' && covers(base, w));
  for (const w of protectedBefore) {
    const id = `${w.kind}/${w.metadata.name}`;
    const r = effectiveReplicas(w, env.headObjects);
    const now = headBudgets.filter((p) => covers(p, w));
    if (now.length === 0) {
      const reason = `PodDisruptionBudget ${base.metadata.name} ${head ? 'no longer selects' : 'removed, so nothing protects'} ${id} (${r} replica(s)) any more: a node drain or cluster upgrade may evict all its pods at once`;
      risks.push(head ? { class: 'downtime-risk', field: 'spec.selector', reason } : { class: 'downtime-risk', reason });
      continue;
    }
    if (!head || !now.some((p) => p.metadata.name === head.metadata.name)) continue;
    const before = disruptionsAllowed(base, r);
    const after = disruptionsAllowed(head, r);
    if (after > before) {
      const field = get(head, 'spec.minAvailable') !== undefined ? 'spec.minAvailable' : 'spec.maxUnavailable';
      const what = (o: KubeObject) => (get(o, 'spec.minAvailable') !== undefined ? `minAvailable ${show(get(o, 'spec.minAvailable'))}` : `maxUnavailable ${show(get(o, 'spec.maxUnavailable'))}`);
      const all = after >= r ? ', i.e. all of them' : '';
      risks.push({
        class: 'downtime-risk',
        field,
        reason: `PodDisruptionBudget ${base.metadata.name} loosened (${what(base)} → ${what(head)}): drains may now evict ${after} of ${id}'s ${r} pod(s) at once${all} (was ${before})`,
      });
    }
  }
  return risks.filter((r, i) => risks.findIndex((x) => deepEqual(x, r)) === i);
}
