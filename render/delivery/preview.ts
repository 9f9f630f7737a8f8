// The preview of a pull request as plain objects: the template's apps built against the dev
// cluster's platform facts, moved into one namespace `pr-<number>`, confined there (no
// cross-namespace traffic, nothing cluster-scoped: the Namespace, its quota and limits are the
// platform's, added by the publisher), validated like any environment, and serialized one file
// per object.
import { catalog } from '../../apps/catalog.ts';
import type { AppContext } from '../../apps/kit/index.ts';
import { allowDns, defaultDeny } from '../../apps/kit/index.ts';
import type { PreviewTemplate } from '../../environments/preview.ts';
import type { Environment } from '../../environments/types.ts';
import { platform } from '../../platform/index.ts';
import { loadAppAssets } from '../assets.ts';
import { buildEnvironment, objectId } from '../build.ts';
import { clusterInventory } from '../pipeline.ts';
import { placeSealedSecrets } from '../inventory/index.ts';
import { isClusterScoped } from '../scope.ts';
import { RenderError, type Component, type KubeObject, type Resource } from '../types.ts';
import { validateBundle, type Finding } from '../validate/index.ts';
import { toYaml } from '../yaml.ts';
import { checkConfinement, isPreviewKind, kindRefusal, type PreviewScope } from './preview-confinement.ts';
import { checkPreviewLimits } from './preview-budget.ts';
import { previewPlatformObjects } from './preview-namespace.ts';
import { byText } from '../text-order.ts';

export { PREVIEW_LABEL, type PreviewScope } from './preview-confinement.ts';

export interface PreviewRender {
  pr: number;
  namespace: string;
  domain: string;
  /** https URLs of every host the preview serves, sorted. */
  urls: string[];
  /** What the preview itself holds (the artifact CI publishes); never a Namespace. */
  objects: KubeObject[];
  /** What the platform adds at publish: Namespace, ResourceQuota, LimitRange. */
  platformObjects: KubeObject[];
  findings: Finding[];
  /** File name → YAML; empty when validation found errors. */
  files: Map<string, string>;
}

/** Annotations dev's objects may carry that change how Argo CD treats them: not for a disposable preview. */
const SYNC_ANNOTATIONS = ['argocd.argoproj.io/sync-options', 'argocd.argoproj.io/compare-options'];

export function previewNamespace(pr: number): string {
  if (!Number.isInteger(pr) || pr < 1 || pr > 999_999_999) throw new RenderError({ field: 'pr' }, `"${pr}" is not a pull request number`);
  return `pr-${pr}`;
}

/** Where the preview of `pr` may live: its namespace, its domain, and who may call it. */
export function previewScope(template: PreviewTemplate, pr: number): PreviewScope {
  const namespace = previewNamespace(pr);
  checkPreviewLimits(template.limits);
  const facts = platform(template.base).facts;
  return {
    namespace, domain: `${namespace}.${template.base.domain}`, ingressNamespace: facts.ingress.namespace,
    limits: template.limits, storageClass: facts.storageClass.name,
  };
}

