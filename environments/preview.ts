// The preview environment of a pull request: runs on the dev cluster (its platform, StorageClass,
// Traefik and Pebble are reused, not rendered), at dev's pinned versions as the PR changes them,
// with smaller sizes. Every previewed app shares the namespace `pr-<number>`; the hosts live
// under `pr-<number>.<dev domain>` (hello on that host itself). render/delivery/preview.ts turns
// this into objects; docs/delivery.md ("Preview a PR") describes the publishing.
import type { AppSelection } from '../apps/catalog.ts';
import type { Size } from '../apps/kit/index.ts';
import type { Environment } from './types.ts';
import type { SealedData } from './sealed.ts';
import { dev } from './dev.ts';

export interface PreviewTemplate {
  /** The environment whose cluster runs the previews. */
  base: Environment;
  /** PR label that asks for a preview (the ApplicationSet only lists PRs carrying it). */
  label: string;
  /**
   * What a preview runs. monitoring is left out: its node agent is a host-level DaemonSet in its
   * own namespace, which a namespace-confined preview cannot hold.
   */
  apps: AppSelection;
  /**
   * Ciphertext for every preview, keyed `<app's namespace>/<name>` as in dev: cluster-wide scope
   * only, since the namespace pr-<n> is not known when sealing (`npm run seal -- --scope cluster-wide`).
   */
  sealed?: SealedData;
  /** What the platform grants each `pr-<n>` namespace; the preview itself can change none of it. */
  limits: PreviewLimits;
}

/** Per-container CPU and memory, as Kubernetes quantities. */
export interface CpuMemory {
  cpu: string;
  memory: string;
}

/**
 * The box a preview runs in, written by the publisher (trusted code from the default branch) as
 * the namespace's Pod Security labels, ResourceQuota and LimitRange, and checked before publishing.
 */
export interface PreviewLimits {
  /**
   * Image references a preview may run, as prefixes of the normalised reference
   * (`docker.io/library/` for `postgres:17`, `ghcr.io/sound-buzz/`): registry host, then
   * optionally a path ending in `/`.
   */
  imagePrefixes: string[];
  /** ResourceQuota of the namespace: the whole preview at its largest (HPAs at maxReplicas). */
  quota: {
    requests: { cpu: string; memory: string; storage: string };
    limits: CpuMemory;
    pods: number;
    persistentVolumeClaims: number;
  };
  /** LimitRange: what a container gets when it states nothing, and the most one may ask. */
  container: { defaultRequest: CpuMemory; default: CpuMemory; max: CpuMemory };
  /** The largest single claim on the shared NFS export. */
  maxClaimStorage: string;
}

// dev's sealed values (environments/dev.sealed.json) only decrypt in dev's namespaces and are
// not carried into a preview: a preview takes its own cluster-wide ones (`sealed` below); until
// then the apps that read secrets wait for them there (docs/delivery.md).
const small: Size = { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '200m', memory: '200Mi' } };
const djangoWeb = dev.apps['django-web']!;
const wordpress = dev.apps.wordpress!;

export const preview: PreviewTemplate = {
  base: dev,
  label: 'preview',
  apps: {
    hello: { ...dev.apps.hello!, replicas: 1 },
    'django-web': {
      ...djangoWeb,
      replicas: { public: 1, api: 1 },
      autoscale: { maxReplicas: 2, cpuPercent: 80 },
      webSize: small,
      db: { ...djangoWeb.db, volumeSize: '100Mi', size: small },
      backup: { ...djangoWeb.backup, keep: 1, volumeSize: '100Mi' },
    },
    'sound-buzz': { ...dev.apps['sound-buzz']!, volumes: { data: '100Mi', music: '1Gi' } },
    wordpress: { ...wordpress, replicas: 1, phpMyAdmin: false, volumes: { wordpress: '256Mi', mysql: '512Mi', phpMyAdmin: '100Mi' } },
  },
  limits: {
    // Official Docker Hub images, the one community image we run (navidrome), and our own builds.
    imagePrefixes: ['docker.io/library/', 'docker.io/deluan/navidrome', 'ghcr.io/sound-buzz/'],
    quota: {
      requests: { cpu: '2', memory: '3Gi', storage: '4Gi' },
      limits: { cpu: '8', memory: '6Gi' },
      pods: 20,
      persistentVolumeClaims: 10,
    },
    container: {
      defaultRequest: { cpu: '25m', memory: '64Mi' },
      default: { cpu: '200m', memory: '256Mi' },
      max: { cpu: '1', memory: '1Gi' },
    },
    maxClaimStorage: '2Gi',
  },
};
