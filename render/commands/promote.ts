// `npm run promote -- --from dev --to prod [app | platform | platform/<pin>]... [--apps "<a> <b>"] [--allow-major] [--revert [--ref <commit>]] [--open-pr]`
// Rewrites the target's environments/<env>.versions.json to the source's pins, app versions and
// platform versions alike (or, with --revert, to the target's previous pins), re-renders the
// target and shows what will change.
// With --open-pr it commits that on top of HEAD, force-pushes `promote/<target>` and opens or
// updates the one promotion PR of the target; with nothing left to promote it closes that PR.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { environments } from '../../environments/index.ts';
import { platformReleases } from '../../platform/index.ts';
import { pinnedRelease } from '../../platform/releases.ts';
import { GitHubError, gitHubClientFromEnv, parseRepo, type GitHub } from '../github/index.ts';
import { rerender } from '../delivery/cli-spawn.ts';
import { semanticDiff } from '../delivery/semantic-diff.ts';
import { showFile } from '../delivery/git.ts';
import { PLATFORM, type AppName, type PinGroup } from '../delivery/pins.ts';
import { changesTable, formatChanges, planPromotion, type PinChange } from '../delivery/promotion.ts';
import { proposeChange, withdrawChange } from '../delivery/propose.ts';
import { planRevert, previousVersions } from '../delivery/revert.ts';
import { parseVersions, readVersions, versionsFileName, writeVersions } from '../delivery/versions-file.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { REPO_ROOT } from './common.ts';

export interface PromoteDeps {
  repoDir?: string;
  client?: () => GitHub;
  out?: (line: string) => void;
}

export async function run(args: string[], deps: PromoteDeps = {}): Promise<number> {
  const { values, positionals } = parse(SPECS.promote, args);
  // The workflow's free-text input, passed as one quoted argument and split here, so nothing in
  // it can become an option (`--ref …`) or a shell word.
  const selection = [...positionals, ...(values.apps ?? '').split(/\s+/).filter(Boolean)];
  for (const name of selection) if (name.startsWith('-')) throw new UsageError(`promote: "${name}" is not an app, "platform" or "platform/<pin>"`);
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const repoDir = deps.repoDir ?? REPO_ROOT;
  const names = environments.map((e) => e.name);
  const to = values.to;
  if (!to) throw new UsageError('promote: --to <environment> is required (e.g. --from dev --to prod)');
  if (!names.includes(to)) throw new UsageError(`promote: unknown environment "${to}" (known: ${names.join(', ')})`);
  if (values.ref && !values.revert) throw new UsageError('promote: --ref only goes with --revert');
  const from = values.from;
  if (!values.revert && !names.includes(from)) throw new UsageError(`promote: unknown environment "${from}" (known: ${names.join(', ')})`);
  if (!values.revert && from === to) throw new UsageError('promote: --from and --to name the same environment');
  // Every argument is checked before anything is rewritten.
  const slug = values.repo ?? process.env.GITHUB_REPOSITORY;
  const repo = slug ? parseRepo(slug) : undefined;
  if (values['open-pr'] && !repo) throw new UsageError('promote: --open-pr needs --repo owner/name (or GITHUB_REPOSITORY)');

  // A platform pin must be a release the target's model was written for: refused before any file
  // is rewritten, not by the re-render after it.
  const checkPin = (group: PinGroup, pin: string, version: string): void => {
    const line = group === PLATFORM ? platformReleases.find((l) => l.pin === pin) : undefined;
    if (line) pinnedRelease(line, version, to);
  };
  const target = readVersions(repoDir, to);
  let changes: PinChange[];
  let pins;
  let what: string;
  if (values.revert) {
    // The last commit that changed a version this revert would move (not one that only added a section).
    const previous = previousVersions(repoDir, to, values.ref, (earlier) => planRevert(target, earlier, to, selection).changes.length > 0);
    ({ pins, changes } = planRevert(target, previous.pins, to, selection, { checkPin }));
    what = `revert ${to} to the versions of ${previous.commit.slice(0, 12)}`;
  } else {
    const source = readVersions(repoDir, from);
    const committed = showFile(repoDir, 'HEAD', versionsFileName(from));
    const committedPins = committed === undefined ? undefined : parseVersions(committed, from, { history: true });
    ({ pins, changes } = planPromotion(source, target, {
      from, to, apps: selection, allowMajor: values['allow-major'],
      migrationExists: (app: AppName, stem: string) => existsSync(join(repoDir, 'apps', app, 'migrations', `${stem}.sql`)),
      committedSourcePin: committedPins ? (app, pin) => committedPins[app]?.[pin] : undefined,
      checkPin,
    }));
    what = `promote ${from} → ${to}`;
  }

  if (changes.length === 0) out(`${what}: nothing to change, ${to} already runs these versions`);
  else {
    out(`${what}:`);
    for (const line of formatChanges(changes)) out(`  ${line}`);
  }
  if (values['dry-run']) return 0;
  if (changes.length > 0) {
    writeVersions(repoDir, to, pins);
    rerender(repoDir, [to]);
  }
  if (!values['open-pr']) {
    if (changes.length > 0) out((await semanticDiff(repoDir, 'HEAD', { format: 'text' })).trimEnd());
    return 0;
  }

  if (!repo) throw new UsageError('promote: --open-pr needs --repo owner/name (or GITHUB_REPOSITORY)');
  const branch = `promote/${to}`;
  try {
    const gh = deps.client ? deps.client() : gitHubClientFromEnv();
    const pushToken = process.env.GITHUB_TOKEN;
    const common = { repoDir, gh, repo, remote: values.remote, branch, pushToken };
    const proposed = changes.length === 0 ? undefined : await proposeChange({
      ...common,
      base: values.base,
      paths: [versionsFileName(to), `rendered/${to}`],
      message: `${what}\n\n${formatChanges(changes).join('\n')}\n`,
      title: values.revert ? `Roll back ${to}: ${changes.length} pinned version(s)` : `Promote ${from} → ${to}: ${changes.length} pinned version(s)`,
      header: [
        values.revert ? `## Roll back ${to}` : `## Promote ${from} → ${to}`,
        '',
        `Merging this pull request **is** the ${values.revert ? 'rollback' : 'promotion'}: Argo CD syncs \`rendered/${to}/\` from \`${values.base}\`.`,
        'Generated by `npm run promote`; re-running it updates this PR in place.',
        '',
        changesTable(changes),
      ].join('\n'),
    });
    if (!proposed) {
      const closed = await withdrawChange(common, `Nothing left to ${values.revert ? 'revert' : 'promote'}: ${to} already runs these versions on \`${values.base}\`. Closed by \`npm run promote\`.`);
      out(closed ? `closed ${closed} promotion pull request(s) of ${to}: nothing left to promote` : `no promotion pull request for ${to}: nothing to promote`);
      return 0;
    }
    out(`${proposed.pull.action} ${proposed.pull.url} (${branch} at ${proposed.commit.slice(0, 12)})`);
    return 0;
  } catch (e) {
    if (e instanceof GitHubError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
