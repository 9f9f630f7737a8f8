// Modules only some runs need (the validators' schemas, the PromQL parser), loaded when first
// used rather than with everything at start-up: a render whose objects the validation cache
// knows never loads them. Synchronous (require of an ES module, Node ≥ 22.12), so the checks
// that use them stay plain functions. render/prebundle.mjs finds these calls and bundles them.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const requireModule = createRequire(import.meta.url);

/**
 * The file `specifier` names, resolved as an `import` would (package exports' import condition),
 * or undefined when no installed file is there (an exports pattern resolves any name).
 */
function moduleFile(specifier: string): string | undefined {
  let file: string;
  try {
    file = fileURLToPath(import.meta.resolve(specifier));
  } catch {
    return undefined;
  }
  return existsSync(file) ? file : undefined;
}

/** The module `specifier` names, or undefined when it is not installed. */
export function loadInstalled(specifier: string): unknown {
  const file = moduleFile(specifier);
  return file === undefined ? undefined : requireModule(file);
}

/** The module `specifier` names; throws when it is not installed. */
export function loadModule(specifier: string): unknown {
  const mod = loadInstalled(specifier);
  if (mod === undefined) throw new Error(`cannot load ${specifier}: it is not installed (npm ci installs it)`);
  return mod;
}
