// What keeps a preview in its box. Run on the render and again on the folder CI publishes (the
// render job executes the PR's code, so the publish job trusts nothing it produced): the kinds
// a preview may hold (no Namespace: the platform writes it, preview-namespace.ts), every host it
// answers for, every reference that could leave the namespace, Argo CD annotations and
// finalizers that would outlive or block its deletion, NetworkPolicies, Services, claims, pods,
// images and its resource budget. The first violation is thrown as a RenderError naming the
// object and the field.
import { objectId } from '../build.ts';
import { apiGroup } from '../scope.ts';
import { RenderError, type KubeObject } from '../types.ts';
import { checkBudget, type BudgetScope } from './preview-budget.ts';
import { checkHost, checkRouteRule, HostError } from './preview-hosts.ts';
import { PLATFORM_OWNED_KINDS, PREVIEW_LABEL } from './preview-namespace.ts';
import { checkNetworkPolicies } from './preview-network.ts';
import { checkPods } from './preview-pods.ts';
import { PREVIEW_KINDS, TRAEFIK_GROUPS } from './preview-kinds.ts';

export { PREVIEW_KINDS, PREVIEW_LABEL };

export interface PreviewScope extends BudgetScope {
  /** `pr-<n>`: the only namespace a preview writes to. */
  namespace: string;
  /** `pr-<n>.<dev domain>`: every host must be this name or under it. */
  domain: string;
  /** Traefik's namespace: the only outside source a preview admits. */
  ingressNamespace: string;
}

/** Throws; `resource` overrides the object's id when there is no object (a missing one). */
export type Reject = (o: KubeObject | undefined, field: string, message: string, resource?: string) => never;

/**
 * Argo CD annotations a preview may carry: ordering and hooks. Everything else changes what Argo
 * CD does with the object — `sync-options: Delete=false,Prune=false` would keep it after the
 * preview is gone, `compare-options` would hide drift, `tracking-id` would claim someone else's.
 */
const ARGOCD_ANNOTATIONS = new Set(['argocd.argoproj.io/sync-wave', 'argocd.argoproj.io/hook', 'argocd.argoproj.io/hook-delete-policy']);
/** The only annotation a SealedSecret's template may give the Secret it creates (set by the render). */
const SEALED_TEMPLATE_ANNOTATIONS = new Set(['sealedsecrets.bitnami.com/cluster-wide']);
/** Traefik middlewares that would make Traefik (which can reach every namespace) call out for the preview. */
const FORBIDDEN_MIDDLEWARES: Record<string, string> = {
  forwardAuth: 'forwardAuth makes Traefik call an arbitrary address from its own namespace',
  plugin: 'plugins run code inside the shared Traefik',
};

export function isPreviewKind(o: KubeObject): boolean {
  return PREVIEW_KINDS.has(`${apiGroup(o.apiVersion ?? '')}/${o.kind}`);
}

/** A kind only the platform writes into a preview namespace (Namespace, ResourceQuota, LimitRange). */
export function isPlatformOwnedKind(o: KubeObject): boolean {
  return PLATFORM_OWNED_KINDS.has(`${apiGroup(o.apiVersion ?? '')}/${o.kind}`);
}

/** Why a kind is refused, naming who owns it when it is the platform. */
export function kindRefusal(o: KubeObject): string {
  if (isPlatformOwnedKind(o)) return `${o.kind} is not allowed in a preview: the platform writes the Namespace, ResourceQuota and LimitRange of every pr-<n> (environments/preview.ts limits)`;
  return `${o.kind} is not allowed in a preview (${o.apiVersion})`;
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
    if (!isPreviewKind(o)) reject(o, 'kind', kindRefusal(o));
    if (o.metadata.namespace !== scope.namespace) reject(o, 'metadata.namespace', `must be in namespace ${scope.namespace}`);
    checkMetadata(o, o, '', reject);
    checkReferences(o, o.spec, 'spec', scope, reject);
    checkHosts(o, scope, reject);
    checkPods(o, reject);
    checkObject(o, reject);
  }
  checkNetworkPolicies(objects, scope, reject);
  checkBudget(objects, scope, reject);
}

