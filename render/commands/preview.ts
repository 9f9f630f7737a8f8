// `npm run preview -- --pr <number> [--out <dir>]`: renders the PR's preview environment
// (environments/preview.ts) into rendered/previews/pr-<number>/ (or --out).
// CI publishing (preview.yml): `--publish <dir>` checks a rendered folder and writes it to the
// `previews` branch Argo CD reads; `--remove` deletes it there; `--comment --repo o/n` keeps the
// PR's sticky preview comment current; `--publisher <app-slug>` commits as the delivery App's bot
// account and builds only on a branch tip that account wrote.
import { dirname, basename, join, resolve } from 'node:path';
import { preview } from '../../environments/preview.ts';
import { GitHubError, assumeLogin, gitHubClientFromEnv, parseRepo, upsertStickyComment, type GitHub } from '../github/index.ts';
import { previewNamespace, previewScope, renderPreview } from '../delivery/preview.ts';
import { readPreviewFolder } from '../delivery/preview-files.ts';
import { publisherIdentity, updatePreviewsBranch } from '../delivery/previews-branch.ts';
import { formatFinding } from '../pipeline.ts';
import { writeRendered } from '../write.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { REPO_ROOT, RENDERED_PATH } from './common.ts';

export const PREVIEW_MARKER = 'gitops-preview';

export interface PreviewDeps {
  repoDir?: string;
  client?: () => GitHub;
  out?: (line: string) => void;
}

export async function run(args: string[], deps: PreviewDeps = {}): Promise<number> {
  const { values } = parse(SPECS.preview, args);
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const repoDir = deps.repoDir ?? REPO_ROOT;
  const pr = Number(values.pr);
  if (!values.pr || !Number.isInteger(pr) || pr < 1) throw new UsageError(`preview: --pr <number> is required (got "${values.pr ?? ''}")`);
  if (values.publish !== undefined && values.remove) throw new UsageError('preview: --publish and --remove exclude each other');
  const namespace = previewNamespace(pr);

  if (values.publish === undefined && !values.remove) {
    const r = renderPreview(preview, pr);
    for (const f of r.findings) process.stderr.write(`${formatFinding(f)}\n`);
    if (r.files.size === 0) {
      process.stderr.write(`preview failed: ${r.findings.filter((f) => f.severity === 'error').length} validation error(s)\n`);
      return 1;
    }
    const target = resolve(values.out ?? join(RENDERED_PATH, 'previews', namespace));
    writeRendered(dirname(target), [{ name: basename(target), files: r.files }]);
    out(`wrote ${r.files.size} files for ${namespace} to ${target}`);
    for (const url of r.urls) out(`  ${url}`);
    return 0;
  }

  const folder = values.publish !== undefined ? readPreviewFolder(resolve(values.publish), previewScope(preview, pr)) : undefined;
  const token = process.env.GITHUB_TOKEN;
  const result = updatePreviewsBranch({
    repoDir, remote: values.remote, namespace, files: folder?.files, token, publisher: publisherIdentity(values.publisher),
    message: folder ? `preview ${namespace}: ${folder.files.size} objects` : `preview ${namespace}: removed`,
  });
  out(`${namespace}: ${result.action}${result.commit ? ` (${result.commit.slice(0, 12)})` : ''}`);
  if (!values.comment) return 0;

  const slug = values.repo ?? process.env.GITHUB_REPOSITORY;
  const repo = slug ? parseRepo(slug) : undefined;
  if (!repo) throw new UsageError('preview: --comment needs --repo owner/name (or GITHUB_REPOSITORY)');
  try {
    const gh = deps.client ? deps.client() : gitHubClientFromEnv();
    // The comment is written with the App's token: its bot account is the author to look for.
    if (values.publisher !== undefined) assumeLogin(gh, `${values.publisher}[bot]`);
    const body = folder ? publishedBody(namespace, folder.urls) : removedBody(namespace);
    const c = await upsertStickyComment(gh, { ...repo, issueNumber: pr, marker: PREVIEW_MARKER }, body);
    out(`${c.action} comment ${c.url}`);
    return 0;
  } catch (e) {
    if (e instanceof GitHubError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export function publishedBody(namespace: string, urls: readonly string[]): string {
  return [
    '## Preview',
    '',
    `This pull request is deployed to namespace \`${namespace}\` on the dev cluster; Argo CD picks up each push within a few minutes.`,
    '',
    ...urls.map((u) => `- ${u}`),
    '',
    'Certificates come from the lab\'s Pebble CA (see docs/delivery.md to trust it). Removing the `preview` label or closing the pull request deletes the whole namespace.',
    '',
  ].join('\n');
}

export function removedBody(namespace: string): string {
  return `## Preview\n\nThe preview \`${namespace}\` was removed (label removed or pull request closed); Argo CD deletes its namespace.\n`;
}
