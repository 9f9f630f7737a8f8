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
};
