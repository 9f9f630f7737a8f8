// The facts of one cluster and what runs there. An environment file holds data only:
// every model reads these typed values, none of them branches on an environment's name.
//
// These types are the documented truth; each data shape also has a zod schema that checks it
// when it loads (render and check run without tsc): environments/schema/environment.ts for
// `Environment`, environments/schema/versions.ts for `<env>.versions.json`, apps/<app>/schema.ts
// for an app's values. Each schema file ends with `Same<z.output<typeof schema>, Type>`, so tsc
// fails until both sides agree. To add a field: add it here (with its comment), add it to the
// schema (`.optional()` where it is optional here), then set it in the environments. A new data
// file (e.g. `<env>.sealed.json`): its own schema file in environments/schema/, read through
// `checkData(schema, json, 'environments/<env>.sealed.json')` (environments/schema/check.ts).
import type { AppSelection } from '../apps/catalog.ts';
import type { SealedData } from './sealed.ts';

export type Ipv4 = `${number}.${number}.${number}.${number}`;
export type Cidr = `${Ipv4}/${number}`;

export interface Node {
  name: string;
  ip: Ipv4;
  /** kubeadm control-plane node (MetalLB must not be told to skip it when it announces the VIP). */
  controlPlane?: boolean;
}

export interface ClusterFacts {
  /** Kubernetes minor version the cluster runs: drives API deprecation checks. */
  kubernetesVersion: `${number}.${number}`;
  /** The L2 segment the nodes (and the MetalLB pool) live on. */
  nodeSubnet: Cidr;
  nodes: Node[];
  /** kubeadm `--pod-network-cidr`; flannel's `Network` must equal it. */
  podCidr: Cidr;
  serviceCidr: Cidr;
  kubeProxyMode: 'iptables' | 'ipvs';
  /**
   * Who signed the kubelets' serving certificates (port 10250), which metrics-server must trust.
   * `self-signed`: kubeadm's default — each kubelet signs its own, nothing can verify it, so
   * metrics-server runs with `--kubelet-insecure-tls`. `cluster-ca`: the kubelets run with
   * `serverTLSBootstrap: true` and their `kubernetes.io/kubelet-serving` CSRs were approved, so
   * metrics-server verifies them against the cluster CA (README, "Bootstrapping a cluster").
   */
  kubeletServingCerts: 'self-signed' | 'cluster-ca';
}

export interface NetworkSwitches {
  /**
   * Run flannel's kube-network-policies container so that NetworkPolicies are enforced (flannel
   * alone ignores them). Off, every rendered NetworkPolicy is inert and validation says so
   * (`policy/network-policy-enforced`).
   */
  enforcePolicies: boolean;
}

export interface LoadBalancerFacts {
  /** MetalLB layer-2 IPAddressPool: inclusive address range on the node subnet. */
  pool: { name: string; first: Ipv4; last: Ipv4 };
  /** The address Traefik's LoadBalancer Service asks for (DNS A records point here). */
  ingressIp: Ipv4;
}

export interface NfsFacts {
  server: Ipv4;
  path: string;
  /** What happens to a volume's data when its claim is deleted. */
  reclaimPolicy: 'Delete' | 'Retain';
  /** With Delete: keep the directory as `archived-…` instead of removing it. */
  archiveOnDelete: boolean;
}

/** One tier of scheduled backups: when it runs and how many of its backups are kept. */
export interface BackupTier {
  /**
   * Five-field cron in the Velero server's time zone (UTC unless the operator changed it), e.g.
   * `0 1 * * *`. Velero runs one Backup per firing of the Schedule.
   */
  cron: string;
  /** Backups of this tier kept: each expires after `keep` periods of the tier (Velero `ttl`). */
  keep: number;
}

/**
 * Where Velero writes backups and how long it keeps them. The object store is an S3-compatible
 * server (MinIO, as in the seed) *outside* the cluster it backs up, and not on the NFS server
 * that holds the volumes: a copy that shares the disks of the original is not a backup.
 */
export interface BackupFacts {
  store: {
    /** `https` unless the store only speaks HTTP on a trusted segment. */
    scheme: 'https' | 'http';
    /** The store's address: the NetworkPolicies allow egress to exactly this address and port. */
    address: Ipv4;
    port: number;
    /** Name in the store's TLS certificate (the URL uses it when given; DNS must resolve it to `address`). */
    hostname?: string;
    bucket: string;
    /** Folder inside the bucket, so several clusters can share one bucket. */
    prefix: string;
    /** S3 region the store answers for (MinIO's default is `us-east-1`). */
    region: string;
    /**
     * Secret in Velero's namespace with key `cloud`: an AWS credentials file (`[default]`,
     * `aws_access_key_id=…`, `aws_secret_access_key=…`) for the store. Sealed by the operator
     * (docs/backups.md); never rendered with data.
     */
    credentialsSecret: string;
  };
  schedules: { daily: BackupTier; weekly: BackupTier; monthly: BackupTier; yearly: BackupTier };
}

export type AcmeChoice =
  | { issuer: 'pebble'; email: string }
  | { issuer: 'letsencrypt'; email: string; directory: 'production' | 'staging' };

