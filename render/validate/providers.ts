// Objects that apply cleanly yet do nothing unless something else runs in the cluster: an HPA
// needs the metrics API its metrics come from, a NetworkPolicy needs a network plugin that
// enforces it. The provider must be in the bundle or the inventory.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { apiGroup } from '../scope.ts';
import { asArray, asObject, asString, index, isObject, type JsonObject } from './json.ts';
import { containersOf, podTemplateOf } from './workloads.ts';

/**
 * Image repositories (registry left out) of the agents that enforce NetworkPolicies: flannel's
 * and kindnet's kube-network-policies, Calico, Cilium, kube-router, Antrea, Weave's NPC.
 * flannel itself (and the bare bridge/host-local plugins) ignore them.
 */
export const NETWORK_POLICY_ENFORCERS: readonly string[] = [
  'networking/kube-network-policies',
  'calico/node',
  'cilium/cilium',
  'cloudnativelabs/kube-router',
  'antrea/antrea-agent-ubuntu',
  'antrea/antrea-ubuntu',
  'weaveworks/weave-npc',
];

/** Which aggregated metrics API each HPA metric type is read from. */
const METRICS_APIS: Record<string, string> = {
  Resource: 'metrics.k8s.io',
  ContainerResource: 'metrics.k8s.io',
  Pods: 'custom.metrics.k8s.io',
  Object: 'custom.metrics.k8s.io',
  External: 'external.metrics.k8s.io',
};

const PROVIDERS: Record<string, string> = {
  'metrics.k8s.io': 'metrics-server',
  'custom.metrics.k8s.io': 'a custom metrics adapter (e.g. prometheus-adapter)',
  'external.metrics.k8s.io': 'an external metrics adapter (e.g. KEDA)',
};

export function checkProviders(ctx: Context, items: readonly BundleItem[], inventory: readonly unknown[]): void {
  const everything = [...items.map((i) => i.object as unknown), ...inventory];
  const servedGroups = new Set<string>();
  let enforcer: string | undefined;
  for (const o of everything) {
    if (!isObject(o) || typeof o.apiVersion !== 'string') continue;
    if (o.kind === 'APIService' && apiGroup(o.apiVersion) === 'apiregistration.k8s.io') {
      const group = asString(asObject(o.spec)?.group);
      if (group) servedGroups.add(group);
    }
    enforcer ??= enforcingImage(o);
  }

  for (const item of items) {
    const o = item.object as unknown;
    if (!isObject(o) || typeof o.apiVersion !== 'string') continue;
    const group = apiGroup(o.apiVersion);
    if (o.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') {
      for (const need of metricsNeeds(o)) {
        if (servedGroups.has(need.group)) continue;
        // On a subset of the files the provider may live in files not given: one note, not an error.
        ctx.missing(item, 'ref/metrics-api', need.path,
          `scales on ${need.what} but no APIService serves ${need.group} in the bundle or inventory: the HPA would never scale (install ${PROVIDERS[need.group]}, or list its APIService in the inventory)`,
          `APIService for ${need.group}`);
      }
    } else if (o.kind === 'NetworkPolicy' && group === 'networking.k8s.io' && enforcer === undefined) {
      ctx.missing(item, 'policy/network-policy-enforced', '',
        'nothing in the cluster enforces NetworkPolicies (no kube-network-policies, Calico, Cilium, kube-router, Antrea or Weave agent in the bundle or inventory; flannel alone ignores them): this policy is inert',
        'a NetworkPolicy enforcer (CNI DaemonSet)');
    }
  }
}

interface Need {
  group: string;
  what: string;
  path: string;
}

/** The metrics APIs an HPA reads, with the field that asks for each (first one per API). */
function metricsNeeds(hpa: JsonObject): Need[] {
  const spec = asObject(hpa.spec) ?? {};
  const metrics = asArray(spec.metrics);
  // autoscaling/v1 scales on CPU only; any version without metrics defaults to 80 % CPU.
  if (hpa.apiVersion === 'autoscaling/v1' || metrics.length === 0) {
    return [{ group: 'metrics.k8s.io', what: 'CPU utilisation (the default metric)', path: 'spec' }];
  }
  const needs = new Map<string, Need>();
  metrics.forEach((m, i) => {
    const metric = asObject(m);
    const type = asString(metric?.type);
    const group = type ? METRICS_APIS[type] : undefined;
    if (!metric || !type || !group || needs.has(group)) return;
    const source = asObject(metric[type.charAt(0).toLowerCase() + type.slice(1)]);
    const named = asString(source?.name) ?? asString(asObject(source?.metric)?.name);
    needs.set(group, { group, what: `${type} metric${named ? ` "${named}"` : ''}`, path: index('spec.metrics', i) });
  });
  return [...needs.values()];
}

/** The enforcing image a workload runs, if any. */
function enforcingImage(o: JsonObject): string | undefined {
  // Enforcers run on every node: a DaemonSet's long-running container.
  const tpl = o.kind === 'DaemonSet' ? podTemplateOf(o) : undefined;
  if (!tpl) return undefined;
  for (const { container, list } of containersOf(tpl.spec, tpl.specPath)) {
    if (list !== 'containers') continue;
    const image = asString(container.image);
    if (image === undefined) continue;
    const repo = repository(image);
    if (NETWORK_POLICY_ENFORCERS.some((e) => repo === e || repo.endsWith(`/${e}`))) return image;
  }
  return undefined;
}

/** `registry.k8s.io/networking/kube-network-policies:v1.0.0@sha256:…` → `registry.k8s.io/networking/kube-network-policies`. */
function repository(image: string): string {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? noDigest : noDigest.slice(0, colon);
}
