// A rollback is a promotion back to the versions the target ran before its last version change:
// the target's versions file at the parent of the last commit that changed it. Promotions are
// merged PRs, so that commit is the previous promotion (or release) and its parent the state
// before it. Reverting twice toggles back; `--ref` picks any other point in history.
import { RenderError } from '../types.ts';
import { git, lastCommitTouching, showFile } from './git.ts';
import type { PinChange } from './promotion.ts';
import { isAppName } from './pins.ts';
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
    return { commit, pins: parseVersions(text, env) };
  }
  const last = lastCommitTouching(repoDir, file);
  if (!last) throw new RenderError({ env, file }, `${file} has no history to revert to (never committed)`);
  const parent = git(repoDir, ['rev-parse', '--verify', '--quiet', `${last}^1`], { allowFailure: true })?.trim();
  const text = parent ? showFile(repoDir, parent, file) : undefined;
  if (!parent || text === undefined) throw new RenderError({ env, file }, `${file} was created by ${last.slice(0, 12)}: there is no earlier version to revert to`);
  return { commit: parent, pins: parseVersions(text, env) };
}

/** The current pins with the given apps' (default: all shared apps) pins taken from `previous`. */
export function planRevert(current: PinMap, previous: PinMap, env: string, apps: readonly string[]): { pins: PinMap; changes: PinChange[] } {
  const names = apps.length ? [...new Set(apps)].sort() : Object.keys(current).filter((a) => a in previous).sort();
  const pins = structuredClone(current);
  const changes: PinChange[] = [];
  for (const app of names) {
    if (!isAppName(app) || !(app in current)) throw new RenderError({ env, component: app, field: `apps.${app}` }, `${app} is not deployed in ${env}`);
    if (!(app in previous)) throw new RenderError({ env, component: app, field: `apps.${app}` }, `${app} had no pinned versions in ${env} before: nothing to revert to`);
    for (const pin of Object.keys(current[app]).sort()) {
      const to = previous[app][pin];
      const from = current[app][pin];
      if (to === undefined || to === from) continue;
      pins[app][pin] = to;
      changes.push({ app, pin, from, to });
    }
  }
  return { pins, changes };
}
