// What render and check share: pick environments, run the pipeline on each, report findings.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { environments } from '../../environments/index.ts';
import type { Environment } from '../../environments/types.ts';
import { formatFinding, renderEnvironment, RENDERED_DIR, type EnvironmentRender } from '../pipeline.ts';
import { UsageError } from './args.ts';
import { openValidationCache } from '../validation-cache.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERED_PATH = join(REPO_ROOT, RENDERED_DIR);

export function selectEnvironments(names: string[] | undefined): Environment[] {
  if (!names || names.length === 0) return [...environments];
  const wanted = names.flatMap((n) => n.split(',')).filter(Boolean);
  return wanted.map((name) => {
    const env = environments.find((e) => e.name === name);
    if (!env) throw new UsageError(`unknown environment "${name}" (known: ${environments.map((e) => e.name).join(', ')})`);
    return env;
  });
}

export interface RenderAll {
  renders: EnvironmentRender[];
  errors: number;
  warnings: number;
  /** Objects whose checks came from the validation cache (hits) or ran (misses). */
  validationCache: { hits: number; misses: number };
}

/** Renders every selected environment in memory, printing a progress line for each. */
export function renderAll(envs: Environment[], options: { quiet?: boolean; maxWarnings?: number } = {}): RenderAll {
  const renders: EnvironmentRender[] = [];
  let errors = 0;
  let warnings = 0;
  const store = openValidationCache();
  for (const env of envs) {
    const r = renderEnvironment(env, { cache: store.cache });
    renders.push(r);
    const e = r.findings.filter((f) => f.severity === 'error');
    const w = r.findings.filter((f) => f.severity === 'warning');
    errors += e.length;
    warnings += w.length;
    for (const f of e) process.stderr.write(`${formatFinding(f)}\n`);
    const shown = w.slice(0, options.maxWarnings ?? 10);
    for (const f of shown) process.stderr.write(`${formatFinding(f)}\n`);
    if (w.length > shown.length) process.stderr.write(`… and ${w.length - shown.length} more warnings in ${env.name} (npm run validate -- rendered/${env.name} lists them all)\n`);
    if (!options.quiet) {
      process.stdout.write(
        `${env.name}: ${r.built.objects.length} objects in ${r.built.components.length} components, ` +
          `${e.length} errors, ${w.length} warnings (${Math.round(r.ms)} ms)\n`,
      );
    }
  }
  store.save();
  return { renders, errors, warnings, validationCache: store.stats };
}
