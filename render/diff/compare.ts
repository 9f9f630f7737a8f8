// Two sides of rendered objects → a report: per environment, per Argo CD Application, per object.
// Objects are matched by env + group/kind/namespace/name, so moving a file is not a change.
import { stringify } from 'yaml';
import type { KubeObject } from '../types.ts';
import { classify, plural, type EnvUnderReview } from './classify.ts';
import { diffFields } from './fields.ts';
import { unifiedDiff } from './line-diff.ts';
import {
  RISK_CLASSES, type Action, type AppDiff, type CountByAction, type DiffReport, type EnvDiff, type EnvReviewFacts,
  type ObjectDiff, type RenderedSide, type Risk, type RiskClass, type SideObject,
} from './model.ts';
import { redactPair } from './redact.ts';
import { imageChanges } from './workload.ts';

export interface CompareOptions {
  /** Facts of an environment by name; unknown environments are reviewed as strict. */
  facts?: (env: string) => EnvReviewFacts | undefined;
  /** Deterministic YAML serializer for hunks (render/yaml.ts when present). */
  serialize?: (o: KubeObject) => string;
  /** Lines of context around each hunk. */
  context?: number;
}

export function groupOf(o: KubeObject): string {
  const slash = o.apiVersion.indexOf('/');
  return slash < 0 ? '' : o.apiVersion.slice(0, slash);
}

export function objectKey(o: KubeObject): string {
  return [groupOf(o), o.kind, o.metadata.namespace ?? '', o.metadata.name].join('|');
}

