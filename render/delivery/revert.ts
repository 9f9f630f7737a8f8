// A rollback is a promotion back to the versions the target ran before its last version change:
// the target's versions file at the parent of the last commit that changed a version in it.
// Promotions are merged PRs, so that commit is the previous promotion (or release) and its parent
// the state before it. Reverting twice toggles back; `--ref` picks any other point in history.
// History is read leniently (older layouts, apps or pins since renamed): only what the current
// file still pins is taken back, and the re-render validates the result.
import { RenderError } from '../types.ts';
import { git, showFile } from './git.ts';
import { pinField, selectPins, type PinChange, type Refuse } from './promotion.ts';
import { PLATFORM, isPinGroup, type PinGroup } from './pins.ts';
import { parseHistoricalVersions, versionsFileName, type PinMap } from './versions-file.ts';

export interface RevertSource {
  /** The commit whose versions file is restored. */
  commit: string;
  pins: PinMap;
}

/**
 * The versions to go back to. With `ref`: the target's file at that commit. Without: walking back
 * (first parents from HEAD) through the commits that changed the file, the version before the
 * newest one whose pins `differs` from the current ones (default: any). A commit that only
 * reformatted the file or added a section (the platform pins) changed no version, so it is
 * passed over rather than "reverted" to a file that lacks what the current one holds.
 */
export function previousVersions(repoDir: string, env: string, ref?: string, differs: (pins: PinMap) => boolean = () => true): RevertSource {
  const file = versionsFileName(env);
  if (ref) {
    const commit = git(repoDir, ['rev-parse', '--verify', `${ref}^{commit}`], { allowFailure: true })?.trim();
    const text = commit ? showFile(repoDir, commit, file) : undefined;
    if (!commit || text === undefined) throw new RenderError({ env, file }, `no ${file} at "${ref}"`);
    return { commit, pins: parseHistoricalVersions(text, env, commit) };
  }
  const changes = git(repoDir, ['log', '--first-parent', '--format=%H', 'HEAD', '--', file]).split('\n').filter(Boolean);
  if (changes.length === 0) throw new RenderError({ env, file }, `${file} has no history to revert to (never committed)`);
  for (const change of changes) {
    const parent = git(repoDir, ['rev-parse', '--verify', '--quiet', `${change}^1`], { allowFailure: true })?.trim();
    const text = parent ? showFile(repoDir, parent, file) : undefined;
    if (!parent && git(repoDir, ['rev-parse', '--is-shallow-repository']).trim() === 'true') {
      throw new RenderError({ env, file }, `the history of ${file} ends at ${change.slice(0, 12)} in this shallow clone: fetch it whole (git fetch --unshallow, or actions/checkout with fetch-depth: 0) or pass --ref <commit>`);
    }
    if (!parent || text === undefined) {
      throw new RenderError({ env, file }, change === changes[0]
        ? `created by ${change.slice(0, 12)}: there is no earlier version to revert to`
        : `created by ${change.slice(0, 12)}, and no commit since changed a version this revert would move: nothing earlier to revert to (--ref <commit> picks a point in history)`);
    }
    const pins = parseHistoricalVersions(text, env, parent);
    if (differs(pins)) return { commit: parent, pins };
  }
  throw new RenderError({ env, file }, 'unreachable: the walk ends at the creation of the file');
}

export interface RevertOptions {
  /** Throws a RenderError when `env` cannot run `version` (a platform model's release range). */
  checkPin?(group: PinGroup, pin: string, version: string): void;
}

/**
 * The current pins with the selected groups' pins taken from `previous`: apps, `platform` or
 * `platform/<pin>` as for promotion (default: every group both have). No order checks: going
 * back is the point. Versions files from before the platform was pinned there leave it as is.
 */
export function planRevert(current: PinMap, previous: PinMap, env: string, apps: readonly string[], options: RevertOptions = {}): { pins: PinMap; changes: PinChange[] } {
  const refuse: Refuse = (group, field, message) => {
    throw new RenderError({ env, component: group, field }, message);
  };
  const shared = Object.keys(current).filter((group) => group in previous);
  const pins = structuredClone(current);
  const changes: PinChange[] = [];
  for (const [app, only] of selectPins(apps, shared, refuse)) {
    if (!isPinGroup(app) || !(app in current)) refuse(app, pinField(app), app === PLATFORM ? `${env} pins no platform versions` : `${app} is not deployed in ${env}`);
    if (!(app in previous)) refuse(app, pinField(app), `${app} had no pinned versions in ${env} before: nothing to revert to`);
    for (const pin of only ?? Object.keys(current[app]).sort()) {
      const to = previous[app][pin];
      const from = current[app][pin];
      if (to === undefined || to === from) continue;
      options.checkPin?.(app, pin, to);
      pins[app][pin] = to;
      changes.push({ app, pin, from, to });
    }
  }
  return { pins, changes };
}
