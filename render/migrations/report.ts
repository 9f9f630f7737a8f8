// Renders check reports for people (text), for the sticky PR comment (markdown) and for CI (JSON).
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

const MAX_MARKDOWN_FINDINGS = 20;

function markdownFinding(f: Finding): string {
  const where = f.statement ? `${f.migration}.sql:${f.statement.line}` : f.migration;
  return `- ${f.severity === 'error' ? '**error**' : 'warning'} \`${f.rule}\` at \`${where}\`: ${f.message.replace(/\s+/g, ' ')} — fix: ${f.fix.replace(/\s+/g, ' ')}`;
}

/** A section for the sticky PR comment: verdict first, one row per migration, then the findings. */
export function toMarkdown(bundle: ReportBundle): string {
  const out: string[] = [];
  const icon = bundle.verdict === 'safe' ? '✅' : '❌';
  out.push(`### ${icon} Database migrations: ${bundle.verdict}`);
  for (const c of bundle.checks) {
    out.push('');
    if (c.migrations.length === 0) {
      out.push(`**${c.subject}**: no pending migration.`);
      if (c.notes.length) out.push('');
      for (const f of c.notes.slice(0, MAX_MARKDOWN_FINDINGS)) out.push(markdownFinding(f));
      continue;
    }
    const engine = c.engine ? `PostgreSQL ${c.engine.major}` : 'static lint only';
    out.push(`**${c.subject}** — ${c.migrations.length} pending migration(s), proven on ${engine} in ${c.totalMs} ms`, '');
    out.push('| migration | verdict | findings |', '|---|---|---|');
    for (const m of c.migrations) {
      out.push(`| \`${m.name}\` | ${m.verdict === 'safe' ? 'safe' : '**unsafe**'} | ${m.findings.length} |`);
    }
    const findings = [...c.migrations.flatMap((m) => m.findings), ...c.notes];
    if (findings.length) out.push('');
    for (const f of findings.slice(0, MAX_MARKDOWN_FINDINGS)) out.push(markdownFinding(f));
    if (findings.length > MAX_MARKDOWN_FINDINGS) out.push(`- … and ${findings.length - MAX_MARKDOWN_FINDINGS} more (see the db-migrations workflow)`);
    if (c.advice) out.push('', `> ${c.advice.replace(/\n/g, '\n> ')}`);
  }
  return out.join('\n') + '\n';
}
