// Dependency pre-bundling, as Vite does for node_modules: the packages a render loads
// (kubernetes-models and its CRD packages, zod, semver, yaml, the PromQL parser) are ~780 small
// modules, and resolving, reading and linking them was half of a render's start-up. Bundled once
// per installed dependency tree they are ~100 files: a render of this repository takes ~1.0 s
// instead of ~1.4 s, and each of the CLI processes CI and the tests start saves as much.
//
// Only node_modules is bundled: it changes on `npm ci`, not on every edit, so the bundle stays
// valid while someone edits models and re-renders. Our own sources load as they are (through
// strip-cache.mjs). The bundle is a cache, never a source of truth:
// - keyed by the Node version, this file and the installed tree (node_modules/.package-lock.json);
// - built on first use (rolldown, ~0.6 s, and that run uses it at once: a fresh CI job's single
//   command costs about what it did without) or by `node render/prebundle.mjs`; any failure (no
//   rolldown in a production install, a read-only folder) only means loading from node_modules;
// - an import of a package it bundles that it does not have (someone added one) loads from
//   node_modules for that run, is remembered, and the next run rebuilds with it;
// - only bare imports made by our own files are mapped, never those inside node_modules;
// - GITOPS_PREBUNDLE=0 turns it off; deleting node_modules/.cache is always safe.
// Plain JavaScript: it runs before any .ts loads.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT_URL = new URL('../', import.meta.url).href;
const ROOT = fileURLToPath(ROOT_URL);
const CACHE = join(ROOT, 'node_modules/.cache/gitops-prebundle');
const CURRENT = join(CACHE, 'current.json');
const WANTED = join(CACHE, 'wanted.json');

/** Where our modules live (tests and scripts outside them import what they need unbundled). */
const SOURCE_DIRS = ['render', 'platform', 'apps', 'environments'];

/**
 * The packages on the render path. Not the ones other commands load on demand (pg, Octokit,
 * x509): they are few modules, and a bundle holding them would be loaded by every render.
 */
const BUNDLED = /^(?:kubernetes-models|@kubernetes-models\/[^/]+|zod|semver|yaml|js-yaml|@prometheus-io\/lezer-promql|@lezer\/[^/]+)(?:\/|$)/;

/**
 * What invalidates a bundle: another Node, another version of this file, another install. By
 * content, not mtime: test sandboxes copy the repository and share its node_modules.
 */
