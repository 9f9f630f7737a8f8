// build: environment facts → platform and app models → plain Kubernetes objects with stable paths.
// No I/O here: the CLI reads and writes, this only computes.
import type { Environment } from '../environments/types.ts';
import { catalog, type AppSelection } from '../apps/catalog.ts';
import { platform } from '../platform/index.ts';
import { argocd } from '../platform/argocd.ts';
import { checkMetricsWaves } from '../platform/metrics-server.ts';
import { checkBackupCoverage, namespacesWithClaims } from '../platform/backup-coverage.ts';
import { preview } from '../environments/preview.ts';
import { previewApplicationSet } from './delivery/preview-appset.ts';
import { type Component, type KubeObject, type Resource, RenderError } from './types.ts';
import { isClusterScoped } from './scope.ts';
import { loadAppAssets, type AppAssets } from './assets.ts';
import { checkOwnedImages } from './owned-images.ts';
import { placeSealedSecrets, secretInventory, type SecretInventory } from './inventory/index.ts';
import { protectDataNamespaces } from './keep-data.ts';

export interface RenderedObject {
  env: string;
  component: string;
  /** Path below rendered/<env>/, e.g. `traefik/deployment-traefik.yaml`. */
  path: string;
  object: KubeObject;
}

export interface BuiltEnvironment {
  env: Environment;
  components: Component[];
  /** Sorted by path. */
  objects: RenderedObject[];
  /** Every Secret something reads or a component provides, and what provides it. */
  secrets: SecretInventory;
}

export function buildEnvironment(env: Environment, assets: AppAssets = loadAppAssets()): BuiltEnvironment {
  const where = { env: env.name };
  const base = withLocation(where, () => platform(env));
  const ctx = { env, platform: base.facts, assets };
  const appComponents: Component[] = [];
  const selected = env.apps as Record<string, unknown>;
  for (const app of Object.keys(selected).sort()) {
    const values = selected[app];
    if (values === undefined) continue;
    const model = (catalog as Record<string, (v: unknown, c: typeof ctx) => Component[]>)[app];
    if (!model) {
      throw new RenderError({ env: env.name, field: `apps.${app}` }, `unknown app "${app}" (known: ${Object.keys(catalog).join(', ') || 'none'})`);
    }
    appComponents.push(...withLocation({ env: env.name, component: app }, () => model(values, ctx)));
  }
  const components = [...base.components, ...appComponents];
  // Velero's Schedules include every namespace that holds a volume, platform or app.
  const backup = components.find((c) => c.name === base.backup.component.name);
  if (backup) {
    const claims = components.flatMap((c) => c.resources.map((r) => ({ component: c.name, object: toPlain(r, env.name, c) })));
    backup.resources.push(...base.backup.schedules(namespacesWithClaims(claims)));
  }
  // Pull request previews run on the cluster of the environment the preview template is based on.
  const previews = preview.base.name === env.name ? previewApplicationSet(env, preview) : [];
  components.push(withLocation({ env: env.name, component: 'argocd' }, () => argocd(env, components, base.facts, previews)));
  checkComponentNames(env, components);
  withLocation(where, () => checkMetricsWaves(components, base.facts.metricsApi));

  const objects: RenderedObject[] = [];
  const seenPaths = new Map<string, string>();
  const plain = components.flatMap((component) => component.resources.map((resource) => ({ component, object: toPlain(resource, env.name, component) })));
  // The environment's sealed values join the component that first reads each Secret.
  const byName = new Map(components.map((c) => [c.name, c]));
  const placed = placeSealedSecrets(env, components, plain.map((p) => ({ component: p.component.name, object: p.object })));
  for (const p of placed) plain.push({ component: byName.get(p.component)!, object: p.object });
  for (const { component, object } of plain) {
    const path = `${component.name}/${fileName(object, component)}`;
    const previous = seenPaths.get(path);
    const id = objectId(object);
    if (previous !== undefined) {
      throw new RenderError({ env: env.name, component: component.name, resource: id }, `two objects map to ${path} (the other is ${previous}): names must be unique per kind and namespace`);
    }
    seenPaths.set(path, id);
    objects.push({ env: env.name, component: component.name, path, object });
  }
  objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  checkOwnedImages(env.name, objects);
  checkBackupCoverage(env.name, objects);
  protectDataNamespaces(objects.map((o) => o.object));
  const secrets = secretInventory(env, components, objects);
  return { env, components, objects, secrets };
}

