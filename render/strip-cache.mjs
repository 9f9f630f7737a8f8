// A persistent cache of type-stripped sources, the TypeScript half of what `enableCompileCache`
// does for JavaScript. Node strips the types of every .ts file on every run (its bundled
// stripper is WebAssembly that must start first); a render loads ~150 of our files, and that
// is about a third of its start-up. With this hook each file is stripped once per content and
// Node version, then read back as plain JavaScript. A relative `.ts` import between our own
// files resolves to that file directly, without Node's general resolution.
// Plain JavaScript itself (this file runs before any .ts loads). Stripping keeps every line and
// column, so stack traces and error locations are unchanged; a file Node cannot strip (a syntax
// error, an enum) is left to Node, which reports it as before. The cache lives in the checkout
// (node_modules/.cache/gitops-strip-cache, like other tools' caches), not in a shared temp dir
// where another user could plant code under a predictable name. Safe to delete at any time;
// GITOPS_STRIP_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../node_modules/.cache/gitops-strip-cache/', import.meta.url));
const ROOT = new URL('../', import.meta.url).href;

function stripped(source) {
  const key = createHash('sha256').update(process.version).update('\0').update(source).digest('hex');
  const file = join(DIR, `${key}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not cached yet.
  }
  // The API is marked experimental on Node 22; its one-time warning is noise for a CLI user.
  const emit = process.emitWarning;
  let js;
  try {
    process.emitWarning = () => {};
    js = module.stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emit;
  }
  try {
    mkdirSync(DIR, { recursive: true, mode: 0o700 });
    // Written aside and renamed: a concurrent run never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, js);
    renameSync(tmp, file);
  } catch {
    // A read-only or full temp dir only costs speed.
  }
  return js;
}

const REGISTERED = Symbol.for('gitops.strip-cache');

// `node --import ./render/strip-cache.mjs render/cli.ts` (the npm scripts: cli.ts itself comes from
// the cache) and cli.ts's own import of this file must not register it twice.
if (!globalThis[REGISTERED] && process.env.GITOPS_STRIP_CACHE !== '0' && typeof module.registerHooks === 'function' && typeof module.stripTypeScriptTypes === 'function') {
  globalThis[REGISTERED] = true;
  // The importer of each file resolved here, for the message when it does not exist.
  const importers = new Map();
  module.registerHooks({
    // `./x.ts` from one of our files is that file: Node's own resolution (a stat, a realpath and a
    // package.json lookup per import, ~600 in a render) only confirms it. Saves ~20 ms a render.
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if ((specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.ts') && parent?.startsWith(ROOT) && !parent.includes('/node_modules/')) {
        const url = new URL(specifier, parent).href;
        if (!importers.has(url)) importers.set(url, parent);
        return { url, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      // Only our own sources: never anything under node_modules.
      if (!url.startsWith(ROOT) || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
      let source;
      try {
        source = readFileSync(fileURLToPath(url), 'utf8');
      } catch (e) {
        const importer = importers.get(url);
        if (e?.code === 'ENOENT' && importer) {
          // What Node's resolver says of a missing file.
          throw Object.assign(new Error(`Cannot find module '${fileURLToPath(url)}' imported from ${fileURLToPath(importer)}`), { code: 'ERR_MODULE_NOT_FOUND', url });
        }
        return nextLoad(url, context);
      }
      try {
        return { format: 'module', source: stripped(source), shortCircuit: true };
      } catch {
        return nextLoad(url, context);
      }
    },
  });
}
