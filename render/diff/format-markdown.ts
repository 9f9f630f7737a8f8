// Markdown for the PR comment. GitHub rejects comments over 65,536 characters, so the rendering
// is budgeted: the summary always fits, then one collapsible section per Application, each cut
// at object boundaries, and a note pointing to the full diff artifact when anything was left out.
import { RISK_CLASSES, RISK_LABEL, type AppDiff, type DiffReport, type ObjectDiff, type Risk } from './model.ts';
import {
  MAX_FIELD_LINES, NO_CHANGES, RISK_ICON, appCounts, appRiskClasses, countWords, envCounts, fieldLine, objectHeadline, riskLine,
} from './format-shared.ts';

export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Upper bound on the output length in characters (UTF-16 code units, as GitHub counts). */
  maxChars?: number;
  /** Where the full, untruncated diff lives (the workflow run with the artifact). */
  fullDiffUrl?: string;
  title?: string;
}

/** Room kept for the truncation note so it always fits after the sections. */
const NOTE_RESERVE = 600;
/** Sections with less room than this are not started. */
const MIN_SECTION = 200;

export function formatMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const title = `## ${options.title ?? 'Rendered manifests diff'}`;
  const header = [title, '', `\`${report.base}\` → \`${report.head}\``, ''];
  if (report.baseWithoutRendered) header.push('> [!NOTE]', '> The base has no `rendered/` (it predates the render pipeline): every object is shown as added.', '');
  if (report.envs.length === 0) return fit([...header, `**${NO_CHANGES}**`, ''].join('\n'), max);

  const summary = fit(summaryBlock(report, header, max - NOTE_RESERVE), max - NOTE_RESERVE);
  const changesHeading = '\n### Changes\n\n';
  let budget = max - NOTE_RESERVE - summary.length - changesHeading.length;
  const sections: string[] = [];
  let omittedObjects = 0;
  let omittedApps = 0;
  for (const env of report.envs) {
    for (const app of env.apps) {
      const s = appSection(app, budget);
      if (s === undefined) {
        omittedApps++;
        omittedObjects += app.objects.length;
        continue;
      }
      sections.push(s.text);
      budget -= s.text.length;
      omittedObjects += s.omitted;
    }
  }
  let out = `${summary}${changesHeading}${sections.join('')}`;
  if (omittedObjects > 0) out += truncationNote(omittedObjects, omittedApps, options.fullDiffUrl);
  else if (options.fullDiffUrl) out += `\n<sub>Full diff (text, JSON): [workflow run artifacts](${options.fullDiffUrl}).</sub>\n`;
  return fit(out, max);
}

function truncationNote(objects: number, apps: number, url: string | undefined): string {
  const where = url ? `the \`diff\` artifact of [this workflow run](${url})` : 'the `diff` artifact of the pull-request workflow run';
  const appsPart = apps > 0 ? ` (${apps} application section${apps === 1 ? '' : 's'} left out entirely)` : '';
  return `\n> [!WARNING]\n> This comment is cut to fit GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character limit: ${objects} object${objects === 1 ? ' is' : 's are'} not shown${appsPart}. The full diff is ${where}.\n`;
}

function summaryBlock(report: DiffReport, header: string[], budget: number): string {
  const lines = [...header];
  const envWord = report.envs.length === 1 ? 'environment' : 'environments';
  lines.push(`**${countWords(report.totals)}** in ${report.envs.length} ${envWord} · ${riskLine(report, true)}`, '');
  lines.push('| Environment | Applications | Added | Removed | Changed |', '|---|---:|---:|---:|---:|');
  for (const e of report.envs) {
    const c = envCounts(report, e.env);
    const status = e.status === 'changed' ? '' : ` (${e.status})`;
    lines.push(`| ${e.env}${status} | ${e.apps.length} | ${c.added} | ${c.removed} | ${c.changed} |`);
  }
  lines.push('', '<details><summary>By kind</summary>', '', '| Environment | Kind | Added | Removed | Changed |', '|---|---|---:|---:|---:|');
  for (const e of report.envs) {
    for (const [kind, c] of Object.entries(report.byKind[e.env] ?? {}).sort()) lines.push(`| ${e.env} | ${kind} | ${c.added} | ${c.removed} | ${c.changed} |`);
  }
  lines.push('', '</details>', '');

  const risks = allRisks(report);
  if (risks.length > 0) {
    lines.push('### Rollout safety', '', '| Risk | Where | Object | Why |', '|---|---|---|---|');
    let text = `${lines.join('\n')}\n`;
    for (let i = 0; i < risks.length; i++) {
      const r = risks[i];
      const row = `| ${RISK_ICON[r.risk.class]} ${RISK_LABEL[r.risk.class]} | ${r.env} › ${r.app} | ${r.object ? code(r.object) : '(Application)'} | ${cell(r.risk.reason)} |\n`;
      const more = `| | | | …and ${risks.length - i} more: see the sections below or the full diff |\n`;
      if (text.length + row.length + more.length > budget) {
        text += more;
        return text;
      }
      text += row;
    }
    return text;
  }
  lines.push('No rollout risks found.', '');
  return `${lines.join('\n')}\n`;
}

