// The validator's per-object results kept across runs, as ESLint's --cache keeps lint results:
// for each object text checked before, what the per-object checks found (mostly nothing). Those
// checks (and loading ~40 schema modules for them) were half of a render of this repository;
// most renders change few objects.
//
// Sound by construction, not by invalidation heuristics:
// - the key is the object's whole YAML text (SHA-256) with the target Kubernetes version, the only
//   option those checks read (render/validate/index.ts); the text is exactly what is written and synced;
// - a file holds the results of one validator: its name is a hash of the Node version, the
//   installed dependency tree (node_modules/.package-lock.json, as the prebundle) and the source of
//   every module the validator, the YAML writer and the YAML reader load (their code imports,
//   followed from render/validate/index.ts, render/yaml.ts and render/validate/yaml-source.ts);
// - a result is kept only where a compiled schema judged the object (none depends on the CRDs
//   around it), as the rule, path and message of each finding: severity and the object's place
//   are the run's, and a Secret's findings are not written down (only that it was clean).
// A cache, never a source of truth: any read or write problem only costs speed, the files live
// in node_modules/.cache (a fresh clone and CI start without), deleting them is always safe.
// GITOPS_VALIDATION_CACHE=0 turns it off; set to an absolute path, it keeps the files there
// (the bench starts its cold runs from an empty one).
import { createHash, hash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CachedFinding, ValidationCache } from './validate/index.ts';
import { installedTree, removeStale } from './prebundle.mjs';
import { writeFileAtomic } from './seal/data-file.ts';
import { UsageError } from './commands/args.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIR = join(ROOT, 'node_modules/.cache/gitops-validation-cache');
/**
 * Where the modules that decide a result start (their code imports are followed): the validator,
 * the YAML writer that makes a render's texts, and the reader that makes objects of a file's.
 */
const ENTRIES = ['render/validate/index.ts', 'render/yaml.ts', 'render/validate/yaml-source.ts'];
/**
 * Keys a file keeps besides this run's: results of objects since edited away, for a render of the
 * state before (switching branches). Bounded, so the file stays a few milliseconds to read.
 */
const OLD_KEYS = 20_000;

export interface ValidationCacheStore {
  cache: ValidationCache;
  /** Objects whose checks this run took from the file, and objects it checked. */
  readonly stats: { hits: number; misses: number };
  /** Writes what this run learned (nothing when it learned nothing). */
  save(): void;
}

// The relative imports that load code: `import … from './x.ts'`, `export … from`, `import './x.ts'`,
// `import('./x.ts')`. Not `import type` (erased: a change there that matters changes code that
// is followed). Models and environment data are reached only through type imports, so editing
// them keeps the cache; editing any module of the validator starts a new file.
const RELATIVE_IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]|\b(?:import|require)\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

/** A hash of what decides a result: Node, the installed packages, the validator's sources. */
export function validatorsFingerprint(root = ROOT): string {
  const h = createHash('sha256').update(`${process.version}|${process.arch}\0`).update(installedTree(root));
  const seen = new Set<string>();
  const queue = ENTRIES.map((entry) => join(root, entry));
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    h.update(`\0${relative(root, file)}\0`).update(text);
    for (const m of text.matchAll(RELATIVE_IMPORT)) queue.push(resolve(dirname(file), (m[1] ?? m[2] ?? m[3])!));
  }
  return h.digest('hex').slice(0, 16);
}

let lastEntry: string | undefined;
let lastKey = '';

/** SHA-256, 132 bits of it; the entry just asked about (`get`, then `set`) is hashed once. */
function keyOf(entry: string): string {
  if (entry !== lastEntry) {
    lastKey = hash('sha256', entry, 'base64').slice(0, 22);
    lastEntry = entry;
  }
  return lastKey;
}

/** The cache for the current validator; a no-op one when GITOPS_VALIDATION_CACHE=0 or its sources cannot be read. */
export function openValidationCache(options: { dir?: string; root?: string } = {}): ValidationCacheStore {
  const stats = { hits: 0, misses: 0 };
  const setting = process.env.GITOPS_VALIDATION_CACHE;
  if (setting && setting !== '0' && !isAbsolute(setting)) {
    // A relative folder would depend on where the command runs: say so rather than guess.
    throw new UsageError(`GITOPS_VALIDATION_CACHE must be 0 (off) or an absolute folder, not "${setting}"`);
  }
  let fingerprint: string;
  try {
    if (setting === '0') throw new Error('off');
    fingerprint = validatorsFingerprint(options.root);
  } catch {
    return { cache: { get: () => (stats.misses++, undefined), set: () => {} }, stats, save: () => {} };
  }
  const dir = options.dir ?? (setting || DIR);
  const file = join(dir, `${fingerprint}.json`);
  const known = readEntries(file);
  const used = new Set<string>();
  let learned = 0;
  const cache: ValidationCache = {
    get(entry) {
      const key = keyOf(entry);
      const kept = known.get(key);
      if (kept === undefined) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      used.add(key);
      return kept;
    },
    set(entry, findings) {
      const key = keyOf(entry);
      used.add(key);
      // Called after the checks ran: a new result, or one that replaces a damaged entry.
      known.set(key, findings);
      learned++;
    },
  };
  return {
    cache,
    stats,
    save() {
      if (learned === 0) return;
      // This run's keys first, so the cap drops the ones no recent render needed.
      const keys = [...used];
      const max = keys.length + OLD_KEYS;
      for (const k of known.keys()) if (keys.length < max && !used.has(k)) keys.push(k);
      const entries = keys.map((k) => {
        const findings = known.get(k)!;
        return findings.length === 0 ? k : [k, findings.map((f) => [f.rule, f.path, f.message])];
      });
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // A concurrent run never reads half a file (and the last one wins).
        writeFileAtomic(file, `${JSON.stringify(entries)}\n`, 0o600);
        removeStale(dir, basename(file), /\.json$/);
      } catch {
        // A read-only or full disk only costs speed.
      }
    },
  };
}

/**
 * The entries of a file this user wrote: a key alone for a clean object, `[key, [[rule, path,
 * message], …]]` for one with findings. Its name is predictable (a hash of public sources): in a
 * shared folder (GITOPS_VALIDATION_CACHE=/tmp/…) another user could plant one that lets invalid
 * objects through, so a file someone else owns, or others may write to, is not read. An entry of
 * another shape is skipped (its object is checked again).
 */
function readEntries(file: string): Map<string, readonly CachedFinding[]> {
  const known = new Map<string, readonly CachedFinding[]>();
  try {
    const st = statSync(file);
    if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return known;
    const entries = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(entries)) return known;
    for (const e of entries) {
      if (typeof e === 'string') known.set(e, NONE);
      else if (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Array.isArray(e[1]) && e[1].every(isTriple)) {
        known.set(e[0], (e[1] as [string, string, string][]).map(([rule, path, message]) => ({ rule, path, message })));
      }
    }
  } catch {
    // Unreadable or not JSON: start afresh.
  }
  return known;
}

const NONE: readonly CachedFinding[] = Object.freeze([]);

function isTriple(f: unknown): boolean {
  return Array.isArray(f) && f.length === 3 && f.every((x) => typeof x === 'string');
}
