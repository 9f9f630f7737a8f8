import type { Component, KubeObject, Resource } from '../../render/types.ts';
import type { AppContext } from './context.ts';

/** An app's Argo CD Application: its own namespace (first resource), layer `app`. */
export function appComponent(
  name: string,
  resources: Resource[],
  opts: { syncWave?: number; runtimeObjects?: KubeObject[]; namespace?: string } = {},
): Component {
  const runtime = opts.runtimeObjects ?? [];
  return {
    name,
    namespace: opts.namespace ?? name,
    layer: 'app',
    syncWave: opts.syncWave ?? 0,
    resources,
    ...(runtime.length ? { runtimeObjects: runtime } : {}),
  };
}

/** `<sub>.<domain>` (or the bare domain) unless the environment's values name a host. */
export function hostOf(ctx: AppContext, override: string | undefined, sub?: string): string {
  if (override) return override;
  return sub ? `${sub}.${ctx.platform.domain}` : ctx.platform.domain;
}
