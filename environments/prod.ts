import type { Environment } from './types.ts';

// Production: same shape as the lab on its own segment, real certificates, data kept.
export const prod: Environment = {
  name: 'prod',
  cluster: {
    kubernetesVersion: '1.33',
    nodeSubnet: '192.168.50.0/24',
    nodes: [
      { name: 'prod-control', ip: '192.168.50.10', controlPlane: true },
      { name: 'prod-node1', ip: '192.168.50.11' },
      { name: 'prod-node2', ip: '192.168.50.12' },
      { name: 'prod-node3', ip: '192.168.50.13' },
    ],
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/12',
    kubeProxyMode: 'iptables',
  },
  loadBalancer: {
    pool: { name: 'default', first: '192.168.50.200', last: '192.168.50.220' },
    ingressIp: '192.168.50.200',
  },
  nfs: { server: '192.168.50.5', path: '/srv/nfs/kubedata-prod', reclaimPolicy: 'Retain', archiveOnDelete: true },
  domain: 'sound-buzz.live',
  acme: { issuer: 'letsencrypt', email: 'ops@sound-buzz.live', directory: 'production' },
  gitops: {
    repoURL: 'https://github.com/sound-buzz/gitops.git',
    targetRevision: 'main',
    argocdHost: 'argocd.sound-buzz.live',
  },
  strictPolicy: true,
  apps: {},
};
