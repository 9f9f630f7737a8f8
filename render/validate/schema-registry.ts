// apiVersion/kind → the compiled schema validator of its `kubernetes-models` class, loaded on
// first use: importing every model costs seconds, one model a few milliseconds.
// Loading is synchronous (require of the ESM file, Node ≥ 22.12) so validateBundle stays a
// plain function the render pipeline can call.
import { loadInstalled } from '../load-on-use.ts';
import * as metallb from '../../platform/metallb-types.ts';
import * as velero from '../../platform/velero-types.ts';

export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Runs the schema on `data`; returns the ajv errors, or null when valid. */
export type SchemaCheck = (data: unknown) => AjvError[] | null;

interface ModelClass {
  apiVersion?: unknown;
  kind?: unknown;
  prototype: { validate(this: unknown): void };
}

/** CRD groups and the package that ships their models. */
const PACKAGES: Record<string, string> = {
  'traefik.io': '@kubernetes-models/traefik',
  'argoproj.io': '@kubernetes-models/argo-cd',
  'bitnami.com': '@kubernetes-models/sealed-secrets',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

const SAFE_GROUP = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SAFE_VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const SAFE_KIND = /^[A-Z][A-Za-z0-9]*$/;

const cache = new Map<string, SchemaCheck | null>();

for (const value of [...Object.values(metallb as Record<string, unknown>), ...Object.values(velero as Record<string, unknown>)]) {
  if (isModelClass(value)) {
    cache.set(`${String(value.apiVersion)}/${String(value.kind)}`, checkOf(value));
  }
}

function isModelClass(v: unknown): v is ModelClass {
  const c = v as ModelClass;
  return typeof c.apiVersion === 'string' && typeof c.kind === 'string' && typeof c.prototype?.validate === 'function';
}

function checkOf(model: ModelClass): SchemaCheck {
  const validate = model.prototype.validate;
  return (data) => {
    try {
      validate.call(data);
      return null;
    } catch (e) {
      const errors = (e as { errors?: AjvError[] }).errors;
      if (Array.isArray(errors)) return errors;
      throw e;
    }
  };
}

function moduleSpecifier(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!SAFE_VERSION.test(version) || !SAFE_KIND.test(kind)) return undefined;
  if (group === '') return `kubernetes-models/${version}/${kind}`;
  if (!SAFE_GROUP.test(group)) return undefined;
  const pkg = PACKAGES[group] ?? 'kubernetes-models';
  return `${pkg}/${group}/${version}/${kind}`;
}

/** The schema check for a kind, or null when no model knows it. */
export function schemaFor(apiVersion: string, kind: string): SchemaCheck | null {
  const key = `${apiVersion}/${kind}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const found = load(apiVersion, kind);
  cache.set(key, found);
  return found;
}

function load(apiVersion: string, kind: string): SchemaCheck | null {
  const specifier = moduleSpecifier(apiVersion, kind);
  if (!specifier) return null;
  const mod = loadInstalled(specifier) as Record<string, unknown> | undefined;
  if (!mod) return null;
  const model = mod[kind];
  if (!isModelClass(model) || model.apiVersion !== apiVersion || model.kind !== kind) return null;
  return checkOf(model);
}
