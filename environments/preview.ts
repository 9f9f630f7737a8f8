// The preview environment of a pull request: runs on the dev cluster (its platform, StorageClass,
// Traefik and Pebble are reused, not rendered), at dev's pinned versions as the PR changes them,
// with smaller sizes. Every previewed app shares the namespace `pr-<number>`; the hosts live
// under `pr-<number>.<dev domain>` (hello on that host itself). render/delivery/preview.ts turns
// this into objects; docs/delivery.md ("Preview a PR") describes the publishing.
import type { AppSelection } from '../apps/catalog.ts';
import type { Size } from '../apps/kit/index.ts';
import type { Environment } from './types.ts';
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
}

// dev's sealed values only decrypt in dev's namespaces: a preview takes its own, sealed with
// `kubeseal --scope cluster-wide` (the namespace pr-<n> is not known in advance), under
// `sealed` below. Until then the apps that read secrets wait for them (docs/delivery.md).
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
      sealed: undefined,
      replicas: { public: 1, api: 1 },
      autoscale: { maxReplicas: 2, cpuPercent: 80 },
      webSize: small,
      db: { ...djangoWeb.db, volumeSize: '100Mi', size: small },
      backup: { ...djangoWeb.backup, keep: 1, volumeSize: '100Mi' },
    },
    'sound-buzz': { ...dev.apps['sound-buzz']!, sealed: undefined, volumes: { data: '100Mi', music: '1Gi' } },
    wordpress: { ...wordpress, sealed: undefined, replicas: 1, phpMyAdmin: false, volumes: { wordpress: '256Mi', mysql: '512Mi', phpMyAdmin: '100Mi' } },
  },
};
