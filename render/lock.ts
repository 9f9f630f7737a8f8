// An exclusive lock on a folder we write (rendered/, rendered/previews/): a file created with
// O_EXCL (`wx`), holding who took it. Two renders at once take turns instead of interleaving
// their swaps. A holder killed with kill -9 leaves the file behind: when it names a pid on this
// host that no longer runs (or that now names a process started after the lock was taken), the
// next run takes the lock over. A lock from another host (a
// checkout on shared storage) cannot be checked, so it is waited for like a live one.
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { RenderError } from './types.ts';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the holder took the lock. */
  started: string;
  /** What the holder runs, e.g. `render`. */
  command: string;
}

export interface LockOptions {
  /** How long to wait for a live holder before giving up (ms). Default 120 s; 0 fails at once. */
  timeoutMs?: number;
  /** Told once when the lock is busy and we start waiting. */
  onWait?(message: string): void;
  command?: string;
}

/** The lock could not be taken: names the holder and what to do. */
export class LockBusyError extends RenderError {
  readonly path: string;
  readonly holder: LockHolder | undefined;
  constructor(path: string, holder: LockHolder | undefined, message: string) {
    super({}, message);
    this.name = 'LockBusyError';
    this.path = path;
    this.holder = holder;
  }
}

export const LOCK_FILE = '.lock';
const POLL_MS = 50;

/** Takes the lock `<dir>/.lock`, runs `f`, releases it (also when `f` throws). */
export function withLock<T>(dir: string, f: () => T, options: LockOptions = {}): T {
  const release = acquireLock(join(dir, LOCK_FILE), options);
  try {
    return f();
  } finally {
    release();
  }
}

export function acquireLock(path: string, options: LockOptions = {}): () => void {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const me: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command: options.command ?? commandLine() };
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    if (tryCreate(path, me)) return () => release(path, me);
    const found = readLock(path);
    if (found === 'gone') continue;
    const { holder } = found;
    if (isStale(path, found)) {
      takeOverStale(path, found.text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockBusyError(path, holder, `${describeLock(path, holder)}; gave up after ${seconds(timeoutMs)} (if no such process runs, delete ${shown(path)})`);
    }
    if (!told) {
      options.onWait?.(`${describeLock(path, holder)}; waiting up to ${seconds(timeoutMs)}`);
      told = true;
    }
    sleep(POLL_MS);
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A path relative to the working directory when it lies below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function describeLock(path: string, holder: LockHolder | undefined): string {
  const what = basename(dirname(path));
  if (!holder) return `${what}/ is locked (${shown(path)} names no holder)`;
  return `${what}/ is locked by \`${holder.command}\` (pid ${holder.pid} on ${holder.hostname}, since ${holder.started})`;
}

function tryCreate(path: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, holderText(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

interface FoundLock {
  text: string;
  /** Undefined when the file does not hold a holder (see isStale). */
  holder: LockHolder | undefined;
}

/** The lock file's text and holder; 'gone' when the file vanished meanwhile (retry at once). */
function readLock(path: string): FoundLock | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.hostname === 'string') {
      return { text, holder: { pid: h.pid, hostname: h.hostname, started: String(h.started ?? '?'), command: String(h.command ?? '?') } };
    }
  } catch {
    // Not JSON: see isStale.
  }
  return { text, holder: undefined };
}

/** How old an unreadable lock must be to count as left behind (a holder writes it right after creating it). */
const UNREADABLE_STALE_MS = 10_000;

function isStale(path: string, found: FoundLock): boolean {
  const { holder } = found;
  if (holder) return holder.hostname === hostname() && (!isRunning(holder.pid) || startedAfter(holder.pid, holder.started));
  // A holder killed between creating the file and writing it leaves it empty.
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * True when process `pid` started after the lock was taken: the holder died and its pid now
 * names another process (containers reuse small pids quickly). Linux only (/proc); elsewhere
 * a reused pid keeps the lock until the wait times out and the message says to delete it.
 */
function startedAfter(pid: number, lockStarted: string): boolean {
  const taken = Date.parse(lockStarted);
  if (pid === process.pid || Number.isNaN(taken)) return false;
  try {
    // Field 22 of /proc/<pid>/stat: start time in clock ticks after boot (the name in field 2
    // may hold spaces, so count from its closing parenthesis). USER_HZ is 100 on Linux.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(boot)) return false;
    // Slack for the tick resolution and for the clock being stepped while the holder runs.
    return boot * 1000 + ticks * 10 > taken + 30_000;
  } catch {
    return false;
  }
}

/**
 * Removes a dead holder's lock. Several runs may find the same stale lock at once: each moves the
 * file aside under a name of its own (rename is atomic, only one wins), then checks it moved the
 * stale lock and not a fresh one another run took meanwhile; a fresh one is put back with link(),
 * which refuses to overwrite.
 */
function takeOverStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readLock(aside);
  if (moved !== 'gone' && moved.text !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone holds a newer lock already; the one we moved belonged to a run that now shares
      // the folder with it. Vanishingly rare (two stale take-overs and a fresh lock within
      // microseconds); the swap recovery of the next run repairs what that could leave.
    }
  }
  rmSync(aside, { force: true });
}

function release(path: string, me: LockHolder): void {
  // Only our own lock: a lock taken over while we were stopped is not ours any more.
  const found = readLock(path);
  if (found !== 'gone' && found.text === holderText(me)) unlinkSync(path);
}

function holderText(h: LockHolder): string {
  return `${JSON.stringify(h)}\n`;
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  return args ? `node ${basename(process.argv[1] ?? 'node')} ${args}` : `node ${basename(process.argv[1] ?? 'node')}`;
}

const cell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
