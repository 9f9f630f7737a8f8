import type { StringMap } from '../../render/types.ts';

/**
 * Identity of one workload inside an app: `part-of` is the app (and its namespace),
 * `component` the role (`public`, `api`, `db`). Selectors use exactly these two labels,
 * so NetworkPolicies and Services can be written from the same values.
 */
export interface WorkloadId {
  app: string;
  role: string;
}

export function selectorLabels(id: WorkloadId): StringMap {
  return { 'app.kubernetes.io/part-of': id.app, 'app.kubernetes.io/component': id.role };
}

export function workloadLabels(id: WorkloadId, extra: StringMap = {}): StringMap {
  return { ...selectorLabels(id), 'app.kubernetes.io/managed-by': 'argocd', ...extra };
}

/** Argo CD per-resource annotations we use. */
export const argo = {
  syncWave: (wave: number): StringMap => ({ 'argocd.argoproj.io/sync-wave': String(wave) }),
  /** Data-holding objects: never pruned or deleted by Argo CD, even when removed from Git. */
  keepData: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } as StringMap,
};

/** `validation.gitops/opt-out` annotation: each rule with the reason it does not apply. */
export function optOut(reasons: Record<string, string>): StringMap {
  const entries = Object.keys(reasons)
    .sort()
    .map((rule) => `${rule}=${reasons[rule]}`);
  return { 'validation.gitops/opt-out': entries.join('; ') };
}