/**
 * Every `metadata` in the object (its own, pod and claim templates): no Argo CD annotation beyond
 * ordering and hooks, no finalizers (nothing in a preview removes them, so its namespace would
 * hang in Terminating), no owner references (garbage collection follows them across objects).
 */
function checkMetadata(o: KubeObject, x: unknown, path: string, reject: Reject): void {
  if (Array.isArray(x)) return x.forEach((v, i) => checkMetadata(o, v, `${path}[${i}]`, reject));
  if (typeof x !== 'object' || x === null) return;
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    const field = path ? `${path}.${k}` : k;
    if (k === 'metadata' && typeof v === 'object' && v !== null) {
      const meta = v as { annotations?: Record<string, unknown>; finalizers?: unknown; ownerReferences?: unknown };
      for (const a of Object.keys(meta.annotations ?? {})) {
        if ((a.startsWith('argocd.argoproj.io/') && !ARGOCD_ANNOTATIONS.has(a)) || a.startsWith('helm.sh/')) {
          reject(o, `${field}.annotations.${a}`, `annotation ${a} changes how Argo CD syncs, compares or deletes the object (a preview is pruned whole with its Application); only ${[...ARGOCD_ANNOTATIONS].join(', ')} are allowed`);
        }
      }
      if (meta.finalizers !== undefined) reject(o, `${field}.finalizers`, 'finalizers are not allowed in a preview: nothing there removes them, so deleting the preview would hang');
      if (meta.ownerReferences !== undefined) reject(o, `${field}.ownerReferences`, 'owner references are not allowed in a preview: garbage collection would follow them to objects it does not own');
    }
    checkMetadata(o, v, field, reject);
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
    // Any Traefik reference (service, middleware, serversTransport, TLS options…) may be `name@provider`.
    if (traefik && k !== 'match' && typeof v === 'string' && v.includes('@')) reject(o, field, `"${v}" is a provider-qualified reference that reaches outside the preview`);
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
  if (o.kind === 'Secret') checkSecret(o, o as { type?: unknown; metadata: { annotations?: Record<string, string> } }, '', reject, new Set());
  if (o.kind === 'SealedSecret') {
    const template = (spec.template ?? {}) as { type?: unknown; metadata?: { annotations?: Record<string, string> } };
    checkSecret(o, template, 'spec.template.', reject, SEALED_TEMPLATE_ANNOTATIONS);
  }
}

/**
 * A Secret, or the Secret a SealedSecret's template creates: Opaque only, so it can be no
 * service-account token (which the token controller fills for any account named in its
 * annotations), no TLS or registry credential the preview did not seal for itself.
 */
function checkSecret(o: KubeObject, secret: { type?: unknown; metadata?: { annotations?: Record<string, string> } }, prefix: string, reject: Reject, allowedAnnotations: ReadonlySet<string>): void {
  if (secret.type === 'kubernetes.io/service-account-token') {
    reject(o, `${prefix}type`, 'a long-lived service-account token outlives the pods; pods get short-lived tokens when they need them');
  }
  if (prefix && secret.type !== undefined && secret.type !== 'Opaque') reject(o, `${prefix}type`, `a preview's sealed Secrets are Opaque (is ${JSON.stringify(secret.type)})`);
  for (const a of Object.keys(secret.metadata?.annotations ?? {})) {
    if (prefix ? !allowedAnnotations.has(a) : a.startsWith('kubernetes.io/')) {
      reject(o, `${prefix}metadata.annotations.${a}`, `annotation ${a} is not allowed on a preview's Secret (kubernetes.io/service-account.name would make it a token)`);
    }
  }
}
