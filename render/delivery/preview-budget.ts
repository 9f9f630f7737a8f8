// What a preview may consume on the shared dev cluster, checked before publishing: images only
// from the allowlisted registries, each container within the LimitRange maximum, the whole
// preview at its largest (replicas, HPAs at maxReplicas, init containers) within the
// ResourceQuota, and every claim dynamically provisioned by the dev StorageClass within the size
// cap. The namespace's ResourceQuota and LimitRange enforce the same at admission; checking here
// names the object and field before anything reaches the cluster.
import type { PreviewLimits } from '../../environments/preview.ts';
import { objectId } from '../build.ts';
import { RenderError, type KubeObject } from '../types.ts';
import { parseQuantity } from '../validate/quantity.ts';
import type { Reject } from './preview-confinement.ts';

export interface BudgetScope {
  namespace: string;
  limits: PreviewLimits;
  /** The dev cluster's StorageClass: the only one a preview claim may name. */
  storageClass: string;
}

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : undefined);
const list = (x: unknown): Rec[] => (Array.isArray(x) ? x.map(rec).filter((r): r is Rec => r !== undefined) : []);
const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((cur, seg) => rec(cur)?.[seg], o);

/** Where each workload kind keeps its pod template, and how many pods it may run at once. */
const WORKLOADS: Record<string, { spec: string; count: (o: KubeObject) => { n: number; field: string } }> = {
  Deployment: { spec: 'spec.template.spec', count: (o) => ({ n: num(at(o, 'spec.replicas'), 1), field: 'spec.replicas' }) },
  StatefulSet: { spec: 'spec.template.spec', count: (o) => ({ n: num(at(o, 'spec.replicas'), 1), field: 'spec.replicas' }) },
  Job: { spec: 'spec.template.spec', count: (o) => ({ n: num(at(o, 'spec.parallelism'), 1), field: 'spec.parallelism' }) },
  // Counted once: a preview's CronJobs (backups) forbid overlapping runs; the quota covers the rest.
  CronJob: { spec: 'spec.jobTemplate.spec.template.spec', count: (o) => ({ n: num(at(o, 'spec.jobTemplate.spec.parallelism'), 1), field: 'spec.jobTemplate.spec.parallelism' }) },
};

/** The limits of environments/preview.ts are quantities and counts; a typo is a clear error, not a silent pass. */
export function checkPreviewLimits(limits: PreviewLimits): void {
  const where = (field: string) => ({ file: 'environments/preview.ts', field: `limits.${field}` });
  const quantities: [string, string][] = [
    ['quota.requests.cpu', limits.quota.requests.cpu], ['quota.requests.memory', limits.quota.requests.memory],
    ['quota.requests.storage', limits.quota.requests.storage], ['quota.limits.cpu', limits.quota.limits.cpu],
    ['quota.limits.memory', limits.quota.limits.memory], ['maxClaimStorage', limits.maxClaimStorage],
    ...(['defaultRequest', 'default', 'max'] as const).flatMap((k) => [[`container.${k}.cpu`, limits.container[k].cpu], [`container.${k}.memory`, limits.container[k].memory]] as [string, string][]),
  ];
  for (const [field, value] of quantities) {
    const p = parseQuantity(value);
    if ('error' in p) throw new RenderError(where(field), p.error);
  }
  for (const field of ['pods', 'persistentVolumeClaims'] as const) {
    const n = limits.quota[field];
    if (!Number.isInteger(n) || n < 0) throw new RenderError(where(`quota.${field}`), `must be a whole number ≥ 0, is ${JSON.stringify(n)}`);
  }
  if (limits.imagePrefixes.length === 0) throw new RenderError(where('imagePrefixes'), 'lists no registry: no preview could run');
  for (const [i, p] of limits.imagePrefixes.entries()) {
    if (!/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]*$/.test(p)) throw new RenderError(where(`imagePrefixes[${i}]`), `"${p}" is not <registry host>/<path> (e.g. "docker.io/library/", "ghcr.io/sound-buzz/")`);
  }
}

function num(x: unknown, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : fallback;
}

function qty(x: unknown): number | undefined {
  const p = parseQuantity(x);
  return 'value' in p ? p.value : undefined;
}

type Totals = { 'requests.cpu': number; 'requests.memory': number; 'limits.cpu': number; 'limits.memory': number; pods: number };
const TOTAL_KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'pods'] as const;

