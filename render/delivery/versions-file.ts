// environments/<env>.versions.json: read, checked against PIN_SCHEMES and PLATFORM_PIN_SCHEMES,
// written back in one canonical form (sorted keys, 2-space indent, final newline) so every
// rewrite is a minimal diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RenderError } from '../types.ts';
import { PIN_SCHEMES, PLATFORM, PLATFORM_PIN_SCHEMES, isAppName, type AppName } from './pins.ts';

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

/** Parses and checks one versions file: known apps and platform, exactly their pins, non-empty strings. */
export function parseVersions(text: string, env: string, options: ParseOptions = {}): PinMap {
  const file = versionsFileName(env);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RenderError({ env, file }, `not valid JSON: ${(e as Error).message}`);
  }
  const apps = (data as { apps?: unknown } | null)?.apps;
  if (typeof apps !== 'object' || apps === null || Array.isArray(apps)) throw new RenderError({ env, file, field: 'apps' }, 'expected an "apps" object');
  const out: PinMap = {};
  for (const [app, pins] of Object.entries(apps as Record<string, unknown>)) {
    if (!isAppName(app)) throw new RenderError({ env, file, field: `apps.${app}` }, `unknown app "${app}" (known: ${Object.keys(PIN_SCHEMES).join(', ')})`);
    out[app] = pinsOf(pins, Object.keys(PIN_SCHEMES[app]), `pins of ${app}`, { env, file, field: `apps.${app}` });
  }
  const extraSections = Object.keys(data as object).filter((k) => k !== 'apps' && k !== PLATFORM);
  if (extraSections.length) throw new RenderError({ env, file, field: extraSections[0] }, `unknown section "${extraSections[0]}" (sections: apps, ${PLATFORM})`);
  const platform = (data as { platform?: unknown }).platform;
  if (platform === undefined && options.history) return out;
  out[PLATFORM] = pinsOf(platform, Object.keys(PLATFORM_PIN_SCHEMES), 'platform pins', { env, file, field: PLATFORM });
  return out;
}

/** One group's pins: exactly `names`, each a non-empty string without spaces. */
function pinsOf(pins: unknown, names: readonly string[], what: string, where: { env: string; file: string; field: string }): Record<string, string> {
  if (typeof pins !== 'object' || pins === null || Array.isArray(pins)) throw new RenderError(where, 'expected an object of pins');
  const wanted = [...names].sort();
  const have = Object.keys(pins).sort();
  const missing = wanted.filter((k) => !have.includes(k));
  const extra = have.filter((k) => !wanted.includes(k));
  if (missing.length || extra.length) {
    throw new RenderError(where, [missing.length && `missing ${missing.join(', ')}`, extra.length && `unknown ${extra.join(', ')}`].filter(Boolean).join('; ') + ` (${what}: ${wanted.join(', ')})`);
  }
  const out: Record<string, string> = {};
  for (const k of wanted) {
    const v = (pins as Record<string, unknown>)[k];
    if (typeof v !== 'string' || v.trim() === '' || v !== v.trim()) throw new RenderError({ ...where, field: `${where.field}.${k}` }, 'a pin is a non-empty string without spaces');
    out[k] = v;
  }
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
