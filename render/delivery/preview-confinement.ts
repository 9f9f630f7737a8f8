// What keeps a preview in its box. Run on the render and again on the folder CI publishes (the
// render job executes the PR's code, so the publish job trusts nothing it produced): the kinds
// a preview may hold, its Namespace's labels, every host it answers for, every reference that
// could leave the namespace, NetworkPolicies, Services, claims and pods. The first violation is
// thrown as a RenderError naming the object and the field.
import { objectId } from '../build.ts';
import { apiGroup } from '../scope.ts';
import { RenderError, type KubeObject } from '../types.ts';
import { checkHost, checkRouteRule, HostError } from './preview-hosts.ts';
import { checkNetworkPolicies } from './preview-network.ts';
import { checkPods } from './preview-pods.ts';

export interface PreviewScope {
  /** `pr-<n>`: the only namespace a preview writes to. */
  namespace: string;
  /** `pr-<n>.<dev domain>`: every host must be this name or under it. */
  domain: string;
  /** Traefik's namespace: the only outside source a preview admits. */
  ingressNamespace: string;
}

/** Throws; `resource` overrides the object's id when there is no object (a missing one). */
export type Reject = (o: KubeObject | undefined, field: string, message: string, resource?: string) => never;

/** The label Argo CD's tracking and our cleanup recognise preview objects by. */
export const PREVIEW_LABEL = 'gitops.sound-buzz.live/preview';

const TRAEFIK_GROUPS = ['traefik.io', 'traefik.containo.us'];
/**
 * `group/Kind` a preview may hold; anything else (RBAC, quotas, Endpoints that point a Service at
 * foreign pods, Traefik TLSOption/TLSStore named `default` that apply cluster-wide, DaemonSets…)
 * is refused.
 */
export const PREVIEW_KINDS: ReadonlySet<string> = new Set([
  '/Namespace', '/ConfigMap', '/Secret', '/Service', '/PersistentVolumeClaim', '/ServiceAccount',
  'apps/Deployment', 'apps/StatefulSet', 'batch/Job', 'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy', 'networking.k8s.io/Ingress', 'bitnami.com/SealedSecret',
  ...TRAEFIK_GROUPS.flatMap((g) => [`${g}/IngressRoute`, `${g}/IngressRouteTCP`, `${g}/Middleware`]),
]);

/** Pod Security profile the preview Namespace must enforce (so admission refuses host access too). */
const PSA = 'pod-security.kubernetes.io/';
/** Traefik middlewares that would make Traefik (which can reach every namespace) call out for the preview. */
const FORBIDDEN_MIDDLEWARES: Record<string, string> = {
  forwardAuth: 'forwardAuth makes Traefik call an arbitrary address from its own namespace',
  plugin: 'plugins run code inside the shared Traefik',
};

export function isPreviewKind(o: KubeObject): boolean {
  return PREVIEW_KINDS.has(`${apiGroup(o.apiVersion ?? '')}/${o.kind}`);
}

/**
 * Checks every object of a preview; `fileOf` names the file an object came from (publish path).
 * Objects are visited in the given order, so the reported violation is deterministic.
 */
export function checkConfinement(objects: readonly KubeObject[], scope: PreviewScope, fileOf?: (o: KubeObject) => string | undefined): void {
  const reject: Reject = (o, field, message, resource) => {
    const file = o ? fileOf?.(o) : undefined;
    throw new RenderError({ env: scope.namespace, resource: resource ?? (o ? objectId(o) : undefined), field, ...(file ? { file } : {}) }, message);
  };
  for (const o of objects) {
    if (!isPreviewKind(o)) reject(o, 'kind', `${o.kind} is not allowed in a preview (${o.apiVersion})`);
    if (o.kind === 'Namespace') checkNamespace(o, scope, reject);
    else if (o.metadata.namespace !== scope.namespace) reject(o, 'metadata.namespace', `must be in namespace ${scope.namespace}`);
    checkReferences(o, o.spec, 'spec', scope, reject);
    checkHosts(o, scope, reject);
    checkPods(o, reject);
    checkObject(o, reject);
  }
  if (!objects.some((o) => o.kind === 'Namespace')) {
    reject(undefined, 'kind', 'the preview must own its Namespace (so deleting the Application removes everything)', `Namespace/${scope.namespace}`);
  }
  checkNetworkPolicies(objects, scope, reject);
}

function checkNamespace(o: KubeObject, scope: PreviewScope, reject: Reject): void {
  if (o.metadata.name !== scope.namespace) reject(o, 'metadata.name', `a preview owns only the Namespace ${scope.namespace}`);
  const labels = o.metadata.labels ?? {};
  if (labels[`${PSA}enforce`] !== 'restricted') {
    reject(o, `metadata.labels.${PSA}enforce`, `must be "restricted" (is ${JSON.stringify(labels[`${PSA}enforce`] ?? null)}): admission then refuses privileged and host-level pods`);
  }
  const version = labels[`${PSA}enforce-version`];
  if (version !== undefined && version !== 'latest') reject(o, `metadata.labels.${PSA}enforce-version`, `must be "latest" (an older profile checks less), is "${version}"`);
  // Other namespaces' policies select peers by namespace labels: a preview may not borrow theirs.
  const fixed: Record<string, string> = { 'kubernetes.io/metadata.name': scope.namespace, 'app.kubernetes.io/part-of': scope.namespace, [PREVIEW_LABEL]: scope.namespace.slice(3) };
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(PSA)) continue;
    if (fixed[k] === undefined) reject(o, `metadata.labels.${k}`, `label ${k} is not allowed on a preview Namespace (NetworkPolicies elsewhere may select namespaces by it)`);
    if (fixed[k] !== v) reject(o, `metadata.labels.${k}`, `must be "${fixed[k]}", is "${v}"`);
  }
}

