import type { Environment } from './types.ts';
import { loadVersions, pinnedValues } from './pinned.ts';
import { sealedData } from './sealed.ts';
// Every pinned version lives in the JSON file: promotion and releases rewrite data, never this source.
import json from './e2e.versions.json' with { type: 'json' };
// Ciphertext only, sealed with environments/e2e.sealing-cert.pem by `npm run seal`. Its private key
// is committed (environments/e2e.sealing-key.TEST-ONLY.pem): these values are test values.
import sealed from './e2e.sealed.json' with { type: 'json' };

const versions = loadVersions('environments/e2e.versions.json', json);
const pinned = pinnedValues(versions);

// A throw-away kind cluster on a CI runner or a laptop (.github/workflows/cluster-e2e.yml,
// docs/e2e.md): one control plane and two workers as Docker containers on the `kind` network,
// which the workflow creates as 172.18.0.0/16 before `kind create cluster` (kind reuses it).
// The addresses below are the ones Docker hands out on that network; the workflow checks them
// (`docker network inspect kind`, node InternalIPs) and fails naming the difference.
export const e2e: Environment = {
  name: 'e2e',
  cluster: {
    kubernetesVersion: '1.33',
    nodeSubnet: '172.18.0.0/16',
    nodes: [
      { name: 'e2e-control-plane', ip: '172.18.0.2', controlPlane: true },
      { name: 'e2e-worker', ip: '172.18.0.3' },
      { name: 'e2e-worker2', ip: '172.18.0.4' },
    ],
    // kind's networking.podSubnet / serviceSubnet (docs/e2e.md); kind's CNI is disabled: flannel.
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/12',
    kubeProxyMode: 'iptables',
    // kind's kubelets serve self-signed certificates.
    kubeletServingCerts: 'self-signed',
  },
  network: { enforcePolicies: true },
  // The top of the kind network, far from the addresses Docker hands out from its bottom.
  loadBalancer: {
    pool: { name: 'default', first: '172.18.255.200', last: '172.18.255.250' },
    ingressIp: '172.18.255.200',
  },
  // The runner itself, seen from the kind nodes as the network's gateway: the workflow exports
  // /srv/nfs/kubedata with nfs-kernel-server.
  nfs: { server: '172.18.0.1', path: '/srv/nfs/kubedata', reclaimPolicy: 'Delete', archiveOnDelete: false },
  // A MinIO container at a fixed address on the kind network (docs/e2e.md); the e2e run does not
  // start it yet: Velero becomes Healthy without its store, backups are not exercised.
  backup: {
    store: { scheme: 'http', address: '172.18.0.250', port: 9000, bucket: 'velero', prefix: 'e2e', region: 'us-east-1', credentialsSecret: 'velero-s3' },
    schedules: {
      daily: { cron: '0 1 * * *', keep: 1 },
      weekly: { cron: '0 2 * * 0', keep: 1 },
      monthly: { cron: '0 3 1 * *', keep: 1 },
      yearly: { cron: '0 4 1 1 *', keep: 1 },
    },
  },
  domain: 'e2e.sound-buzz.live',
  acme: { issuer: 'pebble', email: 'ops@sound-buzz.live' },
  // Argo CD reads the checkout under test from a git daemon on the runner (the kind network's
  // gateway), at whatever commit it serves: the pull request's, not main's. Sign-in stays GitHub's.
  gitops: {
    repoURL: 'git://172.18.0.1/gitops',
    targetRevision: 'HEAD',
    argocdHost: 'argocd.e2e.sound-buzz.live',
    githubOrg: 'sound-buzz',
  },
  platform: versions.platform,
  sealed: sealedData(sealed, 'environments/e2e.sealed.json'),
  monitoring: {
    retention: '1d',
    storage: '2Gi',
    alertmanagerStorage: '100Mi',
    prometheusSize: { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '768Mi' } },
    alertWebhook: { secret: 'alertmanager-webhook', key: 'url', format: 'slack' },
  },
  strictPolicy: false,
  apps: {
    ftps: { ...pinned.ftps, address: '172.18.255.201', passivePorts: { first: 21000, last: 21009 }, volume: '100Mi' },
    hello: { ...pinned.hello, replicas: 1 },
    'sound-buzz': { ...pinned['sound-buzz'], volumes: { data: '100Mi', music: '100Mi' } },
    'django-web': {
      ...pinned['django-web'],
      replicas: { public: 1, api: 1 },
      autoscale: { maxReplicas: 2, cpuPercent: 80 },
      webSize: { requests: { cpu: '50m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
      db: {
        database: 'garage',
        user: 'garage',
        volumeSize: '100Mi',
        size: { requests: { cpu: '50m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
      },
      backup: { schedule: '30 2 * * *', timeZone: 'Europe/Paris', keep: 1, volumeSize: '100Mi' },
    },
    wordpress: {
      ...pinned.wordpress,
      volumes: { wordpress: '100Mi', mysql: '500Mi', phpMyAdmin: '100Mi' },
      replicas: 1,
      phpMyAdmin: true,
    },
    monitoring: {
      ...pinned.monitoring,
      volumes: { influxdb: '200Mi', grafana: '100Mi' },
      interval: '30s',
    },
  },
};
