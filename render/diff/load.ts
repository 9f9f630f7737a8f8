// Late-bound pieces owned elsewhere: the repository's YAML serializer, environment facts, and
// the CI run a report belongs to.
import { stringify } from 'yaml';
import type { KubeObject } from '../types.ts';
import type { EnvReviewFacts } from './model.ts';

/** render/yaml.ts's `toYaml` when the repository has it (same bytes as rendered/), else `yaml`. */
export async function loadSerializer(): Promise<(o: KubeObject) => string> {
  const url = new URL('../yaml.ts', import.meta.url).href;
  try {
    const mod = (await import(url)) as { toYaml?: unknown };
    if (typeof mod.toYaml === 'function') {
      const toYaml = mod.toYaml as (o: unknown) => string;
      return (o) => toYaml(o);
    }
  } catch {
    // Not there (yet): fall back to the yaml package below.
  }
  return (o) => stringify(o, { lineWidth: 0 });
}

/** Review facts per environment from environments/index.ts (the working tree's facts). */
export async function loadEnvironmentFacts(): Promise<(env: string) => EnvReviewFacts | undefined> {
  const { environments } = await import('../../environments/index.ts');
  const byName = new Map(environments.map((e) => [e.name, { strictPolicy: e.strictPolicy }]));
  return (env) => byName.get(env);
}

/** In GitHub Actions, the run page that holds the full diff artifact. */
export function runUrlFromActions(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}
