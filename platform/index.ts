// The platform of one cluster, wired from the environment's facts. Each model is a plain
// function; the values one model produces (StorageClass, ingress IP, ACME directory) are
// handed to the next here, so no name is typed twice.
import type { Environment } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import type { PlatformFacts } from './facts.ts';
import { checkNetwork } from './network.ts';
import { flannel, flannelReleases } from './flannel.ts';
import { metallb, metallbNetworkPolicies, metallbRelease } from './metallb.ts';
import { metricsServer, metricsServerRelease } from './metrics-server.ts';
import { nfsProvisioner, nfsProvisionerNetworkPolicies, nfsProvisionerRelease } from './nfs-provisioner.ts';
import { acme } from './acme.ts';
import { pebbleChartRelease, pebbleNamespace, pebbleNetworkPolicies } from './pebble.ts';
import { traefik, traefikNetworkPolicies, traefikReleases } from './traefik.ts';
import { sealedSecrets, sealedSecretsNetworkPolicies, sealedSecretsRelease } from './sealed-secrets.ts';
import type { Resource } from '../render/types.ts';
import { ARGOCD_NAMESPACE, argocdRelease } from './argocd.ts';
import { kubePrometheusStackRelease, prometheus } from './prometheus.ts';
import { checkBackupStore, velero, veleroChartRelease, veleroPluginRelease, veleroRelease, type Velero } from './velero.ts';
import { checkPlatformVersions, type ReleaseLine } from './releases.ts';

/**
 * Every platform pin with the release line of the model that uses it. Checked for every
 * environment, also where a model does not render (Pebble in prod), so a promoted pin is
 * always one some model was written for.
 */
export const platformReleases: readonly ReleaseLine[] = [
  argocdRelease,
  flannelReleases.flannel,
  flannelReleases.cniPlugin,
  flannelReleases.networkPolicies,
  kubePrometheusStackRelease,
  metallbRelease,
  metricsServerRelease,
  nfsProvisionerRelease,
  pebbleChartRelease,
  sealedSecretsRelease,
  traefikReleases.proxy,
  traefikReleases.chart,
  veleroRelease,
  veleroChartRelease,
  veleroPluginRelease,
];

export interface Platform {
  components: Component[];
  facts: PlatformFacts;
  /** Velero's model: its Schedules are added once the apps' namespaces are known (render/build.ts). */
  backup: Velero;
}

export function platform(env: Environment): Platform {
  checkNetwork(env);
  checkPlatformVersions(env, platformReleases);
  checkBackupStore(env);
  const versions = env.platform;
  const lb = metallb(env.cluster, env.loadBalancer, versions);
  const nfs = nfsProvisioner(env.nfs, versions);
  const issuer = acme(env.acme, versions);
  const edge = traefik({
    loadBalancerIp: lb.assign(env.loadBalancer.ingressIp, 'Traefik (loadBalancer.ingressIp)'),
    storageClass: nfs.storageClass,
    acme: issuer.facts,
    trust: issuer.trust,
    email: env.acme.email,
    dashboardHost: `traefik.${env.domain}`,
    versions,
  });
  const metrics = metricsServer(env.cluster, versions);
  // Only where the environment asks for it: without the stack there are no monitoring CRDs,
  // so nothing may render a ServiceMonitor, PodMonitor or PrometheusRule (apps check `metrics`).
  const backup = velero(env.cluster, env.backup, versions);
  const prom = env.monitoring
    ? prometheus({ facts: env.monitoring, storageClass: nfs.storageClass, argocdNamespace: ARGOCD_NAMESPACE, versions, backups: backup.facts })
    : undefined;
  // Each namespace's policies, from the facts of the components its pods talk to. Rendered
  // whether or not the environment enforces them (validation flags them as inert when not).
  const cluster = env.cluster;
  const scraper = prom?.facts;
  const components = [
    flannel(cluster, versions, env.network),
    metrics.component,
    withPolicies(lb.component, metallbNetworkPolicies(cluster, scraper)),
    withPolicies(nfs.component, nfsProvisionerNetworkPolicies(cluster)),
    ...issuer.components.map((c) => (c.namespace === pebbleNamespace ? withPolicies(c, pebbleNetworkPolicies(edge.ingress.namespace)) : c)),
    withPolicies(edge.component, traefikNetworkPolicies(cluster, issuer.facts, scraper)),
    withPolicies(sealedSecrets(versions), sealedSecretsNetworkPolicies(cluster, scraper)),
    ...(prom ? [prom.component] : []),
    backup.component,
  ];
  return {
    components,
    facts: {
      storageClass: nfs.storageClass,
      ingress: edge.ingress,
      acme: issuer.facts,
      domain: env.domain,
      metricsApi: metrics.facts,
      ...(prom ? { metrics: prom.facts } : {}),
      backup: backup.facts,
      loadBalancer: { assign: (address, owner) => lb.assign(address, owner) },
    },
    backup,
  };
}

function withPolicies(component: Component, policies: Resource[]): Component {
  return { ...component, resources: [...component.resources, ...policies] };
}