export function checkBudget(objects: readonly KubeObject[], scope: BudgetScope, reject: Reject): void {
  const L = scope.limits;
  const max = { cpu: qty(L.container.max.cpu)!, memory: qty(L.container.max.memory)! };
  const quota: Totals = {
    'requests.cpu': qty(L.quota.requests.cpu)!, 'requests.memory': qty(L.quota.requests.memory)!,
    'limits.cpu': qty(L.quota.limits.cpu)!, 'limits.memory': qty(L.quota.limits.memory)!, pods: L.quota.pods,
  };
  // HPAs raise a workload's count to their maxReplicas.
  const scaled = new Map<string, { n: number; o: KubeObject }>();
  for (const o of objects) {
    if (o.kind !== 'HorizontalPodAutoscaler') continue;
    const target = rec(at(o, 'spec.scaleTargetRef'));
    scaled.set(`${String(target?.kind)}/${String(target?.name)}`, { n: num(at(o, 'spec.maxReplicas'), 1), o });
  }
  const totals: Totals = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0, pods: 0 };
  /** Per quota key: the workload contributing most, to name when the sum is too large. */
  const biggest = new Map<keyof Totals, { amount: number; o: KubeObject; field: string; n: number }>();
  let claims = 0;
  let storage = 0;
  const claim = (o: KubeObject, field: string, spec: Rec | undefined, copies: number) => {
    const c = checkClaim(o, field, spec, scope, reject);
    claims += copies;
    storage += c * copies;
  };

  for (const o of objects) {
    if (o.kind === 'PersistentVolumeClaim') claim(o, 'spec', rec(o.spec), 1);
    const w = WORKLOADS[o.kind];
    if (!w) continue;
    const pod = rec(at(o, w.spec));
    if (!pod) continue;
    const hpa = scaled.get(`${o.kind}/${o.metadata.name}`);
    const own = w.count(o);
    const { n, field, by } = hpa && hpa.n > own.n ? { n: hpa.n, field: 'spec.maxReplicas', by: hpa.o } : { ...own, by: o };
    // Per pod: the larger of the containers' sum and the largest init container (what the scheduler reserves).
    const perPod = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0 };
    const init = { ...perPod };
    for (const which of ['initContainers', 'containers'] as const) {
      for (const c of list(pod[which])) {
        const where = `${w.spec}.${which}[${String(c.name)}]`;
        checkImage(o, `${where}.image`, c.image, L.imagePrefixes, reject);
        const r = effectiveResources(c, L);
        for (const res of ['cpu', 'memory'] as const) {
          for (const kind of ['requests', 'limits'] as const) {
            if (r[kind][res] > max[res]) reject(o, `${where}.resources.${kind}.${res}`, `asks for ${fmt(res, r[kind][res])} ${res}: a preview container may have at most ${res === 'cpu' ? L.container.max.cpu : L.container.max.memory} (LimitRange of the namespace)`);
            const key = `${kind}.${res}` as const;
            if (which === 'containers') perPod[key] += r[kind][res];
            else init[key] = Math.max(init[key], r[kind][res]);
          }
        }
      }
    }
    for (const c of list(pod.ephemeralContainers)) checkImage(o, `${w.spec}.ephemeralContainers[${String(c.name)}].image`, c.image, L.imagePrefixes, reject);
    list(pod.volumes).forEach((v) => {
      const tpl = rec(rec(v.ephemeral)?.volumeClaimTemplate);
      if (tpl) claim(o, `${w.spec}.volumes[${String(v.name)}].ephemeral.volumeClaimTemplate.spec`, rec(tpl.spec), n);
    });
    list(at(o, 'spec.volumeClaimTemplates')).forEach((t, i) => claim(o, `spec.volumeClaimTemplates[${i}].spec`, rec(t.spec), n));
    const add: Totals = { pods: n, 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0 };
    for (const k of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] as const) add[k] = Math.max(perPod[k], init[k]) * n;
    for (const k of TOTAL_KEYS) {
      totals[k] += add[k];
      if (add[k] > (biggest.get(k)?.amount ?? -1)) biggest.set(k, { amount: add[k], o: by, field, n });
    }
  }

  for (const k of TOTAL_KEYS) {
    if (totals[k] <= quota[k]) continue;
    const b = biggest.get(k)!;
    const limit = k === 'pods' ? String(L.quota.pods) : String(at(L.quota, k));
    const unit = k === 'pods' ? 'pods' : k;
    reject(b.o, b.field, `the preview would need ${fmt(k, totals[k])} ${unit}, over its quota of ${limit}; ${objectId(b.o)} alone asks ${fmt(k, b.amount)} with ${b.n} pod(s)`);
  }
  if (claims > L.quota.persistentVolumeClaims) reject(undefined, 'spec', `the preview would create ${claims} volume claims, over its quota of ${L.quota.persistentVolumeClaims}`, `Namespace/${scope.namespace}`);
  const storageQuota = qty(L.quota.requests.storage)!;
  if (storage > storageQuota) reject(undefined, 'spec', `the preview's claims total ${fmt('storage', storage)}, over its storage quota of ${L.quota.requests.storage}`, `Namespace/${scope.namespace}`);
}

