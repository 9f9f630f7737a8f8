// A rollback is a promotion back to the versions the target ran before its last version change:
// the target's versions file at the parent of the last commit that changed it. Promotions are
// merged PRs, so that commit is the previous promotion (or release) and its parent the state
// before it. Reverting twice toggles back; `--ref` picks any other point in history.
import { RenderError } from '../types.ts';
import { git, lastCommitTouching, showFile } from './git.ts';
import { pinField, selectPins, type PinChange, type Refuse } from './promotion.ts';
import { PLATFORM, isPinGroup, type PinGroup } from './pins.ts';
import { parseVersions, versionsFileName, type PinMap } from './versions-file.ts';

export interface RevertSource {
  /** The commit whose versions file is restored. */
  commit: string;
  pins: PinMap;
}

export function previousVersions(repoDir: string, env: string, ref?: string): RevertSource {
  const file = versionsFileName(env);
  if (ref) {
    const commit = git(repoDir, ['rev-parse', '--verify', `${ref}^{commit}`], { allowFailure: true })?.trim();
    const text = commit ? showFile(repoDir, commit, file) : undefined;
    if (!commit || text === undefined) throw new RenderError({ env, file }, `no ${file} at "${ref}"`);
    return { commit, pins: parseVersions(text, env, { history: true }) };
  }
  const last = lastCommitTouching(repoDir, file);
  if (!last) throw new RenderError({ env, file }, `${file} has no history to revert to (never committed)`);
  const parent = git(repoDir, ['rev-parse', '--verify', '--quiet', `${last}^1`], { allowFailure: true })?.trim();
  const text = parent ? showFile(repoDir, parent, file) : undefined;
  if (!parent || text === undefined) throw new RenderError({ env, file }, `${file} was created by ${last.slice(0, 12)}: there is no earlier version to revert to`);
  return { commit: parent, pins: parseVersions(text, env) };
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