export function renderPreview(template: PreviewTemplate, pr: number): PreviewRender {
  const scope = previewScope(template, pr);
  const { namespace, domain } = scope;
  const env: Environment = { ...template.base, name: namespace, domain, apps: template.apps };
  const where = { env: namespace };
  // Previews are not monitored: a disposable app's backup and replica alerts would page the
  // channel, and its namespace admits nothing but Traefik (so no scraping, no rules, no exporters).
  const { metrics: _unmonitored, ...facts } = platform(env).facts;
  const ctx: AppContext = { env, platform: facts, assets: loadAppAssets() };

  const byId = new Map<string, { object: KubeObject; app: string }>();
  const add = (object: KubeObject, app: string) => {
    const id = objectId(object);
    const seen = byId.get(id);
    if (seen && JSON.stringify(seen.object) !== JSON.stringify(object)) {
      throw new RenderError({ ...where, component: app, resource: id }, `${seen.app} and ${app} both render ${id} differently: they cannot share the preview namespace`);
    }
    if (!seen) byId.set(id, { object, app });
  };
  const platformObjects = previewPlatformObjects(namespace, pr, template.limits);
  // Confinement does not depend on each app remembering it: deny everything, allow DNS.
  for (const r of [defaultDeny(), allowDns()]) add(confine(toPlain(r), namespace, namespace, 'preview'), 'preview');

  const runtime: KubeObject[] = [];
  const built: { component: Component; app: string }[] = [];
  const selected = template.apps as Record<string, unknown>;
  for (const app of Object.keys(selected).sort()) {
    const values = selected[app];
    if (values === undefined) continue;
    const model = (catalog as unknown as Record<string, (v: unknown, c: AppContext) => Component[]>)[app];
    if (!model) throw new RenderError({ ...where, field: `apps.${app}` }, `unknown app "${app}"`);
    let components: Component[];
    try {
      components = model(values, ctx);
    } catch (e) {
      if (e instanceof RenderError) throw new RenderError({ ...where, component: app, ...e.where, env: namespace }, e.message);
      throw e;
    }
    for (const c of components) built.push({ component: c, app });
    for (const c of components) {
      for (const r of c.resources) {
        const o = toPlain(r);
        if (o.kind === 'Namespace') {
          if (o.metadata.name !== c.namespace) throw new RenderError({ ...where, component: app, resource: objectId(o) }, `${app} spans namespaces (${o.metadata.name}): a preview holds one namespace`);
          continue;
        }
        add(confine(o, c.namespace, namespace, app), app);
      }
      for (const o of c.runtimeObjects ?? []) runtime.push(confine(structuredClone(o), c.namespace, namespace, app));
    }
  }
  // Cluster-wide ciphertext (the base environment's, and the template's own), placed as in an
  // environment, then confined like the rest; strict values of the base never leave it.
  const baseWide = Object.entries(template.base.sealed).filter(([, e]) => e.scope === 'cluster-wide');
  const sealed = { ...Object.fromEntries(baseWide), ...template.sealed };
  for (const [key, entry] of Object.entries(sealed)) {
    if (entry.scope !== 'cluster-wide') throw new RenderError({ ...where, field: `sealed.${key}.scope` }, `a preview's namespace is not known when sealing: seal ${key} with --scope cluster-wide`);
  }
  const components = built.map((b) => b.component);
  const appOf = new Map(built.map((b) => [b.component.name, b.app]));
  const plain = components.flatMap((c) => c.resources.map((r) => ({ component: c.name, object: withNamespace(toPlain(r), c.namespace) })));
  for (const p of placeSealedSecrets({ ...env, name: namespace, sealed }, components, plain)) {
    const c = components.find((x) => x.name === p.component)!;
    add(confine(p.object, c.namespace, namespace, appOf.get(c.name)!), appOf.get(c.name)!);
  }

  const objects = [...byId.values()].map((v) => v.object).sort((a, b) => byText(fileName(a), fileName(b)));
  checkConfinement(objects, scope);
  // The dev cluster's own objects (StorageClass, IngressClass, Traefik's namespace…) exist already.
  const cluster = buildEnvironment(template.base).objects.map((o) => o.object);
  // Validated as Argo CD will hold it: with the platform's Namespace, quota and limits.
  const findings = validateBundle(
    [...objects, ...platformObjects].map((object) => ({ object, env: namespace, component: namespace, file: `rendered/previews/${namespace}/${fileName(object)}` })),
    { kubeVersion: template.base.cluster.kubernetesVersion, strictPolicy: false, inventory: [...clusterInventory(), ...cluster, ...runtime] },
  );
  const files = new Map<string, string>();
  if (!findings.some((f) => f.severity === 'error')) for (const o of objects) files.set(fileName(o), toYaml(o));
  return { pr, namespace, domain, urls: urlsOf(objects), objects, platformObjects, findings, files };
}

