// Plain-text rendering for terminals and CI logs: everything, no size limit.
import { RISK_LABEL, type DiffReport } from './model.ts';
import { MAX_FIELD_LINES, NO_CHANGES, appCounts, countWords, envCounts, fieldLine, objectHeadline, riskLine } from './format-shared.ts';

export function formatText(report: DiffReport): string {
  const out: string[] = [`diff ${report.base} → ${report.head}`];
  if (report.baseWithoutRendered) out.push('note: the base has no rendered/ (older than the render pipeline): every object counts as added');
  if (report.envs.length === 0) {
    out.push(NO_CHANGES);
    return `${out.join('\n')}\n`;
  }
  out.push(`summary: ${countWords(report.totals)}; ${riskLine(report, false)}`);
  for (const e of report.envs) {
    out.push(`  ${e.env}${e.status === 'changed' ? '' : ` (environment ${e.status})`}: ${countWords(envCounts(report, e.env))}`);
    for (const [kind, c] of Object.entries(report.byKind[e.env] ?? {}).sort()) out.push(`    ${kind}: ${countWords(c)}`);
  }
  for (const e of report.envs) {
    for (const app of e.apps) {
      out.push('', `== ${e.env} › ${app.name} (${app.status === 'changed' ? '' : `Application ${app.status}; `}${countWords(appCounts(app))})`);
      for (const r of app.risks) out.push(`  [${RISK_LABEL[r.class]}] ${r.reason}`);
      for (const o of app.objects) {
        out.push('', `-- ${objectHeadline(o)}`);
        for (const r of o.risks) out.push(`  [${RISK_LABEL[r.class]}] ${r.reason}`);
        if (o.redactedKeys.length) out.push(`  secret keys changed (values redacted): ${o.redactedKeys.join(', ')}`);
        for (const f of o.fields.slice(0, MAX_FIELD_LINES)) out.push(`  ${fieldLine(f, (s) => s)}`);
        if (o.fields.length > MAX_FIELD_LINES) out.push(`  … and ${o.fields.length - MAX_FIELD_LINES} more fields`);
        if (o.hunks) out.push(o.hunks.split('\n').map((l) => `  ${l}`).join('\n'));
      }
    }
  }
  return `${out.join('\n')}\n`;
}
