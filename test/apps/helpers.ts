// Shared helpers for app tests: build the real environments and pick objects out.
import { buildEnvironment, type BuiltEnvironment } from '../../render/build.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { KubeObject } from '../../render/types.ts';

export const envs = [dev, prod];
const cache = new Map<string, BuiltEnvironment>();

export function built(name: 'dev' | 'prod'): BuiltEnvironment {
  let b = cache.get(name);
  if (!b) {
    b = buildEnvironment(name === 'dev' ? dev : prod);
    cache.set(name, b);
  }
  return b;
}

/** Objects of the components of the `app` layer. */
export function appObjects(name: 'dev' | 'prod'): { component: string; object: KubeObject }[] {
  const b = built(name);
  const apps = new Set(b.components.filter((c) => c.layer === 'app').map((c) => c.name));
  return b.objects.filter((o) => apps.has(o.component));
}

/** An app's objects: those of its components, which all live in the app's namespace (django-web's database is a second component). */
const ofApp = (o: { component: string; object: KubeObject }, app: string): boolean => o.component === app || o.object.metadata.namespace === app;

export function find(name: 'dev' | 'prod', component: string, kind: string, objName: string): any {
  const hit = built(name).objects.find((o) => ofApp(o, component) && o.object.kind === kind && o.object.metadata.name === objName);
  if (!hit) throw new Error(`${name}: no ${kind}/${objName} in ${component}`);
  return hit.object;
}

export function ofKind(name: 'dev' | 'prod', component: string, kind: string): any[] {
  return built(name).objects.filter((o) => ofApp(o, component) && o.object.kind === kind).map((o) => o.object);
}

/** Pod spec of a workload object (Deployment, StatefulSet, DaemonSet, CronJob). */
export function podSpec(o: any): any {
  if (o.kind === 'CronJob') return o.spec.jobTemplate.spec.template.spec;
  return o.spec.template.spec;
}

export const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);
