// Velero: scheduled backups of every namespace that holds data, volumes included, to the
// environment's S3-compatible store outside the cluster (MinIO on its own VM, as in the seed).
// NFS has no snapshot API, so volumes are copied file by file by Velero's node-agent with kopia
// (file-system backup), from the pods that mount them.
//
// Chart or objects: the server and the node-agent run from the upstream vmware-tanzu `velero`
// chart (an Argo CD Helm source with our values), as Velero's maintainers keep it in step with
// each release (the node-agent's host mounts and flags, the repository-maintenance settings,
// RBAC); nothing in it is secret (credentials come from an existing Secret), so unlike Pebble
// the reason is upkeep, not secrecy. Three things are ours instead:
// - the CRDs, synced from the pinned Velero tag (config/crd/v1/bases) with server-side apply. The
//   chart installs them with a Helm hook Job that runs `velero install --crds-only` and a kubectl
//   image on every sync; Argo CD applying the release's own files is declarative, never pruned,
//   and needs no extra image (`upgradeCRDs: false`, `skipCrds`);
// - the BackupStorageLocation and the Schedules, rendered and validated here (velero-types.ts),
//   so the schedules are typed values other models read (the backup-age alert) and the
//   coverage check (render/backup-coverage.ts) sees exactly what is backed up;
// - the namespace and its NetworkPolicies.
import { Namespace, type NetworkPolicy } from './kinds.ts';
import type { BackupFacts, BackupTier, ClusterFacts, Environment, PlatformVersions } from '../environments/types.ts';
import { RenderError, type Component, type KubeObject, type UpstreamSource } from '../render/types.ts';
import { cronScheduleProblem } from '../render/validate/cron.ts';
import { cidrRange, ipToInt, rangeOf } from './network.ts';
import { namespaceBaseline, toApiServer, workloadPolicy } from './network-policies.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';
import { BackupStorageLocation, Schedule } from './velero-types.ts';

/** Velero 1.16: the CRDs and the server/node-agent image (and its patches). */
export const veleroRelease = { pin: 'velero', component: 'velero', supported: '>=1.16.0 <1.17.0', prefix: 'v' } as const satisfies ReleaseLine;
/** Chart 10.0.x deploys Velero 1.16; its values keys below are that line's. */
export const veleroChartRelease = { pin: 'velero-chart', component: 'velero', supported: '>=10.0.0 <10.1.0', prefix: '' } as const satisfies ReleaseLine;
/** The AWS (S3) object-store plugin line paired with Velero 1.16. */
export const veleroPluginRelease = { pin: 'velero-plugin-for-aws', component: 'velero', supported: '>=1.12.0 <1.13.0', prefix: 'v' } as const satisfies ReleaseLine;

export type VeleroVersions = Pick<PlatformVersions, 'velero' | 'velero-chart' | 'velero-plugin-for-aws'>;

export const veleroNamespace = 'velero';
/** The BackupStorageLocation every Schedule writes to. */
export const storageLocationName = 'default';
/** Key of the credentials Secret holding the AWS credentials file (the chart and the BSL read it). */
export const credentialsKey = 'cloud';

