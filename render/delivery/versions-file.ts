// environments/<env>.versions.json: read, checked against PIN_SCHEMES, written back in one
// canonical form (sorted keys, 2-space indent, final newline) so every rewrite is a minimal diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RenderError } from '../types.ts';
import { PIN_SCHEMES, isAppName, type AppName, type VersionsFile } from './pins.ts';

export function versionsPath(repoDir: string, env: string): string {
  return join(repoDir, 'environments', `${env}.versions.json`);
}

export function versionsFileName(env: string): string {
  return `environments/${env}.versions.json`;
}

/** Pins as plain maps, the form promotion works on. */
export type PinMap = Record<string, Record<string, string>>;

export function readVersions(repoDir: string, env: string): PinMap {
  const path = versionsPath(repoDir, env);
  if (!existsSync(path)) {
    throw new RenderError({ env, file: versionsFileName(env) }, `environment "${env}" has no versions file (environments/${env}.versions.json)`);
  }
  return parseVersions(readFileSync(path, 'utf8'), env);
}

/** Parses and checks one versions file: known apps, exactly their pins, non-empty strings. */
export function parseVersions(text: string, env: string): PinMap {
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
    if (typeof pins !== 'object' || pins === null || Array.isArray(pins)) throw new RenderError({ env, file, field: `apps.${app}` }, 'expected an object of pins');
    const wanted = Object.keys(PIN_SCHEMES[app]).sort();
    const have = Object.keys(pins).sort();
    const missing = wanted.filter((k) => !have.includes(k));
    const extra = have.filter((k) => !wanted.includes(k));
    if (missing.length || extra.length) {
      throw new RenderError({ env, file, field: `apps.${app}` }, [missing.length && `missing ${missing.join(', ')}`, extra.length && `unknown ${extra.join(', ')}`].filter(Boolean).join('; ') + ` (pins of ${app}: ${wanted.join(', ')})`);
    }
    out[app] = {};
    for (const k of wanted) {
      const v = (pins as Record<string, unknown>)[k];
      if (typeof v !== 'string' || v.trim() === '' || v !== v.trim()) throw new RenderError({ env, file, field: `apps.${app}.${k}` }, 'a pin is a non-empty string without spaces');
      out[app][k] = v;
    }
  }
  return out;
}

/** The canonical text of a versions file. */
export function formatVersions(pins: PinMap): string {
  const apps: Record<string, Record<string, string>> = {};
  for (const app of Object.keys(pins).sort()) {
    apps[app] = {};
    for (const k of Object.keys(pins[app]).sort()) apps[app][k] = pins[app][k];
  }
  return `${JSON.stringify({ apps } satisfies VersionsFile | { apps: PinMap }, null, 2)}\n`;
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
