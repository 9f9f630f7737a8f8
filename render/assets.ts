// The load step for files apps ship next to their code (today: SQL migrations). Read once here
// and handed to the models as data: models themselves never touch the filesystem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFile {
  /** File stem, e.g. `0003_add_index`. */
  name: string;
  sql: string;
}

export interface AppAssets {
  /** App name → its `apps/<app>/migrations/NNNN_name.sql` files in apply order. */
  migrations: Readonly<Record<string, readonly MigrationFile[]>>;
}

const APPS_DIR = fileURLToPath(new URL('../apps/', import.meta.url));
const MIGRATION_FILE = /^[0-9]{4}_[a-z0-9_]+\.sql$/;

let cached: AppAssets | undefined;

/** Reads every app's assets from this checkout (cached: the files do not change during a run). */
export function loadAppAssets(appsDir: string = APPS_DIR): AppAssets {
  if (appsDir === APPS_DIR && cached) return cached;
  const migrations: Record<string, MigrationFile[]> = {};
  for (const app of readdirSync(appsDir, { withFileTypes: true })) {
    const dir = join(appsDir, app.name, 'migrations');
    if (!app.isDirectory() || !existsSync(dir)) continue;
    migrations[app.name] = readdirSync(dir)
      .filter((f) => MIGRATION_FILE.test(f))
      .sort()
      .map((f) => ({ name: f.slice(0, -'.sql'.length), sql: readFileSync(join(dir, f), 'utf8') }));
  }
  const assets = { migrations };
  if (appsDir === APPS_DIR) cached = assets;
  return assets;
}