export const veleroChart = { repoURL: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero' } as const;

export type TierName = keyof BackupFacts['schedules'];
const TIERS: readonly TierName[] = ['daily', 'weekly', 'monthly', 'yearly'];
/** Longest time between two firings of a tier, in hours (a month of 31 days, a leap year). */
const PERIOD_HOURS: Record<TierName, number> = { daily: 24, weekly: 7 * 24, monthly: 31 * 24, yearly: 366 * 24 };

/** One Schedule as other models see it (the "backup older than its schedule" alert reads these). */
export interface BackupSchedule {
  /** Schedule name; Velero names its Backups `<name>-<timestamp>` and labels them `velero.io/schedule-name`. */
  name: TierName;
  cron: string;
  keep: number;
  /** Velero `ttl`: `keep` periods of the tier. */
  ttl: string;
  /** Longest expected gap between two successful backups of this Schedule, in seconds. */
  periodSeconds: number;
}

export interface BackupPlatformFacts {
  namespace: string;
  storageLocation: string;
  schedules: readonly BackupSchedule[];
}

export interface Velero {
  component: Component;
  facts: BackupPlatformFacts;
  /** The Schedules, once the namespaces holding data are known (after the apps are built). */
  schedules(namespaces: readonly string[]): Schedule[];
}

export function storeUrl(store: BackupFacts['store']): string {
  return `${store.scheme}://${store.hostname ?? store.address}:${store.port}`;
}

function where(field: string): { component: string; field: string } {
  return { component: 'velero', field: `backup.${field}` };
}

/**
 * The store must be somewhere else than what it protects: not a node, not the NFS server, not an
 * address the cluster hands out (pods, Services, the MetalLB pool).
 */
export function checkBackupStore(env: Environment): void {
  const { store } = env.backup;
  const at = (f: string) => ({ env: env.name, ...where(`store.${f}`) });
  let n: number;
  try {
    n = ipToInt(store.address);
  } catch (e) {
    throw new RenderError(at('address'), (e as Error).message);
  }
  if (!Number.isInteger(store.port) || store.port < 1 || store.port > 65535) throw new RenderError(at('port'), `${store.port} is not a TCP port`);
  if (store.address === env.nfs.server) {
    throw new RenderError(at('address'), `the backup store ${store.address} is the NFS server that holds the volumes it protects: a backup must not share the disks of the original`);
  }
  const node = env.cluster.nodes.find((x) => x.ip === store.address);
  if (node) throw new RenderError(at('address'), `the backup store ${store.address} is cluster node ${node.name}: the store must live outside the cluster it backs up`);
  const inside = (label: string, r: { first: number; last: number }) => {
    if (n >= r.first && n <= r.last) throw new RenderError(at('address'), `the backup store ${store.address} is inside the ${label}: the store must live outside the cluster it backs up`);
  };
  inside(`pod CIDR ${env.cluster.podCidr}`, cidrRange(env.cluster.podCidr));
  inside(`service CIDR ${env.cluster.serviceCidr}`, cidrRange(env.cluster.serviceCidr));
  const pool = env.loadBalancer.pool;
  inside(`MetalLB pool ${pool.name} (${pool.first}-${pool.last})`, rangeOf(pool.first, pool.last));
  for (const [f, v] of [['bucket', store.bucket], ['region', store.region], ['credentialsSecret', store.credentialsSecret]] as const) {
    if (!v) throw new RenderError(at(f), 'must not be empty');
  }
}

function scheduleOf(name: TierName, tier: BackupTier): BackupSchedule {
  const problem = cronScheduleProblem(tier.cron);
  if (problem) throw new RenderError(where(`schedules.${name}.cron`), `"${tier.cron}" ${problem}`);
  if (!Number.isInteger(tier.keep) || tier.keep < 1) throw new RenderError(where(`schedules.${name}.keep`), `keep must be a positive integer, got ${tier.keep}`);
  const hours = tier.keep * PERIOD_HOURS[name];
  return { name, cron: tier.cron, keep: tier.keep, ttl: `${hours}h0m0s`, periodSeconds: PERIOD_HOURS[name] * 3600 };
}

/** Values over the chart's defaults: server + node-agent, no BSL/VSL/Schedules (rendered here). */
export function veleroHelmValues(backup: BackupFacts, versions: { velero: string; plugin: string }): Record<string, unknown> {
  return {
    image: { repository: 'velero/velero', tag: versions.velero, pullPolicy: 'IfNotPresent' },
    // The S3 object-store plugin, copied into /plugins before the server starts.
    initContainers: [
      {
        name: 'velero-plugin-for-aws',
        image: `velero/velero-plugin-for-aws:${versions.plugin}`,
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
      },
    ],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    upgradeCRDs: false,
    cleanUpCRDs: false,
    credentials: { useSecret: true, existingSecret: backup.store.credentialsSecret },
    backupsEnabled: false,
    snapshotsEnabled: false,
    deployNodeAgent: true,
    nodeAgent: {
      podVolumePath: '/var/lib/kubelet/pods',
      // kopia holds its index in memory while it uploads: a music library needs room.
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
    configuration: {
      uploaderType: 'kopia',
      defaultVolumesToFsBackup: true,
      defaultBackupStorageLocation: storageLocationName,
      // Hooks dump databases before the copy; a large volume over NFS can take hours.
      fsBackupTimeout: '4h',
    },
    schedules: {},
  };
}

export function velero(cluster: ClusterFacts, backup: BackupFacts, versions: VeleroVersions): Velero {
  const version = pinnedRelease(veleroRelease, versions.velero);
  const chartVersion = pinnedRelease(veleroChartRelease, versions['velero-chart']);
  const plugin = pinnedRelease(veleroPluginRelease, versions['velero-plugin-for-aws']);
  const schedules = TIERS.map((t) => scheduleOf(t, backup.schedules[t]));
  const { store } = backup;

  const crds: UpstreamSource = {
    label: 'crds',
    repoURL: 'https://github.com/vmware-tanzu/velero',
    targetRevision: version,
    path: 'config/crd/v1/bases',
    include: 'velero.io_*.yaml',
    serverSideApply: true,
    crdGroups: ['velero.io'],
  };
  const chart: UpstreamSource = {
    label: 'chart',
    repoURL: veleroChart.repoURL,
    chart: veleroChart.chart,
    targetRevision: chartVersion,
    skipCrds: true,
    helmValues: veleroHelmValues(backup, { velero: version, plugin }),
    namespace: veleroNamespace,
  };
  const location = new BackupStorageLocation({
    metadata: { name: storageLocationName, namespace: veleroNamespace },
    spec: {
      provider: 'aws',
      default: true,
      accessMode: 'ReadWrite',
      objectStorage: { bucket: store.bucket, prefix: store.prefix },
      // MinIO serves buckets by path, not by virtual host.
      config: { region: store.region, s3ForcePathStyle: 'true', s3Url: storeUrl(store) },
      credential: { name: store.credentialsSecret, key: credentialsKey },
    },
  });

  const component: Component = {
    name: 'velero',
    namespace: veleroNamespace,
    layer: 'platform',
    syncWave: -5,
    resources: [
      new Namespace({
        metadata: {
          name: veleroNamespace,
          // The node-agent reads every pod's volumes through a hostPath of /var/lib/kubelet/pods, as root.
          labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'baseline' },
          annotations: { 'pod-security.gitops/reason': 'Velero node-agent: hostPath /var/lib/kubelet/pods, runs as root to read every volume' },
        },
      }),
      location,
      ...veleroNetworkPolicies(cluster, backup),
    ],
    // The store's credentials are the environment's to seal (docs/backups.md): the convergence
    // proof reads the BackupStorageLocation's reference and names the Secret until it is.
    upstream: [crds, chart],
  };
  return {
    component,
    facts: { namespace: veleroNamespace, storageLocation: storageLocationName, schedules },
    schedules: (namespaces) => {
      const included = [...new Set(namespaces)].sort();
      return schedules.map(
        (s) =>
          new Schedule({
            metadata: { name: s.name, namespace: veleroNamespace, labels: { 'backup.gitops/tier': s.name } },
            spec: {
              schedule: s.cron,
              // Backups outlive the Schedule object: deleting it from Git must not delete them.
              useOwnerReferencesInBackup: false,
              template: {
                includedNamespaces: included,
                // Cluster-scoped objects the namespaces use (their PersistentVolumes) come along.
                includeClusterResources: true,
                defaultVolumesToFsBackup: true,
                snapshotVolumes: false,
                storageLocation: storageLocationName,
                ttl: s.ttl,
                metadata: { labels: { 'backup.gitops/tier': s.name } },
              },
            },
          }),
      );
    },
  };
}

/**
 * Every pod of the namespace (server, node-agents, the repository-maintenance Jobs the server
 * starts) talks to the API server and to the object store, and to nothing else; nothing connects
 * to them (the exec of backup hooks goes through the API server and the kubelet).
 */
export function veleroNetworkPolicies(cluster: ClusterFacts, backup: BackupFacts): NetworkPolicy[] {
  return [
    ...namespaceBaseline(),
    workloadPolicy('velero', {}, {
      ingress: [],
      egress: [
        ...toApiServer(cluster),
        { to: [{ ipBlock: { cidr: `${backup.store.address}/32` } }], ports: [{ protocol: 'TCP', port: backup.store.port }] },
      ],
    }),
  ];
}