interface LocatedRisk { env: string; app: string; object?: string; risk: Risk }

function allRisks(report: DiffReport): LocatedRisk[] {
  const out: LocatedRisk[] = [];
  for (const e of report.envs) {
    for (const a of e.apps) {
      for (const risk of a.risks) out.push({ env: e.env, app: a.name, risk });
      for (const o of a.objects) for (const risk of o.risks) out.push({ env: e.env, app: a.name, object: o.id, risk });
    }
  }
  return out.sort((x, y) => RISK_CLASSES.indexOf(x.risk.class) - RISK_CLASSES.indexOf(y.risk.class));
}

function appSection(app: AppDiff, budget: number): { text: string; omitted: number } | undefined {
  const classes = appRiskClasses(app);
  const badge = classes.length ? ` · ${classes.map((c) => `${RISK_ICON[c]} ${RISK_LABEL[c]}`).join(' · ')}` : '';
  const status = app.status === 'changed' ? '' : ` (Application ${app.status})`;
  const open = `<details><summary><b>${app.env} › ${app.name}</b>${status}: ${countWords(appCounts(app))}${badge}</summary>\n\n`;
  const appRisks = app.risks.map((r) => `- ${RISK_ICON[r.class]} **${RISK_LABEL[r.class]}**: ${escape(r.reason)}\n`).join('');
  const close = '\n</details>\n\n';
  const omittedLine = (n: number) => `_…${n} more object${n === 1 ? '' : 's'} in this application not shown (see the full diff)._\n`;
  const fixed = open.length + appRisks.length + close.length;
  if (budget < Math.max(MIN_SECTION, fixed + omittedLine(app.objects.length).length)) return undefined;
  let body = appRisks;
  let used = fixed;
  let shown = 0;
  for (const o of app.objects) {
    const block = objectBlock(o);
    const remaining = app.objects.length - shown - 1;
    const reserve = remaining > 0 ? omittedLine(remaining).length : 0;
    if (used + block.length + reserve > budget) break;
    body += block;
    used += block.length;
    shown++;
  }
  const omitted = app.objects.length - shown;
  if (omitted > 0) body += omittedLine(omitted);
  return { text: open + body + close, omitted };
}

function objectBlock(o: ObjectDiff): string {
  const lines = [`#### ${escape(objectHeadline(o))}`, ''];
  for (const r of o.risks) lines.push(`- ${RISK_ICON[r.class]} **${RISK_LABEL[r.class]}**: ${escape(r.reason)}`);
  if (o.redactedKeys.length) lines.push(`- 🔒 secret keys changed (values redacted): ${o.redactedKeys.map(code).join(', ')}`);
  for (const f of o.fields.slice(0, MAX_FIELD_LINES)) lines.push(`- ${fieldLine(f, code)}`);
  if (o.fields.length > MAX_FIELD_LINES) lines.push(`- …and ${o.fields.length - MAX_FIELD_LINES} more fields (see the YAML below)`);
  if (o.hunks) {
    const fence = o.hunks.includes('```') ? '````' : '```';
    lines.push('', `${fence}diff`, o.hunks, fence);
  }
  return `${lines.join('\n')}\n\n`;
}

/** Inline code that survives backticks in the value. */
function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function escape(s: string): string {
  return s.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

function cell(s: string): string {
  return escape(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Last resort: a hard cut that still leaves valid text (only reached with absurdly small limits). */
function fit(s: string, max: number): string {
  if (s.length <= max) return s;
  const note = '\n\n…(cut to fit the size limit)\n';
  return s.slice(0, Math.max(0, max - note.length)) + note;
}
