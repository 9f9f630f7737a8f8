// Atomic replacement of rendered/<env>/ trees. Everything is staged next to the target inside
// rendered/ (same filesystem, so renames are atomic), then swapped in; a crash between the two
// renames of a swap leaves `.old-<env>` behind, which the next run restores or removes.
// One run at a time: the whole write holds rendered/.lock (render/lock.ts), and each run stages
// in a folder of its own (`.staging-<env>-<pid>-<random>`), so two renders at once take turns
// and the later one's complete tree wins. Leftovers of a killed run are removed by the next.
// Nothing outside rendered/ is ever written or removed.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { LOCK_FILE, acquireLock, withLock, type LockOptions } from './lock.ts';

export interface EnvironmentFiles {
  name: string;
  /** Path below rendered/<env>/ → content. */
  files: Map<string, string>;
}

const STAGING = '.staging-';
const OLD = '.old-';

/** What a write changed, in files below rendered/. */
export interface WriteStats {
  /** New or changed files. */
  written: number;
  /** Files whose content was already there. */
  unchanged: number;
  /** Files removed (gone from an environment, or with a pruned environment). */
  removed: number;
}

export interface WriteOptions {
  /** Remove every environment folder not named here (a full render). */
  pruneEnvironments?: ReadonlySet<string>;
  /** How long to wait for another run holding the lock (ms; default 120 s, 0 = fail at once). */
  lockTimeoutMs?: number;
  /** Told when another run holds the lock and this one waits. */
  onWait?: LockOptions['onWait'];
}

export function writeRendered(renderedDir: string, envs: EnvironmentFiles[], options: WriteOptions = {}): WriteStats {
  const root = resolve(renderedDir);
  mkdirSync(root, { recursive: true });
  return withLock(root, () => writeLocked(root, envs, options), { timeoutMs: options.lockTimeoutMs, onWait: options.onWait });
}

/**
 * Runs `read` while no render swaps trees in `renderedDir` (a check beside a render would see an
 * environment half swapped). A folder we may not write to has no renders to wait for: read as is.
 */
export function readRendered<T>(renderedDir: string, read: () => T, options: Pick<WriteOptions, 'lockTimeoutMs' | 'onWait'> = {}): T {
  const root = resolve(renderedDir);
  if (!existsSync(root)) return read();
  let release: () => void;
  try {
    release = acquireLock(join(root, LOCK_FILE), { timeoutMs: options.lockTimeoutMs, onWait: options.onWait });
  } catch (e) {
    if (['EACCES', 'EPERM', 'EROFS'].includes((e as NodeJS.ErrnoException).code ?? '')) return read();
    throw e;
  }
  try {
    return read();
  } finally {
    release();
  }
}

function writeLocked(root: string, envs: EnvironmentFiles[], options: WriteOptions): WriteStats {
  const stats: WriteStats = { written: 0, unchanged: 0, removed: 0 };
  recoverInterrupted(root);
  const staged: { name: string; dir: string }[] = [];
  let current = '';
  try {
    for (const env of envs) {
      const target = inside(root, env.name);
      const previous = readTree(target);
      for (const [path, content] of env.files) stats[previous.get(path) === content ? 'unchanged' : 'written']++;
      for (const path of previous.keys()) if (!env.files.has(path)) stats.removed++;
      if (sameTree(previous, env.files)) continue;
      current = join(root, `${STAGING}${env.name}-${process.pid}-${randomBytes(4).toString('hex')}`);
      writeTree(current, env.files, target, previous);
      staged.push({ name: env.name, dir: current });
    }
  } catch (e) {
    for (const s of staged) rmSync(s.dir, { recursive: true, force: true });
    if (current) rmSync(current, { recursive: true, force: true });
    throw e;
  }
  for (const s of staged) swapIn(root, s.name, s.dir);
  if (options.pruneEnvironments) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !options.pruneEnvironments.has(entry.name)) {
        stats.removed += readTree(inside(root, entry.name)).size;
        rmSync(inside(root, entry.name), { recursive: true, force: true });
      }
    }
  }
  return stats;
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [path, content] of b) if (a.get(path) !== content) return false;
  return true;
}

/**
 * Stages the new tree. A file whose content is unchanged is hard-linked from the current tree
 * (files are never modified in place, so sharing the inode is safe): on ext4 a link costs a
 * fraction of writing a new file, and most renders change few files.
 */
function writeTree(dir: string, files: Map<string, string>, current: string, previous: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const made = new Set<string>([dir]);
  for (const [path, content] of files) {
    const target = inside(dir, path);
    const parent = dirname(target);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    if (previous.get(path) === content) {
      try {
        linkSync(join(current, path), target);
        continue;
      } catch {
        // A filesystem without hard links: fall back to writing.
      }
    }
    writeFileSync(target, content);
  }
}

function swapIn(root: string, name: string, staged: string): void {
  const target = inside(root, name);
  const old = inside(root, `${OLD}${name}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(staged, target);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Finishes or undoes a swap that a previous, interrupted run left half done, and removes what a
 * killed run staged. Runs under the lock, so no other run is writing any of these.
 */
function recoverInterrupted(root: string): void {
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(OLD)) {
      const name = entry.slice(OLD.length);
      if (existsSync(join(root, name))) rmSync(join(root, entry), { recursive: true, force: true });
      else renameSync(join(root, entry), join(root, name));
    } else if (entry.startsWith(STAGING) || entry.startsWith(`${LOCK_FILE}.stale-`)) {
      rmSync(join(root, entry), { recursive: true, force: true });
    }
  }
}

/** Segments of these characters, none starting with a dot (so none `.` or `..`), cannot leave their base: every path we render. */
const PLAIN_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/** Joins and refuses any path that would leave `base` (a defence against odd object names). */
function inside(base: string, path: string): string {
  // The general check below costs ~5 µs a file, a third of writing one at 15,000 files.
  if (PLAIN_PATH.test(path)) return base.endsWith(sep) ? base + path : base + sep + path;
  const full = resolve(base, path);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) {
    throw new Error(`refusing to write outside ${base}: ${path}`);
  }
  return full;
}

/** Every file below rendered/<env>/ → content (for check). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), rel);
      else if (e.isFile() || statSync(join(d, e.name)).isFile()) files.set(rel, readFileSync(join(d, e.name), 'utf8'));
    }
  };
  walk(dir, '');
  return files;
}
