// The head side without a ref: every environment rendered in memory from the working tree.
import type { Environment } from '../../environments/types.ts';
import type { RenderedSide, SideObject } from './model.ts';

export async function buildWorkingTree(environments?: readonly Environment[]): Promise<RenderedSide> {
  // Loaded lazily: reading two refs from git must not depend on the models compiling.
  const { buildEnvironment } = await import('../build.ts');
  const envs = environments ?? (await import('../../environments/index.ts')).environments;
  const objects: SideObject[] = [];
  for (const env of envs) {
    for (const o of buildEnvironment(env).objects) {
      objects.push({ env: o.env, component: o.component, path: o.path, object: o.object });
    }
  }
  return { label: 'working tree', hasRendered: true, objects };
}
