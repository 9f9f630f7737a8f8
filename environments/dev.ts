import type { Environment } from './types.ts';
import { loadVersions, pinnedValues } from './pinned.ts';
import { sealedData } from './sealed.ts';
// Every pinned version lives in the JSON file: promotion and releases rewrite data, never this source.
import json from './dev.versions.json' with { type: 'json' };
// Ciphertext only, sealed with environments/dev.sealing-cert.pem by `npm run seal`.
import sealed from './dev.sealed.json' with { type: 'json' };

const versions = loadVersions('environments/dev.versions.json', json);
const pinned = pinnedValues(versions);

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
    kubeletServingCerts: 'self-signed',
  },
  network: { enforcePolicies: true },
  loadBalancer: {
    pool: { name: 'default', first: '172.16.0.200', last: '172.16.0.210' },
    ingressIp: '172.16.0.200',
  },
  nfs: { server: '172.16.0.8', path: '/srv/nfs/kubedata', reclaimPolicy: 'Delete', archiveOnDelete: true },
  // MinIO on its own lab VM beside the NFS server, as in the seed (not in the cluster: its volume
  // would sit on the NFS server it is meant to survive). Plain HTTP on the lab segment only.
  backup: {
    store: { scheme: 'http', address: '172.16.0.9', port: 9000, bucket: 'velero', prefix: 'dev', region: 'us-east-1', credentialsSecret: 'velero-s3' },
    schedules: {
      daily: { cron: '0 1 * * *', keep: 3 },
      weekly: { cron: '0 2 * * 0', keep: 2 },
      monthly: { cron: '0 3 1 * *', keep: 1 },
      yearly: { cron: '0 4 1 1 *', keep: 1 },
    },
  },
  domain: 'dev.sound-buzz.live',
  acme: { issuer: 'pebble', email: 'ops@sound-buzz.live' },
  gitops: {
    repoURL: 'https://github.com/sound-buzz/gitops.git',
    targetRevision: 'main',
    argocdHost: 'argocd.dev.sound-buzz.live',
  },
  platform: versions.platform,
  sealed: sealedData(sealed, 'environments/dev.sealed.json'),
  monitoring: {
    retention: '7d',
    storage: '10Gi',
    alertmanagerStorage: '1Gi',
    prometheusSize: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    // A Mattermost incoming webhook (Slack-compatible): the chat channel of seed 004.
    alertWebhook: { secret: 'alertmanager-webhook', key: 'url', format: 'slack' },
  },
  strictPolicy: false,
  apps: {
    ftps: { ...pinned.ftps, address: '172.16.0.201', passivePorts: { first: 21000, last: 21009 }, volume: '1Gi' },
    hello: { ...pinned.hello, replicas: 2 },
    'sound-buzz': { ...pinned['sound-buzz'], volumes: { data: '500Mi', music: '20Gi' } },
    'django-web': {
      ...pinned['django-web'],
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
      ...pinned.wordpress,
      volumes: { wordpress: '1Gi', mysql: '2Gi', phpMyAdmin: '100Mi' },
      replicas: 1,
      phpMyAdmin: true,
    },
    monitoring: {
      ...pinned.monitoring,
      volumes: { influxdb: '2Gi', grafana: '1Gi' },
      interval: '10s',
    },
  },
};