export function displayId(o: KubeObject): string {
  return o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

function byEnv(side: RenderedSide): Map<string, Map<string, SideObject>> {
  const envs = new Map<string, Map<string, SideObject>>();
  for (const so of side.objects) {
    let m = envs.get(so.env);
    if (!m) envs.set(so.env, (m = new Map()));
    const key = objectKey(so.object);
    // Two files for one object would be a render bug; the first (by path) wins, deterministically.
    if (!m.has(key)) m.set(key, so);
  }
  return envs;
}

const defaultSerialize = (o: KubeObject): string => stringify(o, { lineWidth: 0 });

export function compareSides(base: RenderedSide, head: RenderedSide, options: CompareOptions = {}): DiffReport {
  const serialize = options.serialize ?? defaultSerialize;
  const baseEnvs = byEnv(base);
  const headEnvs = byEnv(head);
  const envNames = [...new Set([...baseEnvs.keys(), ...headEnvs.keys()])].sort();
  const envs: EnvDiff[] = [];
  const byKind: DiffReport['byKind'] = {};
  const totals: CountByAction = { added: 0, removed: 0, changed: 0 };
  const riskCounts = Object.fromEntries(RISK_CLASSES.map((c) => [c, 0])) as Record<RiskClass, number>;

  for (const env of envNames) {
    const b = baseEnvs.get(env) ?? new Map<string, SideObject>();
    const h = headEnvs.get(env) ?? new Map<string, SideObject>();
    const diff = compareEnv(env, b, h, options.facts?.(env) ?? { strictPolicy: true }, serialize, options.context ?? 3);
    if (diff.apps.length === 0) continue;
    diff.status = !baseEnvs.has(env) ? 'added' : !headEnvs.has(env) ? 'removed' : 'changed';
    envs.push(diff);
    const kinds: Record<string, CountByAction> = (byKind[env] = {});
    for (const app of diff.apps) {
      for (const r of app.risks) riskCounts[r.class]++;
      for (const o of app.objects) {
        totals[o.action]++;
        (kinds[o.kind] ??= { added: 0, removed: 0, changed: 0 })[o.action]++;
        for (const r of o.risks) riskCounts[r.class]++;
      }
    }
  }
  return { base: base.label, head: head.label, baseWithoutRendered: !base.hasRendered, envs, totals, byKind, riskCounts };
}

function compareEnv(
  env: string, base: Map<string, SideObject>, head: Map<string, SideObject>, facts: EnvReviewFacts,
  serialize: (o: KubeObject) => string, context: number,
): EnvDiff {
  const baseApps = new Set([...base.values()].map((s) => s.component));
  const headApps = new Set([...head.values()].map((s) => s.component));
  const removedApps = new Set([...baseApps].filter((a) => !headApps.has(a)));
  const addedApps = new Set([...headApps].filter((a) => !baseApps.has(a)));
  const baseObjectsPerApp = new Map<string, number>();
  for (const s of base.values()) baseObjectsPerApp.set(s.component, (baseObjectsPerApp.get(s.component) ?? 0) + 1);

  interface Pending { action: Action; app: string; movedFrom?: string; b?: SideObject; h?: SideObject; redacted: ReturnType<typeof redactPair>; fields: ReturnType<typeof diffFields> }
  const pending: Pending[] = [];
  const changedConfig = new Set<string>();
  const keys = [...new Set([...base.keys(), ...head.keys()])].sort();
  for (const key of keys) {
    const b = base.get(key);
    const h = head.get(key);
    const redacted = redactPair(b?.object, h?.object);
    const fields = b && h ? diffFields(redacted.base, redacted.head) : [];
    const moved = b && h && b.component !== h.component ? b.component : undefined;
    if (b && h && fields.length === 0 && moved === undefined) continue;
    const action: Action = !b ? 'added' : !h ? 'removed' : 'changed';
    pending.push({ action, app: (h ?? b)!.component, movedFrom: moved, b, h, redacted, fields });
    const o = (h ?? b)!.object;
    if (action === 'changed' && (o.kind === 'ConfigMap' || o.kind === 'Secret')) changedConfig.add(displayId(o));
    if (action === 'changed' && o.kind === 'SealedSecret') changedConfig.add(`Secret/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  }

  const review: EnvUnderReview = {
    env, facts, changedConfig, removedApps, baseObjectsPerApp,
    baseObjects: [...base.values()].map((s) => s.object),
    headObjects: [...head.values()].map((s) => s.object),
  };
  const apps = new Map<string, AppDiff>();
  const appDiff = (name: string): AppDiff => {
    let a = apps.get(name);
    if (!a) {
      a = { env, name, status: addedApps.has(name) ? 'added' : removedApps.has(name) ? 'removed' : 'changed', risks: [], objects: [] };
      apps.set(name, a);
    }
    return a;
  };
  for (const p of pending) {
    const o = (p.h ?? p.b)!.object;
    const before = p.redacted.base;
    const after = p.redacted.head;
    const od: ObjectDiff = {
      env, app: p.app, action: p.action, group: groupOf(o), kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name,
      id: displayId(o), fields: p.fields, redactedKeys: p.redacted.changedKeys,
      hunks: unifiedDiff(before ? serialize(before) : '', after ? serialize(after) : '', context),
      images: imageChanges(before, after), risks: [],
    };
    if (od.namespace === undefined) delete od.namespace;
    if (p.movedFrom !== undefined) od.movedFrom = p.movedFrom;
    if (p.b) od.basePath = p.b.path;
    if (p.h) od.headPath = p.h.path;
    od.risks = classify({ action: p.action, app: p.app, movedFrom: p.movedFrom, base: before, head: after, fields: p.fields }, review);
    appDiff(p.app).objects.push(od);
  }

  for (const name of removedApps) {
    const renamedTo = [...apps.values()].find((a) => a.status === 'added' && a.objects.filter((o) => o.movedFrom === name).length * 2 >= (baseObjectsPerApp.get(name) ?? 0));
    if (renamedTo) {
      const moved = renamedTo.objects.filter((o) => o.movedFrom === name).length;
      renamedTo.risks.push({ class: 'data-at-risk', reason: `Application renamed from ${name} to ${renamedTo.name}: Argo CD deletes ${plural(moved, 'object', `it shares with ${name}`)} and creates them again` });
    } else {
      const n = baseObjectsPerApp.get(name) ?? 0;
      appDiff(name).risks.push({ class: 'data-at-risk', reason: `Application ${name} removed: Argo CD prunes ${plural(n, 'object', 'it manages')}` });
    }
  }

  const sorted = [...apps.values()].sort((a, c) => (a.name < c.name ? -1 : a.name > c.name ? 1 : 0));
  for (const a of sorted) a.objects.sort(bySeverityThenId);
  return { env, status: 'changed', apps: sorted };
}

function severity(risks: Risk[]): number {
  const ranks = risks.map((r) => RISK_CLASSES.indexOf(r.class));
  return ranks.length ? Math.min(...ranks) : RISK_CLASSES.length;
}

function bySeverityThenId(a: ObjectDiff, b: ObjectDiff): number {
  return severity(a.risks) - severity(b.risks) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