function withNamespace(o: KubeObject, namespace: string): KubeObject {
  return isClusterScoped(o.kind) || o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } };
}

function toPlain(r: Resource): KubeObject {
  const raw = typeof (r as { toJSON?: unknown }).toJSON === 'function' ? (r as { toJSON(): unknown }).toJSON() : r;
  return structuredClone(raw) as KubeObject;
}

/** Into the preview namespace; data is disposable there (no keep-on-delete). */
function confine(o: KubeObject, appNamespace: string, namespace: string, app: string): KubeObject {
  const id = objectId(o);
  if (isClusterScoped(o.kind)) throw new RenderError({ env: namespace, component: app, resource: id }, `${o.kind} is cluster-scoped: a preview holds only its own Namespace`);
  if (!isPreviewKind(o)) throw new RenderError({ env: namespace, component: app, resource: id, field: 'kind' }, kindRefusal(o));
  if (o.metadata.namespace !== undefined && o.metadata.namespace !== appNamespace) {
    throw new RenderError({ env: namespace, component: app, resource: id, field: 'metadata.namespace' }, `${app} writes into namespace ${o.metadata.namespace}: a preview holds one namespace`);
  }
  o.metadata = { ...o.metadata, namespace };
  dropSyncAnnotations(o.metadata);
  if (o.kind === 'SealedSecret') clusterWide(o);
  const templates = (o.spec as { volumeClaimTemplates?: { metadata?: { annotations?: Record<string, string> } }[] } | undefined)?.volumeClaimTemplates;
  for (const t of templates ?? []) if (t.metadata) dropSyncAnnotations(t.metadata);
  return o;
}

/**
 * A preview's namespace differs per pull request, so its secrets cannot be sealed for one
 * namespace: the template carries cluster-wide ciphertext (`kubeseal --scope cluster-wide`),
 * and the controller must be told so on the SealedSecret and on the Secret it creates.
 */
export const CLUSTER_WIDE = 'sealedsecrets.bitnami.com/cluster-wide';
function clusterWide(o: KubeObject): void {
  o.metadata.annotations = { ...o.metadata.annotations, [CLUSTER_WIDE]: 'true' };
  const template = (o.spec as { template?: { metadata?: { namespace?: string; annotations?: Record<string, string> } } } | undefined)?.template;
  // The Secret it creates lives beside it, in the preview namespace.
  if (template) template.metadata = { ...template.metadata, namespace: o.metadata.namespace, annotations: { ...template.metadata?.annotations, [CLUSTER_WIDE]: 'true' } };
}

/** Data is disposable in a preview: dev's keep-on-delete and compare options do not apply. */
function dropSyncAnnotations(meta: { annotations?: Record<string, string> }): void {
  if (!meta.annotations || !SYNC_ANNOTATIONS.some((a) => a in meta.annotations!)) return;
  const rest = Object.fromEntries(Object.entries(meta.annotations).filter(([k]) => !SYNC_ANNOTATIONS.includes(k)));
  if (Object.keys(rest).length) meta.annotations = rest;
  else delete meta.annotations;
}

export function fileName(o: KubeObject): string {
  return `${o.kind.toLowerCase()}-${o.metadata.name.replace(/[^A-Za-z0-9._-]/g, '_')}.yaml`;
}

const HOST = /Host\(`([^`]+)`\)/g;

export function urlsOf(objects: readonly KubeObject[]): string[] {
  const hosts = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'IngressRoute') continue;
    for (const r of (o.spec as { routes?: { match?: string }[] }).routes ?? []) for (const m of (r.match ?? '').matchAll(HOST)) hosts.add(m[1]);
  }
  return [...hosts].sort().map((h) => `https://${h}/`);
}
