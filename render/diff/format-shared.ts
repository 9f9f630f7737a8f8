// Wording shared by the text and markdown renderings of a report.
import type { AppDiff, CountByAction, DiffReport, FieldChange, ObjectDiff, RiskClass } from './model.ts';
import { RISK_CLASSES, RISK_LABEL } from './model.ts';

export const NO_CHANGES = 'No changes in rendered manifests.';

export const RISK_ICON: Record<RiskClass, string> = {
  'breaks-sync': '🛑',
  'data-at-risk': '🗑️',
  'downtime-risk': '⏬',
  restarts: '🔄',
};

export function countWords(c: CountByAction): string {
  return `${c.added} added, ${c.removed} removed, ${c.changed} changed`;
}

export function totalOf(c: CountByAction): number {
  return c.added + c.removed + c.changed;
}

export function envCounts(report: DiffReport, env: string): CountByAction {
  const out: CountByAction = { added: 0, removed: 0, changed: 0 };
  for (const c of Object.values(report.byKind[env] ?? {})) {
    out.added += c.added;
    out.removed += c.removed;
    out.changed += c.changed;
  }
  return out;
}

export function riskLine(report: DiffReport, icons: boolean): string {
  const parts = RISK_CLASSES.filter((c) => report.riskCounts[c] > 0).map((c) => `${icons ? `${RISK_ICON[c]} ` : ''}${report.riskCounts[c]} ${RISK_LABEL[c]}`);
  return parts.length ? parts.join(' · ') : 'no rollout risks found';
}

export function appRiskClasses(app: AppDiff): RiskClass[] {
  const found = new Set<RiskClass>([...app.risks, ...app.objects.flatMap((o) => o.risks)].map((r) => r.class));
  return RISK_CLASSES.filter((c) => found.has(c));
}

export function appCounts(app: AppDiff): CountByAction {
  const c: CountByAction = { added: 0, removed: 0, changed: 0 };
  for (const o of app.objects) c[o.action]++;
  return c;
}

export function objectHeadline(o: ObjectDiff): string {
  const moved = o.movedFrom !== undefined ? ` (moved from Application ${o.movedFrom})` : '';
  return `${o.id} ${o.action}${moved}`;
}

/** One field change as `path: before → after`, values shortened. */
export function fieldLine(f: FieldChange, quote: (s: string) => string): string {
  if (f.before === undefined) return `${quote(f.path)}: added ${quote(short(f.after))}`;
  if (f.after === undefined) return `${quote(f.path)}: removed (was ${quote(short(f.before))})`;
  return `${quote(f.path)}: ${quote(short(f.before))} → ${quote(short(f.after))}`;
}

export function short(v: unknown, max = 120): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Field changes shown per object before "and N more" (the hunks hold the rest). */
export const MAX_FIELD_LINES = 15;