export function objectId(o: KubeObject): string {
  const name = o.metadata?.name ?? '<unnamed>';
  return o.metadata?.namespace ? `${o.kind}/${o.metadata.namespace}/${name}` : `${o.kind}/${name}`;
}

function withLocation<T>(where: { env: string; component?: string }, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RenderError) {
      throw new RenderError({ ...where, ...e.where, env: e.where.env ?? where.env, component: e.where.component ?? where.component }, e.message);
    }
    throw e;
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkComponentNames(env: Environment, components: Component[]): void {
  const seen = new Set<string>();
  for (const c of components) {
    if (!DNS_LABEL.test(c.name) || c.name.length > 63) {
      throw new RenderError({ env: env.name, component: c.name, field: 'name' }, 'component names must be DNS-1123 labels (they name folders and Argo CD Applications)');
    }
    if (seen.has(c.name)) throw new RenderError({ env: env.name, component: c.name }, 'two components share this name');
    seen.add(c.name);
  }
}

/**
 * A plain object (platform/kinds.ts) or a custom resource's Model instance → plain JSON with the
 * component's namespace filled in. Keys whose value is `undefined` are dropped at every depth, as
 * the kubernetes-models classes did: an optional value left out of the environment data
 * (`limits: { cpu: size.cpu }`) is an absent field, not a present one the schema would reject.
 * Copy on write: an object without such keys is kept as it is (most are). The top level and
 * metadata are always fresh, so a later step setting annotations (render/keep-data.ts) never
 * reaches the model's own objects.
 */
function toPlain(resource: Resource, env: string, component: Component): KubeObject {
  const raw = definedOnly(typeof (resource as { toJSON?: unknown }).toJSON === 'function'
    ? (resource as { toJSON(): unknown }).toJSON()
    : resource) as KubeObject;
  const where = { env, component: component.name };
  if (!raw || typeof raw !== 'object' || typeof raw.kind !== 'string' || typeof raw.apiVersion !== 'string') {
    throw new RenderError(where, 'a resource without apiVersion/kind was returned');
  }
  if (!raw.metadata || typeof raw.metadata.name !== 'string' || raw.metadata.name === '') {
    throw new RenderError({ ...where, resource: `${raw.kind}/<unnamed>`, field: 'metadata.name' }, 'metadata.name is required');
  }
  if (isClusterScoped(raw.kind)) {
    if (raw.metadata.namespace !== undefined) {
      throw new RenderError({ ...where, resource: objectId(raw), field: 'metadata.namespace' }, `${raw.kind} is cluster-scoped and cannot have a namespace`);
    }
    return { ...raw, metadata: { ...raw.metadata } };
  }
  if (raw.metadata.namespace !== undefined) return { ...raw, metadata: { ...raw.metadata } };
  return { ...raw, metadata: { ...raw.metadata, namespace: component.namespace } };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function hasUndefined(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasUndefined);
  if (!isPlainObject(v)) return false;
  for (const key in v) {
    const x = v[key];
    if (x === undefined || (typeof x === 'object' && x !== null && hasUndefined(x))) return true;
  }
  return false;
}

/** `v` without `undefined`-valued keys at any depth (array items are kept, as the classes kept them). */
export function definedOnly(v: unknown): unknown {
  if (!hasUndefined(v)) return v;
  if (Array.isArray(v)) return v.map(definedOnly);
  const out: Record<string, unknown> = {};
  for (const [key, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[key] = definedOnly(x);
  return out;
}

function fileName(o: KubeObject, component: Component): string {
  const kind = o.kind.toLowerCase();
  const ns = o.metadata.namespace;
  // RBAC names such as `metallb-system:controller` carry colons, which some filesystems refuse.
  const name = o.metadata.name.replace(/[^A-Za-z0-9._-]/g, '_');
  return ns === undefined || ns === component.namespace ? `${kind}-${name}.yaml` : `${kind}-${ns}-${name}.yaml`;
}

export type { AppSelection };
