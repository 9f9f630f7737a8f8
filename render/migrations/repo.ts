// Reads an app's migrations from the repository and derives the "previous release" from the
// environment that is furthest behind. I/O lives here and in the command, never in models.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RenderError } from '../types.ts';
import type { MigrationSource } from './types.ts';

export const MIGRATION_FILE = /^([0-9]{4}_[a-z0-9_]+)\.sql$/;

export function appMigrationsDir(root: string, app: string): string {
  return join(root, 'apps', app, 'migrations');
}

export function readMigrations(dir: string): MigrationSource[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

export interface EnvironmentPin {
  env: string;
  migration: string;
}

/**
 * Splits the history at the pin furthest behind: what is applied everywhere is the previous
 * release's schema, what follows is checked. No pin at all: everything is checked from empty.
 */
export function splitAtPins(app: string, history: MigrationSource[], pins: EnvironmentPin[]): { base: MigrationSource[]; pending: MigrationSource[]; behind?: EnvironmentPin } {
  let behind: EnvironmentPin | undefined;
  let index = -1;
  for (const pin of pins) {
    const i = history.findIndex((m) => m.name === pin.migration);
    if (i < 0)
      throw new RenderError({ env: pin.env, component: app, field: `apps['${app}'].migration` }, `no migration "${pin.migration}" in apps/${app}/migrations`);
    if (!behind || i < index) {
      behind = pin;
      index = i;
    }
  }
  return { base: history.slice(0, index + 1), pending: history.slice(index + 1), behind };
}

export function readQueries(root: string, app: string): string | undefined {
  const path = join(root, 'apps', app, 'queries.sql');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
