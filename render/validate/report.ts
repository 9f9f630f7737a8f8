// Findings for people (text grouped by file), machines (JSON) and GitHub code scanning (SARIF 2.1.0).
import type { Finding } from './index.ts';
import { RULES } from './rules.ts';

export type Format = 'text' | 'json' | 'sarif';

export function objectLabel(f: Finding): string {
  if (!f.kind) return '';
  const name = f.name ?? '<unnamed>';
  return f.namespace ? `${f.kind}/${f.namespace}/${name}` : `${f.kind}/${name}`;
}

export function formatJson(findings: readonly Finding[]): string {
  const rows = findings.map((f) => ({
    file: f.file ?? null,
    line: f.line ?? null,
    apiVersion: f.apiVersion ?? null,
    kind: f.kind ?? null,
    namespace: f.namespace ?? null,
    name: f.name ?? null,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    path: f.path,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export interface TextSummary {
  objects: number;
  files: number;
  /** Bundle names, when the input held several (rendered/dev, rendered/prod). */
  bundles?: readonly string[];
}

const SEVERITY_LABEL = { error: 'error  ', warning: 'warning', note: 'note   ' } as const;
const SEVERITY_COLOUR = { error: '31', warning: '33', note: '36' } as const;

export function formatText(findings: readonly Finding[], summary: TextSummary, colour: boolean): string {
  const paint = (code: string, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.file ?? (f.env ? `${f.env}/${f.component ?? ''}` : '(bundle)');
    const list = byFile.get(key);
    if (list) list.push(f);
    else byFile.set(key, [f]);
  }
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(paint('4', file));
    for (const f of list) {
      const sev = paint(SEVERITY_COLOUR[f.severity], SEVERITY_LABEL[f.severity]);
      const where = [objectLabel(f), f.path].filter(Boolean).join(' ');
      out.push(`  ${String(f.line ?? '').padStart(5)}  ${sev}  ${where ? `${where}: ` : ''}${f.message}  ${paint('2', f.rule)}`);
    }
    out.push('');
  }
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const [errors, warnings, notes] = [count('error'), count('warning'), count('note')];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const bundles = summary.bundles && summary.bundles.length > 1 ? ` as ${summary.bundles.length} bundles: ${summary.bundles.join(', ')}` : '';
  const scope = `${plural(summary.objects, 'object')} in ${plural(summary.files, 'file')}${bundles}`;
  const noted = notes ? `, ${plural(notes, 'note')}` : '';
  if (errors + warnings === 0) out.push(paint('32', `✔ ${scope}: ${notes ? `no errors or warnings${noted}` : 'no findings'}`));
  else out.push(paint(errors ? '31' : '33', `✖ ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${noted} (${scope})`));
  return `${out.join('\n')}\n`;
}

export function formatSarif(findings: readonly Finding[], toolVersion: string): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gitops-validate',
            version: toolVersion,
            rules: RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              help: { text: `${r.summary} See docs/validation-rules.md.` },
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        results: findings.map((f) => {
          const label = objectLabel(f);
          const result: Record<string, unknown> = {
            ruleId: f.rule,
            level: f.severity,
            message: { text: `${label ? `${label}${f.path ? ` ${f.path}` : ''}: ` : f.path ? `${f.path}: ` : ''}${f.message}` },
          };
          const index = ruleIndex.get(f.rule);
          if (index !== undefined) result.ruleIndex = index;
          if (f.file) {
            const region = f.line ? { region: { startLine: f.line } } : {};
            result.locations = [{ physicalLocation: { artifactLocation: { uri: f.file.split('\\').join('/') }, ...region } }];
          }
          if (label) result.properties = { object: label, path: f.path };
          return result;
        }),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
