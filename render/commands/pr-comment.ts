// `npm run pr-comment -- --repo owner/name (--pr N | --head-owner O --head-branch B --head-sha SHA) --file diff.md [--as login]`
// Posts the diff as one sticky comment (hidden marker) and edits it in place on later pushes.
// Only a marked comment written by the token's own account is edited: `--as` names that account
// for an App installation token (GITHUB_TOKEN: `github-actions[bot]`), which cannot ask GET /user.
// It only reads the file as text: safe to run in a trusted workflow_run on a fork's artifact.
import { existsSync, readFileSync } from 'node:fs';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import {
  GitHubError, assumeLogin, findOpenPullRequest, getPullRequest, gitHubClientFromEnv, parseRepo, upsertStickyComment, type GitHub, type PullRequestRef,
} from '../github/index.ts';

export const DEFAULT_MARKER = 'gitops-diff';

export const FORK_NOTICE =
  '> [!NOTE]\n> This pull request comes from a fork. The diff below was computed by the read-only `pull_request` run and posted by the trusted `pr-comment` workflow, which never runs the fork\'s code. The full diff is the `diff` artifact of that run.\n\n';

export interface PrCommentDeps {
  /** Build the client (tests point it at a local fake GitHub). */
  client?: () => GitHub;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export async function run(args: string[], deps: PrCommentDeps = {}): Promise<number> {
  const { values } = parse(SPECS['pr-comment'], args);
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const slug = values.repo ?? process.env.GITHUB_REPOSITORY;
  const repo = slug ? parseRepo(slug) : undefined;
  if (!repo) throw new UsageError('pr-comment: --repo owner/name is required (or GITHUB_REPOSITORY)');
  if (!values.file) throw new UsageError('pr-comment: --file <diff.md> is required');
  const byNumber = values.pr !== undefined;
  const byHead = values['head-branch'] !== undefined;
  if (byNumber === byHead) throw new UsageError('pr-comment: give either --pr N or --head-owner/--head-branch/--head-sha');
  const number = byNumber ? Number(values.pr) : undefined;
  if (byNumber && !(Number.isInteger(number) && number! > 0)) throw new UsageError(`pr-comment: --pr must be a pull request number, got "${values.pr}"`);
  let body: string;
  if (!existsSync(values.file) && values['missing-ok']) {
    // The pr-diff run failed before it produced a diff: say so instead of keeping a stale one.
    const where = values['run-url'] ? ` See [the workflow run](${values['run-url']}).` : '';
    body = `## Rendered manifests diff\n\n> [!CAUTION]\n> No diff for this push: the pr-diff workflow failed before it produced one.${where}\n`;
  } else {
    try {
      body = readFileSync(values.file, 'utf8');
    } catch (e) {
      throw new UsageError(`pr-comment: cannot read --file ${values.file}: ${(e as Error).message}`);
    }
  }

  try {
    const gh = deps.client ? deps.client() : gitHubClientFromEnv();
    if (values.as !== undefined) assumeLogin(gh, values.as);
    let pr: PullRequestRef | undefined;
    if (number !== undefined) {
      pr = await getPullRequest(gh, { ...repo, number });
    } else {
      const headOwner = values['head-owner'] ?? repo.owner;
      pr = await findOpenPullRequest(gh, { ...repo, headOwner, headBranch: values['head-branch']!, headSha: values['head-sha'] });
      if (!pr) {
        out(`no open pull request in ${slug} has head ${headOwner}:${values['head-branch']}${values['head-sha'] ? ` at ${values['head-sha']}` : ''} (closed, or a newer push superseded this run): nothing to comment on`);
        return 0;
      }
    }
    const result = await upsertStickyComment(gh, { ...repo, issueNumber: pr.number, marker: values.marker }, (pr.fromFork ? FORK_NOTICE : '') + body);
    out(`${result.action} comment ${result.url} on ${pr.url}`);
    return 0;
  } catch (e) {
    if (!(e instanceof GitHubError)) throw e;
    if (values['soft-fail'] && (e.status === 401 || e.status === 403 || e.status === 404)) {
      // Annotated in the Actions UI; the diff is still available as the run artifact.
      out(`::warning title=PR comment not posted::${e.message}`);
      return 0;
    }
    (deps.err ?? ((l: string) => process.stderr.write(`${l}\n`)))(`error: ${e.message}`);
    return 1;
  }
}