function fingerprint() {
  const hash = createHash('sha256').update(`${process.version}|${process.arch}\0`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update('\0').update(installedTree());
  return hash.digest('hex');
}

/**
 * What npm installed (node_modules/.package-lock.json; the lockfile when npm < 7 installed), as
 * bytes to hash: it changes on every install, never on an edit. Empty when neither is there.
 */
export function installedTree(root = ROOT) {
  for (const lock of ['node_modules/.package-lock.json', 'package-lock.json']) {
    try {
      return readFileSync(join(root, lock));
    } catch {
      // Not there: the next one.
    }
  }
  return Buffer.alloc(0);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes aside and renames: a concurrent run never reads half a file. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

// import x from 'p'; import { y } from 'p'; import * as x from 'p'; export … from 'p'; import 'p'
const IMPORTS = /^[ \t]*(?:import|export)[ \t]+(?!type[ \t])(?:([^;'"]*?)[ \t\n]from[ \t]*)?'([^'.][^']*)'/gm;
// import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment': the models build plain
// objects typed so (platform/kinds.ts), and the validator then loads that kind's module by
// apiVersion/kind (render/validate/schema-registry.ts), so it belongs on the render path too.
const KIND_TYPE_IMPORTS = /^[ \t]*import[ \t]+type[ \t]*\{[ \t]*I(\w+)[ \t]*\}[ \t]*from[ \t]*'([^'.][^']*\/(\w+))'/gm;
// loadModule('@prometheus-io/lezer-promql'): a module loaded on first use (render/load-on-use.ts).
const LAZY_REQUIRES = /\b(?:loadModule|loadInstalled)\(\s*'([^'.][^']*)'\s*\)/g;

/**
 * The specifiers of bundled packages our sources import (type-only imports excepted), each with
 * whether some import takes its default export (`import semver from 'semver'`).
 */
export function scanImports(root = ROOT) {
  const found = new Map();
  for (const dir of SOURCE_DIRS) {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) continue;
      const text = readFileSync(join(e.parentPath, e.name), 'utf8');
      for (const m of text.matchAll(IMPORTS)) {
        const [, clause = '', spec] = m;
        if (!BUNDLED.test(spec)) continue;
        const takesDefault = m[0].trim().startsWith('import') && /^[A-Za-z_$][\w$]*[ \t]*(?:,|$)/.test(clause.trim());
        found.set(spec, Boolean(found.get(spec)) || takesDefault);
      }
      for (const [, name, spec, last] of text.matchAll(KIND_TYPE_IMPORTS)) {
        if (name === last && BUNDLED.test(spec) && !found.has(spec)) found.set(spec, false);
      }
      for (const [, spec] of text.matchAll(LAZY_REQUIRES)) {
        if (BUNDLED.test(spec) && !found.has(spec)) found.set(spec, false);
      }
    }
  }
  return found;
}

const requireHere = createRequire(import.meta.url);

/**
 * The entry module that re-exports `spec`. An ES module: `export *` (and its default when our code
 * imports one). CommonJS (semver, yaml): a bundler cannot see through `export *` of it, so its
 * names are listed — the keys of what `require` returns, the names Node gives an importer too.
 */
function entryOf(spec, takesDefault) {
  const url = import.meta.resolve(spec);
  if (isModule(url)) return `export * from '${spec}';\n${takesDefault ? `export { default } from '${spec}';\n` : ''}`;
  const names = Object.keys(requireHere(fileURLToPath(url))).filter((n) => n !== 'default' && n !== '__esModule' && /^[A-Za-z_$][\w$]*$/.test(n));
  return `export { default${names.map((n) => `, ${n}`).join('')} } from '${spec}';\n`;
}

/** How Node reads the file: by extension, else by the nearest package.json's "type". */
function isModule(url) {
  if (url.endsWith('.mjs')) return true;
  if (url.endsWith('.cjs')) return false;
  const pkg = module.findPackageJSON?.(url);
  return pkg ? JSON.parse(readFileSync(pkg, 'utf8')).type === 'module' : false;
}

/**
 * The generated validators of some CRDs (PrometheusRule, AlertmanagerConfig) compile Go-syntax
 * patterns with RE2 when their module loads: ~50 ms of WebAssembly start-up for patterns a render
 * rarely tests. The same RE2, compiled on its first test instead (ajv's code only calls `test`).
 */
const lazyRe2 = {
  name: 'gitops-lazy-re2',
  resolveId(id) {
    return id === '@kubernetes-models/validate/runtime/re2' ? '\0gitops-lazy-re2' : null;
  },
  load(id) {
    if (id !== '\0gitops-lazy-re2') return null;
    return `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
export default class LazyRE2 {
  #args;
  #re;
  constructor(...args) { this.#args = args; }
  test(text) {
    this.#re ??= new (require('re2-wasm').RE2)(...this.#args);
    return this.#re.test(text);
  }
}
`;
  },
};

/** Why the last build in this process failed (`node render/prebundle.mjs` prints it). */
let lastFailure = '';

/** Builds the bundle for `extra` specifiers besides the scanned ones; returns the new `current`, or undefined. */
export async function buildBundle(extra = []) {
  let rolldown;
  try {
    ({ build: rolldown } = await import('rolldown'));
  } catch {
    lastFailure = 'rolldown is not installed (npm ci installs it; a production install does without)';
    return undefined;
  }
  const scanned = scanImports();
  for (const spec of extra) if (BUNDLED.test(spec) && !scanned.has(spec)) scanned.set(spec, false);
  const specs = [...scanned.keys()].sort();
  const fp = fingerprint();
  const key = createHash('sha256').update(fp).update('\0').update(specs.join('\n')).digest('hex').slice(0, 16);
  const dir = join(CACHE, key);
  const tmp = join(CACHE, `tmp-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(join(tmp, 'entries'), { recursive: true, mode: 0o700 });
    const input = {};
    const specifiers = {};
    for (const [i, spec] of specs.entries()) {
      let entry;
      try {
        entry = entryOf(spec, scanned.get(spec));
      } catch {
        continue; // not installed: its importer fails as it would without the bundle
      }
      const name = `e${i}`;
      // Inside node_modules/.cache: the bare specifiers resolve from the repository's node_modules.
      writeFileSync(join(tmp, 'entries', `${name}.mjs`), entry);
      input[name] = join(tmp, 'entries', `${name}.mjs`);
      specifiers[spec] = `${name}.js`;
    }
    await rolldown({
      input,
      platform: 'node',
      // re2-wasm finds its .wasm file next to itself (__dirname): it stays where it is.
      external: [/^re2-wasm(?:\/|$)/],
      plugins: [lazyRe2],
      logLevel: 'silent',
      output: { dir: join(tmp, 'out'), format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'c-[hash].js' },
    });
    writeFileSync(join(tmp, 'out', 'manifest.json'), `${JSON.stringify({ fingerprint: fp, specifiers }, null, 1)}\n`);
    // Node then knows the files are ES modules without walking up to the repository's package.json.
    writeFileSync(join(tmp, 'out', 'package.json'), '{ "type": "module" }\n');
    try {
      renameSync(join(tmp, 'out'), dir);
    } catch {
      // Another run built the same bundle first: use that one.
    }
    const current = { fingerprint: fp, dir: key, specifiers };
    writeAtomic(CURRENT, `${JSON.stringify(current)}\n`);
    removeStale(CACHE, key, /^(?:[0-9a-f]{16}|tmp-.*)$/);
    return current;
  } catch (e) {
    lastFailure = e instanceof Error ? e.message : String(e);
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Removes the entries of a cache folder matching `pattern`, except `keep`, a day after they were
 * last written (another run, or another checkout sharing node_modules, may still use one).
 */
export function removeStale(dir, keep, pattern) {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(dir)) {
    if (name === keep || !pattern.test(name)) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < dayAgo) rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // Removed by another run.
    }
  }
}

/** Specifiers earlier runs imported and found missing (see registerPrebundle). */
function wantedSpecs() {
  const wanted = readJson(WANTED);
  return Array.isArray(wanted) ? wanted.filter((s) => typeof s === 'string') : [];
}

/** The bundle, built first when missing, stale or short of a wanted specifier (undefined when it cannot be built). */
export async function ensureBundle() {
  const wanted = wantedSpecs();
  const current = readJson(CURRENT);
  if (current?.fingerprint === fingerprint() && wanted.every((s) => current.specifiers?.[s])) return current;
  return buildBundle(wanted);
}

const REGISTERED = Symbol.for('gitops.prebundle');

/** Maps the bundled packages' imports of our own files to the bundle (render/cli.ts calls it first). */
export async function registerPrebundle() {
  if (globalThis[REGISTERED] || process.env.GITOPS_PREBUNDLE === '0' || typeof module.registerHooks !== 'function') return;
  globalThis[REGISTERED] = true;
  const current = await ensureBundle();
  if (!current) return;
  const base = pathToFileURL(join(CACHE, current.dir)).href + '/';
  const misses = new Set();
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if (parent && parent.startsWith(ROOT_URL) && !parent.includes('/node_modules/') && BUNDLED.test(specifier)) {
        const file = current.specifiers[specifier];
        if (file) return { url: base + file, format: 'module', shortCircuit: true };
        misses.add(specifier);
      }
      return nextResolve(specifier, context);
    },
  });
  process.on('exit', () => {
    if (misses.size === 0) return;
    try {
      const before = readJson(WANTED);
      const union = new Set([...(Array.isArray(before) ? before : []), ...misses]);
      writeAtomic(WANTED, `${JSON.stringify([...union].sort())}\n`);
    } catch {
      // Only costs speed.
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `node render/prebundle.mjs`: make sure it is built (the test suite does, before its subprocesses start).
  const start = performance.now();
  const current = await ensureBundle();
  if (!current) {
    process.stderr.write(`prebundle: not built (${lastFailure}); modules load from node_modules\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`prebundle: ${Object.keys(current.specifiers).length} entry modules in node_modules/.cache/gitops-prebundle/${current.dir} (${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
  }
}
