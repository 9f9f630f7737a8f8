// `npm run release -- --app <app> --version <v> [--image <name>] [--env dev] [--open-pr]`
// `npm run release -- --image-tag images/<name>/v<version> …` — the same for an image this
// repository builds (apps/images.ts): the tag names the image, hence the app, pin and version.
// An app repository announces a new image; this bumps the app's pins in dev's versions file
// (semver and newer than what dev runs), re-renders dev and shows the diff. With --open-pr it
// opens (or updates) the app's release PR `release/<app>` and asks GitHub to auto-merge it once
// the required checks pass; Argo CD then rolls the Deployment.
import { environments } from '../../environments/index.ts';
import { GitHubError, gitHubClientFromEnv, parseRepo, type GitHub } from '../github/index.ts';
import { rerender } from '../delivery/cli-spawn.ts';
import { semanticDiff } from '../delivery/semantic-diff.ts';
import { enableAutoMerge } from '../delivery/github-pulls.ts';
import { changesTable, formatChanges } from '../delivery/promotion.ts';
import { proposeChange } from '../delivery/propose.ts';
import { planRelease } from '../delivery/release.ts';
import { parseImageTag } from '../delivery/image-release.ts';
import { readVersions, versionsFileName, writeVersions } from '../delivery/versions-file.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { REPO_ROOT } from './common.ts';

export interface ReleaseDeps {
  repoDir?: string;
  client?: () => GitHub;
  out?: (line: string) => void;
}

export async function run(args: string[], deps: ReleaseDeps = {}): Promise<number> {
  const { values } = parse(SPECS.release, args);
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const repoDir = deps.repoDir ?? REPO_ROOT;
  if (values['image-tag']) {
    if (values.app || values.version || values.image) throw new UsageError('release: --image-tag names the app, image and version; do not also pass --app, --version or --image');
    const tagged = parseImageTag(values['image-tag']);
    Object.assign(values, { app: tagged.image.release.app, version: tagged.version, image: tagged.image.release.pin });
  }
  if (!values.app || !values.version) throw new UsageError('release: --app <app> and --version <version> (or --image-tag) are required');
  if (!environments.some((e) => e.name === values.env)) throw new UsageError(`release: unknown environment "${values.env}"`);
  const env = values.env;
  const image = values.image === '' ? undefined : values.image;
  const { pins, changes } = planRelease(readVersions(repoDir, env), { app: values.app, version: values.version, image, env });
  if (changes.length === 0) {
    out(`${env} already runs ${values.app} ${values.version}: nothing to release`);
  } else {
    out(`release ${values.app} ${values.version} to ${env}:`);
    for (const line of formatChanges(changes)) out(`  ${line}`);
    writeVersions(repoDir, env, pins);
    rerender(repoDir, [env]);
  }
  if (!values['open-pr']) {
    if (changes.length > 0) out((await semanticDiff(repoDir, 'HEAD', { format: 'text' })).trimEnd());
    return 0;
  }
  if (changes.length === 0) return 0;

  const slug = values.repo ?? process.env.GITHUB_REPOSITORY;
  const repo = slug ? parseRepo(slug) : undefined;
  if (!repo) throw new UsageError('release: --open-pr needs --repo owner/name (or GITHUB_REPOSITORY)');
  try {
    const gh = deps.client ? deps.client() : gitHubClientFromEnv();
    const proposed = await proposeChange({
      repoDir, gh, repo, remote: values.remote, base: values.base, branch: `release/${values.app}`,
      pushToken: process.env.GITHUB_TOKEN,
      paths: [versionsFileName(env), `rendered/${env}`],
      message: `release ${values.app} ${values.version} to ${env}\n\n${formatChanges(changes).join('\n')}\n`,
      title: `Release ${values.app} ${values.version} to ${env}`,
      header: [
        `## Release ${values.app} ${values.version} to ${env}`,
        '',
        'Opened by `npm run release` for an image release; merges itself once the required checks pass.',
        '',
        changesTable(changes),
      ].join('\n'),
    });
    if (!proposed) {
      out(`the branch already holds this release: nothing to push`);
      return 0;
    }
    out(`${proposed.pull.action} ${proposed.pull.url} (release/${values.app} at ${proposed.commit.slice(0, 12)})`);
    if (!values['no-auto-merge']) {
      const { data } = await gh.rest.pulls.get({ ...repo, pull_number: proposed.pull.number });
      const nodeId = (data as { node_id?: string }).node_id;
      const result = nodeId ? await enableAutoMerge(gh, nodeId) : { enabled: false, reason: 'the API returned no node id' };
      out(result.enabled ? 'auto-merge enabled (squash, after the required checks)' : `::warning title=auto-merge not enabled::${result.reason} — allow auto-merge in the repository settings (docs/delivery.md)`);
    }
    return 0;
  } catch (e) {
    if (e instanceof GitHubError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