/**
 * Any `namespace:` inside a spec (Traefik service and middleware references, TLS options,
 * SealedSecret templates, claim data sources) must be the preview's, no claim names its volume; in Traefik objects a name
 * with `@` is provider-qualified (`api@internal`, `<ns>-<name>@kubernetescrd`) and bypasses
 * namespaces altogether.
 */
function checkReferences(o: KubeObject, x: unknown, path: string, scope: PreviewScope, reject: Reject): void {
  if (Array.isArray(x)) return x.forEach((v, i) => checkReferences(o, v, `${path}[${i}]`, scope, reject));
  if (typeof x !== 'object' || x === null) return;
  const traefik = TRAEFIK_GROUPS.includes(apiGroup(o.apiVersion));
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    const field = `${path}.${k}`;
    if (k === 'namespace' && typeof v === 'string' && v !== scope.namespace) reject(o, field, `refers to namespace ${v}: a preview refers only to ${scope.namespace}`);
    // Claims anywhere (PVCs, volumeClaimTemplates, ephemeral volumes) bind only what is provisioned for them.
    if (k === 'volumeName' && typeof v === 'string') reject(o, field, `binds the named PersistentVolume ${v}, possibly another namespace's released data: let the StorageClass provision one`);
    if (traefik && k === 'name' && typeof v === 'string' && v.includes('@')) reject(o, field, `"${v}" is a provider-qualified reference that reaches outside the preview`);
    checkReferences(o, v, field, scope, reject);
  }
}

function checkHosts(o: KubeObject, scope: PreviewScope, reject: Reject): void {
  const host = (field: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof HostError) reject(o, field, e.message);
      throw e;
    }
  };
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const group = apiGroup(o.apiVersion);
  if (TRAEFIK_GROUPS.includes(group) && (o.kind === 'IngressRoute' || o.kind === 'IngressRouteTCP')) {
    const routes = Array.isArray(spec.routes) ? (spec.routes as Record<string, unknown>[]) : [];
    if (routes.length === 0) reject(o, 'spec.routes', 'a route set without routes');
    routes.forEach((r, i) => {
      host(`spec.routes[${i}].match`, () => checkRouteRule(r?.match, scope.domain));
      (Array.isArray(r?.services) ? (r.services as Record<string, unknown>[]) : []).forEach((s, j) => {
        if (s?.kind !== undefined && s.kind !== 'Service') reject(o, `spec.routes[${i}].services[${j}].kind`, `${String(s.kind)} backends are not allowed: route to a Service of the preview`);
      });
    });
    const domains = (spec.tls as { domains?: { main?: unknown; sans?: unknown[] }[] } | undefined)?.domains ?? [];
    domains.forEach((d, i) => {
      host(`spec.tls.domains[${i}].main`, () => checkHost(d.main, scope.domain, true));
      (d.sans ?? []).forEach((s, j) => host(`spec.tls.domains[${i}].sans[${j}]`, () => checkHost(s, scope.domain, true)));
    });
  }
  if (TRAEFIK_GROUPS.includes(group) && o.kind === 'Middleware') {
    for (const k of Object.keys(spec)) if (FORBIDDEN_MIDDLEWARES[k]) reject(o, `spec.${k}`, FORBIDDEN_MIDDLEWARES[k]);
  }
  if (group === 'networking.k8s.io' && o.kind === 'Ingress') {
    if (spec.defaultBackend !== undefined) reject(o, 'spec.defaultBackend', 'a default backend answers for every host');
    const rules = Array.isArray(spec.rules) ? (spec.rules as Record<string, unknown>[]) : [];
    rules.forEach((r, i) => {
      if (r?.host === undefined) reject(o, `spec.rules[${i}].host`, `a rule without host answers for every host: name ${scope.domain} or a host under it`);
      host(`spec.rules[${i}].host`, () => checkHost(r.host, scope.domain, true));
      if (JSON.stringify(r).includes('"resource"')) reject(o, `spec.rules[${i}].http`, 'resource backends are not allowed: route to a Service of the preview');
    });
    ((spec.tls ?? []) as { hosts?: unknown[] }[]).forEach((t, i) => (t.hosts ?? []).forEach((h, j) => host(`spec.tls[${i}].hosts[${j}]`, () => checkHost(h, scope.domain, true))));
    for (const [k, v] of Object.entries(o.metadata.annotations ?? {})) {
      if (k.startsWith('traefik.ingress.kubernetes.io/') && v.includes('@')) reject(o, `metadata.annotations.${k}`, `"${v}" is a provider-qualified reference that reaches outside the preview`);
    }
  }
}

/** Kind-specific ways out: node or load-balancer ports, external names, minted tokens. */
function checkObject(o: KubeObject, reject: Reject): void {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  if (o.kind === 'Service') {
    const type = spec.type ?? 'ClusterIP';
    if (type !== 'ClusterIP') reject(o, 'spec.type', `type ${String(type)} exposes the preview outside its namespace (or points it at foreign names): use ClusterIP behind an IngressRoute`);
    if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) reject(o, 'spec.externalIPs', 'externalIPs capture traffic to those addresses on every node');
  }
  if (o.kind === 'Secret' && (o as { type?: unknown }).type === 'kubernetes.io/service-account-token') {
    reject(o, 'type', 'a long-lived service-account token outlives the pods; pods get short-lived tokens when they need them');
  }
}
