// Modules only some runs need (the validators' schemas, the PromQL parser), loaded when first
// used rather than with everything at start-up: a render whose objects the validation cache
// knows never loads them. Synchronous (require of an ES module, Node ≥ 22.12), so the checks
// that use them stay plain functions. render/prebundle.mjs finds these calls and bundles them.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const requireModule = createRequire(import.meta.url);

/** The module `specifier` names, resolved as an `import` would (package exports' import condition). */
export function loadModule(specifier: string): unknown {
  return requireModule(fileURLToPath(import.meta.resolve(specifier)));
}