/** Requests and limits as admission will see them: LimitRange defaults fill what is missing. */
function effectiveResources(c: Rec, L: PreviewLimits): { requests: { cpu: number; memory: number }; limits: { cpu: number; memory: number } } {
  const r = rec(c.resources);
  const requests = rec(r?.requests) ?? {};
  const limits = rec(r?.limits) ?? {};
  const out = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
  for (const res of ['cpu', 'memory'] as const) {
    const limit = qty(limits[res]) ?? qty(L.container.default[res])!;
    // Kubernetes defaults a missing request to the limit when one is given, else the LimitRange's.
    const request = qty(requests[res]) ?? (limits[res] !== undefined ? limit : qty(L.container.defaultRequest[res])!);
    out.limits[res] = limit;
    out.requests[res] = request;
  }
  return out;
}

/** A claim's requested storage; refuses static binding (selector, `""` or a foreign class) and oversize. */
function checkClaim(o: KubeObject, field: string, spec: Rec | undefined, scope: BudgetScope, reject: Reject): number {
  if (!spec) return 0;
  if ('storageClassName' in spec && spec.storageClassName !== scope.storageClass) {
    reject(o, `${field}.storageClassName`, `${JSON.stringify(spec.storageClassName)} is not the dev StorageClass: a preview claim is provisioned by "${scope.storageClass}" (omit the field or name it), never bound to an existing volume`);
  }
  if (spec.selector !== undefined) reject(o, `${field}.selector`, 'a selector binds an existing PersistentVolume (possibly another namespace\'s data): let the StorageClass provision one');
  const size = at(spec, 'resources.requests.storage');
  const bytes = qty(size);
  if (bytes === undefined) reject(o, `${field}.resources.requests.storage`, `needs a size (is ${JSON.stringify(size ?? null)})`);
  const cap = qty(scope.limits.maxClaimStorage)!;
  if (bytes! > cap) reject(o, `${field}.resources.requests.storage`, `${String(size)} is more than a preview claim may take on the shared NFS export (at most ${scope.limits.maxClaimStorage})`);
  return bytes!;
}

/** `postgres:17` → `docker.io/library/postgres:17`; a reference without registry host is Docker Hub's. */
export function normalizeImage(ref: string): string {
  const first = ref.split('/')[0];
  const hasHost = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let full = hasHost ? ref : `docker.io/${ref.includes('/') ? ref : `library/${ref}`}`;
  if (full.startsWith('index.docker.io/')) full = `docker.io/${full.slice('index.docker.io/'.length)}`;
  return full;
}

// host[:port]/path components, then :tag and/or @digest (the reference grammar of distribution).
const REFERENCE = /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function checkImage(o: KubeObject, field: string, image: unknown, prefixes: readonly string[], reject: Reject): void {
  if (typeof image !== 'string' || image === '') return reject(o, field, 'every container needs an image');
  const full = normalizeImage(image);
  if (!REFERENCE.test(full)) return reject(o, field, `"${image}" is not an image reference`);
  const repository = full.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[\w][\w.-]*$/, '');
  const allowed = prefixes.some((p) => (p.endsWith('/') ? repository.startsWith(p) : repository === p));
  if (!allowed) reject(o, field, `image "${image}" (${repository}) is not from a registry previews may pull from (${prefixes.join(', ')}; environments/preview.ts limits.imagePrefixes)`);
}

function fmt(k: string, v: number): string {
  if (k === 'pods') return String(v);
  if (k.endsWith('cpu')) return `${Math.round(v * 1000)}m`;
  return `${Math.round((v / 2 ** 20) * 10) / 10}Mi`;
}
