// Namespaces that hold data keep it when Argo CD lets go of them. PVCs already carry
// `Prune=false,Delete=false`, but deleting their Namespace deletes them anyway: removing the
// Application that owns the Namespace (its resources finalizer), or the Namespace from Git
// (prune), would take every volume inside with it. So every Namespace in which any component of
// the environment claims storage (a PVC, or a StatefulSet's volumeClaimTemplates) gets
// `argocd.argoproj.io/sync-options: Prune=false,Delete=false` too. Removing such a namespace
// is then a deliberate `kubectl delete namespace`, after the data is saved.
import type { KubeObject } from './types.ts';

export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const KEEP_DATA_OPTIONS = ['Prune=false', 'Delete=false'] as const;

/** Namespaces in which something claims storage. */
export function dataNamespaces(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (ns === undefined) continue;
    const templates = (o.spec as { volumeClaimTemplates?: unknown[] } | undefined)?.volumeClaimTemplates;
    if (o.kind === 'PersistentVolumeClaim' || (o.kind === 'StatefulSet' && Array.isArray(templates) && templates.length > 0)) out.add(ns);
  }
  return out;
}

/** Adds the keep-data sync options to every Namespace object holding data (other options kept). */
export function protectDataNamespaces(objects: readonly KubeObject[]): void {
  const data = dataNamespaces(objects);
  for (const o of objects) {
    if (o.kind !== 'Namespace' || o.apiVersion !== 'v1' || !data.has(o.metadata.name)) continue;
    const existing = (o.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const keys = new Set(KEEP_DATA_OPTIONS.map((x) => x.split('=')[0]));
    const options = [...existing.filter((x) => !keys.has(x.split('=')[0])), ...KEEP_DATA_OPTIONS].sort();
    o.metadata.annotations = { ...o.metadata.annotations, [SYNC_OPTIONS]: options.join(',') };
  }
}
