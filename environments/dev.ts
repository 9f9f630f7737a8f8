import type { Environment } from './types.ts';

// The Hyper-V lab cluster of the Sound-Buzz write-up: kubeadm on 172.16.0.150–153.
export const dev: Environment = {
  name: 'dev',
  cluster: {
    kubernetesVersion: '1.33',
    nodeSubnet: '172.16.0.0/24',
    nodes: [
      { name: 'k8s-control', ip: '172.16.0.150', controlPlane: true },
      { name: 'k8s-node1', ip: '172.16.0.151' },
      { name: 'k8s-node2', ip: '172.16.0.152' },
      { name: 'k8s-node3', ip: '172.16.0.153' },
    ],
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/12',
    kubeProxyMode: 'iptables',
  },
  loadBalancer: {
    pool: { name: 'default', first: '172.16.0.200', last: '172.16.0.210' },
    ingressIp: '172.16.0.200',
  },
  nfs: { server: '172.16.0.8', path: '/srv/nfs/kubedata', reclaimPolicy: 'Delete', archiveOnDelete: true },
  domain: 'dev.sound-buzz.live',
  acme: { issuer: 'pebble', email: 'ops@sound-buzz.live' },
  gitops: {
    repoURL: 'https://github.com/sound-buzz/gitops.git',
    targetRevision: 'main',
    argocdHost: 'argocd.dev.sound-buzz.live',
  },
  strictPolicy: false,
  apps: {},
};
