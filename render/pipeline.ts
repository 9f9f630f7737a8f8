// build → validate → serialize for one environment, in memory. The commands add the I/O.
import type { Environment } from '../environments/types.ts';
import { buildEnvironment, type BuiltEnvironment } from './build.ts';
import { validateBundle, type Finding, type ValidationCache } from './validate/index.ts';
import { toYaml } from './yaml.ts';
import { proveConvergence } from './converge/index.ts';
import type { KubeObject } from './types.ts';

export interface EnvironmentRender {
  env: Environment;
  built: BuiltEnvironment;
  findings: Finding[];
  /** Path below rendered/<env>/ → file content. Empty when validation found errors. */
  files: Map<string, string>;
  ms: number;
  /** Where the time went, in ms. */
  phases: { build: number; validate: number; serialize: number };
}

export const RENDERED_DIR = 'rendered';

/** Objects every cluster has before anything of ours is synced (kubeadm defaults, Argo CD's bootstrap namespace). */
export function clusterInventory(): KubeObject[] {
  return ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'argocd'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
}

export interface RenderOptions {
  /** Validation results of earlier runs (render/validation-cache.ts); without it every object is checked. */
  cache?: ValidationCache;
}

export function renderEnvironment(env: Environment, options: RenderOptions = {}): EnvironmentRender {
  const start = performance.now();
  const built = buildEnvironment(env);
  const afterBuild = performance.now();
  // Serialized before validation: the validator measures big objects by their text.
  const texts = built.objects.map((o) => toYaml(o.object));
  const afterSerialize = performance.now();
  const repoPaths = new Set(built.components.map((c) => `${RENDERED_DIR}/${env.name}/${c.name}`));
  const findings = validateBundle(
    built.objects.map((o, i) => ({ object: o.object, env: env.name, component: o.component, file: `${RENDERED_DIR}/${env.name}/${o.path}`, sourceBytes: texts[i]!.length, text: texts[i]! })),
    { ...(options.cache ? { cache: options.cache } : {}), kubeVersion: env.cluster.kubernetesVersion, strictPolicy: env.strictPolicy, repoURL: env.gitops.repoURL, inventory: [...clusterInventory(), ...built.components.flatMap((c) => c.runtimeObjects ?? [])], repoPaths },
  );
  // Would a fresh cluster converge: every wave's Applications able to become Healthy.
  findings.push(...proveConvergence(built, clusterInventory().map((n) => n.metadata.name)));
  const end = performance.now();
  const files = new Map<string, string>();
  if (!findings.some((f) => f.severity === 'error')) {
    built.objects.forEach((o, i) => files.set(o.path, texts[i]!));
  }
  return {
    env,
    built,
    findings,
    files,
    ms: end - start,
    phases: { build: afterBuild - start, validate: end - afterSerialize, serialize: afterSerialize - afterBuild },
  };
}

export function formatFinding(f: Finding): string {
  const where = [
    f.env && `env ${f.env}`,
    f.component && `component ${f.component}`,
    f.kind && `${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name ?? '<unnamed>'}`,
    f.path,
  ].filter(Boolean);
  return `${f.severity}: ${where.join(' › ')}: ${f.message} [${f.rule}]`;
}
