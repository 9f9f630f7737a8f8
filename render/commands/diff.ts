// `npm run diff -- --base <ref> [--head <ref>] [--format text|markdown|json] [--output file] [--out-dir dir]`
// Compares the rendered objects of two refs (the head defaults to a fresh in-memory render of the
// working tree) and prints what changes per environment and Application, with a rollout review.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import {
  buildWorkingTree, compareSides, formatJson, formatMarkdown, formatText, loadEnvironmentFacts, loadSerializer, readRenderedAtRef,
  runUrlFromActions, GITHUB_COMMENT_LIMIT, type DiffReport,
} from '../diff/index.ts';

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Room the sticky-comment marker and notices need on top of the diff itself. */
const COMMENT_RESERVE = 512;
/** Sections appended to the comment (the migration report) are cut to this size. */
const APPENDIX_LIMIT = 12_000;
/** GitHub caps a step summary at 1 MiB. */
const STEP_SUMMARY_LIMIT = 1_000_000;

export async function run(args: string[]): Promise<number> {
  const { values } = parse(SPECS.diff, args);
  if (!values.base) throw new UsageError('diff: --base <git-ref> is required (e.g. --base origin/main or the merge base SHA)');
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`diff: --format must be one of ${FORMATS.join(', ')}`);
  const maxChars = values['max-chars'] === undefined ? undefined : Number(values['max-chars']);
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars > 0)) throw new UsageError('diff: --max-chars must be a positive integer');
  const repoDir = values['repo-dir'] ?? gitTopLevel(process.cwd());

  const base = readRenderedAtRef(repoDir, values.base);
  const head = values.head ? readRenderedAtRef(repoDir, values.head) : await buildWorkingTree();
  const report = compareSides(base, head, { facts: await loadEnvironmentFacts(), serialize: await loadSerializer() });
  const fullDiffUrl = values['full-diff-url'] ?? runUrlFromActions();

  const appendix = (values.append ?? [])
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8').trim())
    .filter(Boolean)
    .map((md) => (md.length > APPENDIX_LIMIT ? `${md.slice(0, APPENDIX_LIMIT)}\n\n… (cut; the full report is in the workflow run)` : md))
    .map((md) => `\n\n${md}\n`)
    .join('');
  if (values['out-dir']) {
    const dir = values['out-dir'];
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'diff.txt'), formatText(report));
    writeFileSync(join(dir, 'diff.json'), formatJson(report));
    writeFileSync(join(dir, 'diff.md'), formatMarkdown(report, { maxChars: Number.MAX_SAFE_INTEGER }) + appendix);
    const budget = (maxChars ?? GITHUB_COMMENT_LIMIT - COMMENT_RESERVE) - appendix.length;
    writeFileSync(join(dir, 'comment.md'), formatMarkdown(report, { maxChars: budget, fullDiffUrl }) + appendix);
  }
  // The run's summary page shows the diff even where no comment can be posted (fork PRs).
  if (values['step-summary'] && process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, formatMarkdown(report, { maxChars: STEP_SUMMARY_LIMIT, fullDiffUrl }));
  }
  const text = render(report, format, maxChars, fullDiffUrl);
  if (values.output) writeFileSync(values.output, text);
  else if (!values['out-dir']) process.stdout.write(text);
  else process.stdout.write(formatText(report).split('\n').slice(0, 2 + report.envs.length).join('\n') + '\n');
  return 0;
}

function render(report: DiffReport, format: Format, maxChars: number | undefined, fullDiffUrl: string | undefined): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'markdown':
      return formatMarkdown(report, { maxChars: maxChars ?? GITHUB_COMMENT_LIMIT, fullDiffUrl });
    default:
      return formatText(report);
  }
}

function gitTopLevel(cwd: string): string {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd });
  if (r.status !== 0) throw new UsageError('diff: not inside a git repository (use --repo-dir)');
  return r.stdout.toString().trim();
}
