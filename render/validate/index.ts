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
import { checkProviders } from './providers.ts';
import { isObject } from './json.ts';
import { checkSize } from './size.ts';
import { apiGroup } from '../scope.ts';
import { checkPrometheusRule } from './promql.ts';
import { RULES_BY_ID } from './rules.ts';

/** A note tells what was not checked; it never fails a run. */
export type Severity = 'error' | 'warning' | 'note';

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
  /** Length of the object's YAML text, when it has one: big objects are measured as JSON. */
  sourceBytes?: number;
  /**
   * The text the object is, exactly: the YAML the render writes for it, or the document a file
   * holds (read by the fast reader; the YAML 1.1 reading is the fast reader's). Its key in the `cache`.
   */
  text?: string;
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
  /**
   * The bundle is everything there is (with the inventory): a reference to an absent object is
   * an error. Default true. `false` (a subset of files): such references become one
   * `ref/outside-bundle` note.
   */
  closed?: boolean;
  /** Names the bundle in the outside-bundle note when several are validated in one run. */
  label?: string;
  /** Per-object results kept across runs, for items that carry their `text`. */
  cache?: ValidationCache;
}

/** A finding of the per-object checks as the cache keeps it: severity and identity come from the run. */
export interface CachedFinding {
  rule: string;
  path: string;
  message: string;
}

/**
 * The per-object checks' results (schema, server-side, policy, PromQL…) of objects checked
 * before, under the same validators (render/validation-cache.ts keeps them across runs), as
 * ESLint's --cache keeps lint results: an object with a warning is replayed like a clean one.
 * The key is the object's text and the target Kubernetes version, the only option those checks
 * read; severity (`strictPolicy`) and the object's place (file, line, env, component) are the
 * run's, applied when a kept finding is reported again. Checks across objects always run.
 */
export interface ValidationCache {
  /** What the per-object checks found for this key (empty: nothing), or undefined when unknown. */
  get(key: string): readonly CachedFinding[] | undefined;
  set(key: string, findings: readonly CachedFinding[]): void;
}

/**
 * Findings that quote a Secret's fields are not written to disk: the cache keeps only that a
 * Secret was clean. Everything else it keeps is the validator's own words about a rendered text.
 */
const FINDINGS_NOT_KEPT = new Set(['Secret']);

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
    // Always: the object's opt-outs also apply to what the checks across objects report.
    ctx.prepare(item);
    // The key holds everything the checks below read: the object (its text) and kubeVersion. A
    // check that comes to read another option must add it here.
    const key = options.cache && item.text !== undefined ? `${options.kubeVersion}\0${item.text}` : undefined;
    const kept = key !== undefined ? options.cache!.get(key) : undefined;
    // A rule the catalogue lacks can only come from a damaged file: check the object afresh.
    if (kept && kept.every((f) => RULES_BY_ID.has(f.rule))) {
      for (const f of kept) ctx.report(item, f.rule, f.path, f.message);
      continue;
    }
    const before = ctx.findings.length;
    checkSize(ctx, item, o, o.kind, apiGroup(o.apiVersion));
    checkApiVersion(ctx, item, o.apiVersion, o.kind);
    const judged = checkSchema(ctx, item, o.apiVersion, o.kind, crdKinds);
    checkServerSide(ctx, item, o, o.kind);
    checkPolicy(ctx, item, o, o.kind);
    if (o.kind === 'PrometheusRule' && o.apiVersion.startsWith('monitoring.coreos.com/')) checkPrometheusRule(ctx, item, o);
    if (key !== undefined && judged && (ctx.findings.length === before || !FINDINGS_NOT_KEPT.has(o.kind))) {
      options.cache!.set(key, ctx.findings.slice(before).map(({ rule, path, message }) => ({ rule, path, message })));
    }
  }
  checkCrossRefs(ctx, items, new BundleIndex(items, inventory));
  checkProviders(ctx, items, inventory);
  if (ctx.outside.size) ctx.findings.push(outsideNote(ctx.outside, options.label));
  return ctx.findings;
}

/** Objects named in the outside-bundle note; the rest are counted. */
const OUTSIDE_SHOWN = 8;

function outsideNote(outside: ReadonlyMap<string, number>, label: string | undefined): Finding {
  const refs = [...outside.values()].reduce((a, b) => a + b, 0);
  const names = [...outside].slice(0, OUTSIDE_SHOWN).map(([t, n]) => (n > 1 ? `${t} (${n}×)` : t));
  if (outside.size > OUTSIDE_SHOWN) names.push(`${outside.size - OUTSIDE_SHOWN} more`);
  return {
    rule: 'ref/outside-bundle',
    severity: 'note',
    path: '',
    message: `not checked: outside the bundle${label ? ` ${label}` : ''}: ${refs} reference${refs === 1 ? '' : 's'} to ${outside.size} object${outside.size === 1 ? '' : 's'} not in the given files — ${names.join(', ')}. ` +
      'Validate the folder that holds them too, list them with --inventory, or pass --closed to report each as an error.',
  };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
