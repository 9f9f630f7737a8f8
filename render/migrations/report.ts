// Renders check reports for people (text) and for the PR comment / CI (JSON).
import type { CheckReport, Finding } from './types.ts';

export interface ReportBundle {
  verdict: 'safe' | 'unsafe';
  checks: CheckReport[];
}

export function toJson(bundle: ReportBundle): string {
  return JSON.stringify(bundle, null, 2) + '\n';
}

function finding(f: Finding): string {
  const where = f.statement ? `${f.migration}.sql:${f.statement.line}` : f.migration;
  const lines = [`  ${f.severity === 'error' ? 'ERROR' : 'warn '} ${f.rule}  ${where}`, `        ${f.message}`];
  if (f.statement?.sql) lines.push(`        > ${f.statement.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
  lines.push(`        fix: ${f.fix}`);
  return lines.join('\n');
}

export function toText(bundle: ReportBundle): string {
  const out: string[] = [];
  for (const c of bundle.checks) {
    const engine = c.engine ? `PostgreSQL ${c.engine.major} (${c.engine.source}, started in ${c.engine.startupMs} ms)` : 'static lint only';
    out.push(`${c.subject}: ${c.verdict.toUpperCase()} — ${c.migrations.length} migration(s), ${engine}, ${c.totalMs} ms`);
    for (const m of c.migrations) {
      const time = m.dynamicMs !== undefined ? `, dynamic ${m.dynamicMs} ms` : '';
      out.push(`${m.verdict === 'safe' ? '✓' : '✗'} ${m.name}${time}`);
      for (const f of m.findings) out.push(finding(f));
    }
    for (const f of c.notes) out.push(finding(f));
    if (c.advice) out.push('', c.advice);
    out.push('');
  }
  out.push(`verdict: ${bundle.verdict}`);
  return out.join('\n') + '\n';
}
