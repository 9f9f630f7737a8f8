// Which exporters run where a query is evaluated, and which metric names of a query none of them
// publishes: how the tests prove that alert rules and dashboards are not inert.
import { built } from '../apps/helpers.ts';
import { exporters, type Exporter } from '../../platform/exporters.ts';
import { parsePromql } from '../../render/validate/promql.ts';

/** Containers by namespace, to find the sidecar exporters. */
function containersByNamespace(env: 'dev' | 'prod'): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { object } of built(env).objects) {
    const spec = (object as any).spec?.template?.spec ?? (object as any).spec?.jobTemplate?.spec?.template?.spec;
    if (!spec?.containers) continue;
    const set = out.get(object.metadata.namespace!) ?? new Set<string>();
    for (const c of spec.containers) set.add(c.name);
    out.set(object.metadata.namespace!, set);
  }
  return out;
}

/** The exporters that run where a rule in `namespace` evaluates (sidecars: beside it). */
export function presentExporters(env: 'dev' | 'prod', namespace: string): Set<string> {
  const b = built(env);
  const components = new Set(b.components.map((c) => c.name));
  const containers = containersByNamespace(env).get(namespace) ?? new Set<string>();
  const present = new Set<string>();
  for (const [name, e] of Object.entries(exporters) as [string, Exporter][]) {
    if (e.source === 'kube-prometheus-stack' && components.has('prometheus')) present.add(name);
    if (e.source === 'platform' && e.component && components.has(e.component)) present.add(name);
    if (e.source === 'sidecar' && e.container && containers.has(e.container)) present.add(name);
  }
  return present;
}

/** The metric names an expression reads that none of the present exporters publishes. */
export function unexported(env: 'dev' | 'prod', namespace: string, expr: string): string[] {
  const present = presentExporters(env, namespace);
  const known = new Set([...present].flatMap((n) => exporters[n as keyof typeof exporters].metrics as readonly string[]));
  return parsePromql(expr).metrics.filter((m) => !known.has(m));
}

