// environments/<env>.versions.json: read, checked against its schema (environments/schema/versions.ts),
// written back in one canonical form (sorted keys, 2-space indent, final newline) so every
// rewrite is a minimal diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RenderError } from '../types.ts';
import { DataError, checkData } from '../../environments/schema/check.ts';
import { historicalVersions, versionsFile } from '../../environments/schema/versions.ts';
import { PLATFORM, isAppName, type AppName } from './pins.ts';

export function versionsPath(repoDir: string, env: string): string {
  return join(repoDir, 'environments', `${env}.versions.json`);
}

export function versionsFileName(env: string): string {
  return `environments/${env}.versions.json`;
}

/**
 * Pins as plain maps, the form promotion works on: group → pin → version, where a group is an
 * app name or `platform` (the file's top-level `platform` section).
 */
export type PinMap = Record<string, Record<string, string>>;

export interface ParseOptions {
  /**
   * Accept a file without a `platform` section: versions files from before platform versions
   * were pinned there (a revert reads history). The environments' own files must have it.
   */
  history?: boolean;
}

export function readVersions(repoDir: string, env: string): PinMap {
  const path = versionsPath(repoDir, env);
  if (!existsSync(path)) {
    throw new RenderError({ env, file: versionsFileName(env) }, `environment "${env}" has no versions file (environments/${env}.versions.json)`);
  }
  return parseVersions(readFileSync(path, 'utf8'), env);
}

/**
 * Parses and checks one versions file against its schema (environments/schema/versions.ts):
 * known apps and platform, exactly their pins, non-empty strings.
 */
export function parseVersions(text: string, env: string, options: ParseOptions = {}): PinMap {
  const file = versionsFileName(env);
  const data = parseJson(text, file);
  if (options.history) return toPinMap(checkData(historicalVersions, data, file));
  return toPinMap(checkData(versionsFile, data, file));
}

/**
 * A versions file from an earlier commit, read leniently (see `historicalVersions`): apps no
 * longer in the catalog are left out. A file that cannot be read even so names the commit.
 */
export function parseHistoricalVersions(text: string, env: string, commit: string): PinMap {
  const file = `${versionsFileName(env)} at ${commit.slice(0, 12)}`;
  try {
    const pins = toPinMap(checkData(historicalVersions, parseJson(text, file), file));
    for (const group of Object.keys(pins)) if (group !== PLATFORM && !isAppName(group)) delete pins[group];
    return pins;
  } catch (e) {
    if (e instanceof DataError) throw new DataError(file, e.where.field, `${e.message} (this historical version cannot be read: pick another point with --ref <commit>)`);
    throw e;
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(file, undefined, `not valid JSON: ${(e as Error).message}`);
  }
}

function toPinMap(data: { apps: Record<string, Record<string, string> | undefined>; platform?: Record<string, string> }): PinMap {
  const out: PinMap = {};
  for (const [app, pins] of Object.entries(data.apps)) if (pins !== undefined) out[app] = { ...pins };
  if (data.platform !== undefined) out[PLATFORM] = { ...data.platform };
  return out;
}

/** The canonical text of a versions file: `apps` (every group but the platform), then `platform`. */
export function formatVersions(pins: PinMap): string {
  const sorted = (group: Record<string, string>) => Object.fromEntries(Object.keys(group).sort().map((k) => [k, group[k]]));
  const apps: Record<string, Record<string, string>> = {};
  for (const app of appsOf(pins)) apps[app] = sorted(pins[app]);
  const file: { apps: PinMap; platform?: Record<string, string> } = { apps };
  if (pins[PLATFORM] !== undefined) file.platform = sorted(pins[PLATFORM]);
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function writeVersions(repoDir: string, env: string, pins: PinMap): boolean {
  const path = versionsPath(repoDir, env);
  const text = formatVersions(pins);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileSync(path, text);
  return true;
}

export function appsOf(pins: PinMap): AppName[] {
  return Object.keys(pins).filter(isAppName).sort();
}
