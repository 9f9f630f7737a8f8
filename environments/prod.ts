import type { Environment } from './types.ts';
import { loadVersions, pinnedValues } from './pinned.ts';
import { sealedData } from './sealed.ts';
// Every pinned version lives in the JSON file: promotion and releases rewrite data, never this source.
import json from './prod.versions.json' with { type: 'json' };
// Ciphertext only, sealed with environments/prod.sealing-cert.pem by `npm run seal`.
import sealed from './prod.sealed.json' with { type: 'json' };

const versions = loadVersions('environments/prod.versions.json', json);
const pinned = pinnedValues(versions);

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
    kubeletServingCerts: 'cluster-ca',
  },
  network: { enforcePolicies: true },
  loadBalancer: {
    pool: { name: 'default', first: '192.168.50.200', last: '192.168.50.220' },
    ingressIp: '192.168.50.200',
  },
  nfs: { server: '192.168.50.5', path: '/srv/nfs/kubedata-prod', reclaimPolicy: 'Retain', archiveOnDelete: true },
  // MinIO on a dedicated VM with its own disks (the seed's setup), TLS with a public certificate.
  backup: {
    store: {
      scheme: 'https',
      address: '192.168.50.6',
      port: 9000,
      hostname: 'backup.sound-buzz.live',
      bucket: 'velero',
      prefix: 'prod',
      region: 'us-east-1',
      credentialsSecret: 'velero-s3',
    },
    schedules: {
      daily: { cron: '0 1 * * *', keep: 7 },
      weekly: { cron: '0 2 * * 0', keep: 4 },
      monthly: { cron: '0 3 1 * *', keep: 12 },
      yearly: { cron: '0 4 1 1 *', keep: 3 },
    },
  },
  domain: 'sound-buzz.live',
  acme: { issuer: 'letsencrypt', email: 'ops@sound-buzz.live', directory: 'production' },
  gitops: {
    repoURL: 'https://github.com/sound-buzz/gitops.git',
    targetRevision: 'main',
    argocdHost: 'argocd.sound-buzz.live',
  },
  platform: versions.platform,
  sealed: sealedData(sealed, 'environments/prod.sealed.json'),
  monitoring: {
    retention: '30d',
    storage: '50Gi',
    alertmanagerStorage: '1Gi',
    prometheusSize: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '3Gi' } },
    // A Mattermost incoming webhook (Slack-compatible): the chat channel of seed 004.
    alertWebhook: { secret: 'alertmanager-webhook', key: 'url', format: 'slack' },
  },
  strictPolicy: true,
  apps: {
    ftps: { ...pinned.ftps, address: '192.168.50.201', passivePorts: { first: 21000, last: 21009 }, volume: '10Gi' },
    hello: { ...pinned.hello, replicas: 2 },
    'sound-buzz': { ...pinned['sound-buzz'], volumes: { data: '1Gi', music: '50Gi' } },
    'django-web': {
      ...pinned['django-web'],
      replicas: { public: 3, api: 3 },
      autoscale: { maxReplicas: 10, cpuPercent: 60 },
      webSize: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
      db: {
        database: 'garage',
        user: 'garage',
        volumeSize: '100Mi',
        // The exercise's 200Mi limit risks OOM kills under load: production gets headroom.
        size: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      },
      backup: { schedule: '30 2 * * *', timeZone: 'Europe/Paris', keep: 14, volumeSize: '2Gi' },
    },
    wordpress: {
      ...pinned.wordpress,
      volumes: { wordpress: '5Gi', mysql: '10Gi', phpMyAdmin: '100Mi' },
      replicas: 2,
      // No database UI on the public production edge; use `kubectl port-forward` to MySQL instead.
      phpMyAdmin: false,
    },
    monitoring: {
      ...pinned.monitoring,
      volumes: { influxdb: '20Gi', grafana: '2Gi' },
      interval: '10s',
    },
  },
};
