// Which pinned versions each app and the platform have, and how each one is ordered. The
// environments' versions files hold exactly these keys (test/delivery/units.test.ts,
// test/delivery/platform-pins.test.ts); promotion and releases read the scheme to decide what
// "newer" means.
import type { AppSelection } from '../../apps/catalog.ts';
import type { PlatformVersions } from '../../environments/types.ts';

/**
 * - `semver`: `1.2.3`, optional `-variant` (`6.8.2-php8.3-apache`), ordered by the version part;
 * - `major-minor`: `17.6` (PostgreSQL, MySQL-style), ordered like semver with a missing patch = 0;
 * - `build`: a commit hash we build ourselves, not ordered (any new build id is accepted);
 * - `migration`: a file stem `NNNN_name` in `apps/<app>/migrations/`, ordered by NNNN;
 * - `digest`: `sha256:…` of an upstream image that only publishes a moving tag, not ordered.
 */
export type PinScheme = 'semver' | 'major-minor' | 'build' | 'migration' | 'digest';

export type AppName = keyof AppSelection & string;

export const PIN_SCHEMES = {
  'django-web': { api: 'semver', migration: 'migration', postgres: 'major-minor', 'postgres-exporter': 'semver', public: 'semver', redis: 'semver' },
  ftps: { vsftpd: 'digest' },
  hello: { image: 'build' },
  monitoring: { grafana: 'semver', influxdb: 'semver', telegraf: 'semver' },
  'sound-buzz': { navidrome: 'semver' },
  wordpress: { mysql: 'semver', phpMyAdmin: 'semver', wordpress: 'semver' },
} as const satisfies Record<AppName, Record<string, PinScheme>>;

/**
 * The platform's pins (`environments/<env>.versions.json` → `platform`), every one an upstream
 * release tag or chart version. The range each model accepts is its own (platform/releases.ts).
 */
export const PLATFORM_PIN_SCHEMES = {
  argocd: 'semver',
  flannel: 'semver',
  'flannel-cni-plugin': 'semver',
  'kube-network-policies': 'semver',
  'kube-prometheus-stack': 'semver',
  metallb: 'semver',
  'metrics-server': 'semver',
  'nfs-provisioner': 'semver',
  'pebble-chart': 'semver',
  'sealed-secrets': 'semver',
  traefik: 'semver',
  'traefik-chart': 'semver',
  velero: 'semver',
  'velero-chart': 'semver',
  'velero-plugin-for-aws': 'semver',
} as const satisfies Record<keyof PlatformVersions, PinScheme>;

/** The group of platform pins: promoted like an app (`platform`), or one pin (`platform/metallb`). */
export const PLATFORM = 'platform';

/** What owns a group of pins: an app, or the platform. */
export type PinGroup = AppName | typeof PLATFORM;

/** The pins of one app, by name: `{ public: '1.2.0', … }`. */
export type AppPins<A extends AppName> = { -readonly [K in keyof (typeof PIN_SCHEMES)[A]]: string };

/** The shape of `environments/<env>.versions.json`. */
export interface VersionsFile {
  apps: { [A in AppName]?: AppPins<A> };
  platform: PlatformVersions;
}

/**
 * Pins an image release may bump (`npm run release`), per app: only workloads that roll without
 * downtime (RollingUpdate, readiness, PDB; asserted in test/delivery/rollout.test.ts).
 * sound-buzz is absent on purpose: it runs a single SQLite writer with a Recreate strategy.
 */
export const RELEASE_PINS = {
  'django-web': ['api', 'public'],
  hello: ['image'],
} as const satisfies { [A in AppName]?: readonly (keyof AppPins<A>)[] };

export type ReleaseApp = keyof typeof RELEASE_PINS;

export function isAppName(name: string): name is AppName {
  return Object.hasOwn(PIN_SCHEMES, name);
}

export function isPinGroup(name: string): name is PinGroup {
  return name === PLATFORM || isAppName(name);
}

/** The pin names of a group and how each is ordered. */
export function schemesOf(group: PinGroup): Readonly<Record<string, PinScheme>> {
  return group === PLATFORM ? PLATFORM_PIN_SCHEMES : PIN_SCHEMES[group];
}

export function schemeOf(group: PinGroup, pin: string): PinScheme | undefined {
  const schemes = schemesOf(group);
  return Object.hasOwn(schemes, pin) ? schemes[pin] : undefined;
}
