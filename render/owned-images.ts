// Images under one of our registries must have a build recipe here (apps/images.ts): otherwise
// nothing ever pushes them and the pods end in ImagePullBackOff on a fresh cluster.
import { OWNED_REGISTRIES, isOwnedRepository, ownedImageByRepository, repositoryOf } from '../apps/images.ts';
import type { RenderedObject } from './build.ts';
import { RenderError, type KubeObject } from './types.ts';

interface PodSpecLike {
  containers?: Array<{ name?: string; image?: string }>;
  initContainers?: Array<{ name?: string; image?: string }>;
}

/** The value at a path of plain JSON, or undefined. */
function at(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Where a workload kind keeps its pod spec. */
function podSpec(o: KubeObject): { spec: PodSpecLike; path: string } | undefined {
  const path = o.kind === 'Pod' ? ['spec'] : o.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
  const spec = at(o, ...path);
  return typeof spec === 'object' && spec !== null ? { spec: spec as PodSpecLike, path: path.join('.') } : undefined;
}

export function checkOwnedImages(env: string, objects: readonly RenderedObject[]): void {
  for (const { object, component } of objects) {
    const pod = podSpec(object);
    if (!pod) continue;
    for (const list of ['initContainers', 'containers'] as const) {
      (pod.spec[list] ?? []).forEach((c, i) => {
        if (typeof c.image !== 'string') return;
        const repository = repositoryOf(c.image);
        if (!isOwnedRepository(repository) || ownedImageByRepository(repository)) return;
        const ns = object.metadata.namespace;
        throw new RenderError(
          { env, component, resource: `${object.kind}/${ns ? `${ns}/` : ''}${object.metadata.name}`, field: `${pod.path}.${list}[${i}].image` },
          `image ${c.image} is published by this repository (${OWNED_REGISTRIES.join(', ')}) but has no build recipe: add ${repository} to apps/images.ts with its images/<name>/Dockerfile, or use an upstream image`,
        );
      });
    }
  }
}
