// The platform of one cluster, wired from the environment's facts. Each model is a plain
// function; the values one model produces (StorageClass, ingress IP, ACME directory) are
// handed to the next here, so no name is typed twice.
import type { Environment } from '../environments/types.ts';
import type { Component } from '../render/types.ts';
import type { PlatformFacts } from './facts.ts';
import { checkNetwork } from './network.ts';
import { flannel } from './flannel.ts';
import { metallb } from './metallb.ts';
import { nfsProvisioner } from './nfs-provisioner.ts';
import { acme } from './acme.ts';
import { traefik } from './traefik.ts';
import { sealedSecrets } from './sealed-secrets.ts';

export interface Platform {
  components: Component[];
  facts: PlatformFacts;
}

export function platform(env: Environment): Platform {
  checkNetwork(env);
  const lb = metallb(env.cluster, env.loadBalancer);
  const nfs = nfsProvisioner(env.nfs);
  const issuer = acme(env.acme);
  const edge = traefik({
    loadBalancerIp: lb.assign(env.loadBalancer.ingressIp),
    storageClass: nfs.storageClass,
    acme: issuer.facts,
    trust: issuer.trust,
    email: env.acme.email,
    dashboardHost: `traefik.${env.domain}`,
  });
  const components = [flannel(env.cluster), lb.component, nfs.component, ...issuer.components, edge.component, sealedSecrets()];
  return {
    components,
    facts: { storageClass: nfs.storageClass, ingress: edge.ingress, acme: issuer.facts, domain: env.domain },
  };
}
