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
  apps: {
    hello: { replicas: 2, image: { repository: 'ghcr.io/sound-buzz/vhelloworld', tag: '3aa9ddb' } },
    'sound-buzz': { version: '0.58.0', volumes: { data: '500Mi', music: '20Gi' } },
    'django-web': {
      images: {
        public: { repository: 'ghcr.io/sound-buzz/garage-public', tag: '1.2.0' },
        api: { repository: 'ghcr.io/sound-buzz/garage-api', tag: '1.2.0' },
      },
      postgres: '17.6',
      redis: '7.4.5',
      migration: '0007_validate_voiture_annee_check',
      replicas: { public: 2, api: 2 },
      autoscale: { maxReplicas: 4, cpuPercent: 60 },
      webSize: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
      db: {
        database: 'garage',
        user: 'garage',
        volumeSize: '100Mi',
        size: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
      },
      backup: { schedule: '30 2 * * *', timeZone: 'Europe/Paris', keep: 3, volumeSize: '256Mi' },
    },
    wordpress: {
      images: { wordpress: '6.8.2-php8.3-apache', mysql: '8.4.6', phpMyAdmin: '5.2.2-apache' },
      volumes: { wordpress: '1Gi', mysql: '2Gi', phpMyAdmin: '100Mi' },
      replicas: 1,
      phpMyAdmin: true,
    },
    monitoring: {
      images: { influxdb: '1.11.8', telegraf: '1.35.3', grafana: '12.1.1' },
      volumes: { influxdb: '2Gi', grafana: '1Gi' },
      interval: '10s',
    },
  },
};
