// The validator: one pass over a bundle of plain Kubernetes objects, in layers — schema
// (OpenAPI/CRD + strict fields + what the API server enforces beyond OpenAPI), removed and
// deprecated APIs, cross-references inside the bundle plus the inventory, and policy.
// YAML-level checks (duplicate keys, YAML 1.1 scalars) happen where files are read: yaml-source.ts.
// Rule IDs and severities: rules.ts; reference: docs/validation-rules.md.
import type { KubeObject } from '../types.ts';
import { Context } from './context.ts';
import { checkSchema, crdKindsOf } from './schema.ts';
import { checkServerSide } from './server-side.ts';
import { checkApiVersion } from './api-versions.ts';
import { BundleIndex } from './bundle-index.ts';
import { checkCrossRefs } from './crossrefs.ts';
import { checkPolicy } from './policy.ts';
import { isObject } from './json.ts';
import { checkPrometheusRule } from './promql.ts';

export type Severity = 'error' | 'warning';

export interface Finding {
  /** Stable rule ID, e.g. `schema/unknown-field`. */
  rule: string;
  severity: Severity;
  message: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`; '' for the whole object. */
  path: string;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  file?: string;
  line?: number;
  env?: string;
  component?: string;
}

export interface BundleItem {
  /** Parsed object (may be malformed when it comes from a file). */
  object: KubeObject;
  file?: string;
  line?: number;
  env?: string;
  component?: string;
}

export interface ValidateOptions {
  /** Target Kubernetes minor, e.g. `1.33`. */
  kubeVersion: string;
  /** Objects that exist in the cluster outside the bundle (StorageClasses, IngressClasses, namespaces…). */
  inventory?: KubeObject[];
  /** Policy findings become errors (prod). */
  strictPolicy?: boolean;
  /** Repository paths that exist, to check that Argo CD Applications point somewhere real. */
  repoPaths?: ReadonlySet<string>;
  /**
   * The repository `repoPaths` describes: only Application sources with this repoURL are
   * checked against it (upstream sources live in other repositories). Unset: every
   * non-chart source with a path is checked.
   */
  repoURL?: string;
}

export function validateBundle(items: BundleItem[], options: ValidateOptions): Finding[] {
  const ctx = new Context(options);
  const inventory = options.inventory ?? [];
  const crdKinds = crdKindsOf([...items.map((i) => i.object), ...inventory]);
  for (const item of items) {
    const o = item.object as unknown;
    if (!isObject(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || o.apiVersion === '' || o.kind === '') {
      ctx.report(item, 'yaml/not-an-object', '', 'not a Kubernetes object: a mapping with string apiVersion and kind is required');
      continue;
    }
    ctx.prepare(item);
    checkApiVersion(ctx, item, o.apiVersion, o.kind);
    checkSchema(ctx, item, o.apiVersion, o.kind, crdKinds);
    checkServerSide(ctx, item, o, o.kind);
    checkPolicy(ctx, item, o, o.kind);
    if (o.kind === 'PrometheusRule' && o.apiVersion.startsWith('monitoring.coreos.com/')) checkPrometheusRule(ctx, item, o);
  }
  checkCrossRefs(ctx, items, new BundleIndex(items, inventory));
  return ctx.findings;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