export interface GitOpsFacts {
  /** The repository Argo CD reads rendered/ from. */
  repoURL: string;
  /** Branch Argo CD follows for this environment. */
  targetRevision: string;
  /** Host of the Argo CD UI, served by Traefik. */
  argocdHost: string;
  /**
   * The GitHub organisation whose members sign in to Argo CD (Dex's GitHub connector). Default:
   * the owner of repoURL, which must then be on github.com; set it when Argo CD reads from another
   * server (e2e's git daemon on the CI runner).
   */
  githubOrg?: string;
}

/**
 * The upstream releases the platform runs, as upstream spells them (pinned in
 * `environments/<env>.versions.json` so promotion moves them like app versions). Each model
 * derives its image tags and Argo CD source revisions from these and accepts only the release
 * line it was written for (see platform/releases.ts).
 */
export interface PlatformVersions {
  /** Argo CD: tag of argoproj/argo-cd whose manifests/cluster-install is synced, e.g. `v3.3.6`. */
  argocd: string;
  /** flannel: image tag of flanneld and the CNI config installer, e.g. `v0.28.9`. */
  flannel: string;
  /** flannel: image tag of the CNI plugin binary installer, e.g. `v1.9.1-flannel3`. */
  'flannel-cni-plugin': string;
  /** MetalLB: tag of its images and of the CRDs synced from metallb/metallb, e.g. `v0.16.1`. */
  metallb: string;
  /** nfs-subdir-external-provisioner: image tag, e.g. `v4.0.2`. */
  'nfs-provisioner': string;
  /** Pebble: jupyterhub `pebble` Helm chart version (used where `acme.issuer` is pebble), e.g. `1.5.0`. */
  'pebble-chart': string;
  /** Sealed Secrets: controller image tag; the CRD is synced from git tag `v<this>`, e.g. `0.36.1`. */
  'sealed-secrets': string;
  /** kube-network-policies: image tag of the NetworkPolicy enforcer flannel runs, e.g. `v1.0.0`. */
  'kube-network-policies': string;
  /** metrics-server: image tag of kubernetes-sigs/metrics-server, e.g. `v0.8.1`. */
  'metrics-server': string;
  /** Velero: server and node-agent image tag; the CRDs are synced from this tag of vmware-tanzu/velero, e.g. `v1.16.1`. */
  velero: string;
  /** Velero: vmware-tanzu `velero` Helm chart version that deploys the server and node-agent, e.g. `10.0.4`. */
  'velero-chart': string;
  /** Velero: image tag of velero-plugin-for-aws (the S3 object-store plugin), e.g. `v1.12.1`. */
  'velero-plugin-for-aws': string;
  /** Traefik: proxy image tag, e.g. `v3.7.11`. */
  traefik: string;
  /** Traefik: traefik-helm-chart tag the traefik.io CRDs are synced from, e.g. `v41.3.0`. */
  'traefik-chart': string;
  /**
   * Prometheus, Alertmanager, the operator, kube-state-metrics and node-exporter:
   * prometheus-community `kube-prometheus-stack` Helm chart version, e.g. `76.5.1`.
   */
  'kube-prometheus-stack': string;
}

/**
 * Metrics and alerting (platform/prometheus.ts). Without it the environment runs no Prometheus,
 * and nothing renders ServiceMonitors, PodMonitors or PrometheusRules (their CRDs would be missing).
 */
export interface MonitoringFacts {
  /** How long Prometheus keeps samples, as Prometheus spells durations, e.g. `15d`. */
  retention: string;
  /** Prometheus' volume on the NFS StorageClass, e.g. `20Gi`. */
  storage: string;
  /** Alertmanager's volume (silences, notification log), e.g. `1Gi`. */
  alertmanagerStorage: string;
  /** Prometheus' container: memory grows with series count × retention in the head block. */
  prometheusSize: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  /**
   * The Secret (in the monitoring namespace) holding the URL alerts are posted to: a chat
   * webhook. Sealed by the operator, never committed in clear (docs/secrets.md).
   */
  alertWebhook: {
    secret: string;
    key: string;
    /**
     * `slack`: a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat) gets a chat
     * message; `webhook`: Alertmanager's own JSON payload, for a bridge or an incident tool.
     */
    format: 'slack' | 'webhook';
  };
}

export interface Environment {
  /** DNS-1123 label; also the folder under rendered/. */
  name: string;
  cluster: ClusterFacts;
  network: NetworkSwitches;
  loadBalancer: LoadBalancerFacts;
  nfs: NfsFacts;
  /** Velero's object store and schedules: every volume of the environment is backed up there. */
  backup: BackupFacts;
  /** Base DNS domain; apps get hosts under it. */
  domain: string;
  acme: AcmeChoice;
  gitops: GitOpsFacts;
  /** Policy findings are errors here (prod), warnings elsewhere. */
  strictPolicy: boolean;
  /** Upstream releases of the platform components (image tags, chart and manifest versions). */
  platform: PlatformVersions;
  /** Prometheus + Alertmanager; absent: no metrics stack in this cluster. */
  monitoring?: MonitoringFacts;
  /** Which applications run here, with their per-environment values (versions, hosts, sizes). */
  apps: AppSelection;
  /**
   * Ciphertext for this cluster's Sealed Secrets controller, from `environments/<env>.sealed.json`
   * (written by `npm run seal`): `namespace/name` → scope and key → ciphertext. The build puts
   * each into a SealedSecret beside the first object that reads it.
   */
  sealed: SealedData;
}
