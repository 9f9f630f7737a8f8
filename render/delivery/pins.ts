// Which pinned versions each app has, and how each one is ordered. The environments' versions
// files hold exactly these keys (test/delivery/versions.test.ts); promotion and releases read
// the scheme to decide what "newer" means.
import type { AppSelection } from '../../apps/catalog.ts';

/**
 * - `semver`: `1.2.3`, optional `-variant` (`6.8.2-php8.3-apache`), ordered by the version part;
 * - `major-minor`: `17.6` (PostgreSQL, MySQL-style), ordered like semver with a missing patch = 0;
 * - `build`: a commit hash we build ourselves, not ordered (any new build id is accepted);
 * - `migration`: a file stem `NNNN_name` in `apps/<app>/migrations/`, ordered by NNNN.
 */
export type PinScheme = 'semver' | 'major-minor' | 'build' | 'migration';

export type AppName = keyof AppSelection & string;

export const PIN_SCHEMES = {
  'django-web': { api: 'semver', migration: 'migration', postgres: 'major-minor', public: 'semver', redis: 'semver' },
  hello: { image: 'build' },
  monitoring: { grafana: 'semver', influxdb: 'semver', telegraf: 'semver' },
  'sound-buzz': { navidrome: 'semver' },
  wordpress: { mysql: 'semver', phpMyAdmin: 'semver', wordpress: 'semver' },
} as const satisfies Record<AppName, Record<string, PinScheme>>;

/** The pins of one app, by name: `{ public: '1.2.0', … }`. */
export type AppPins<A extends AppName> = { [K in keyof (typeof PIN_SCHEMES)[A]]: string };

/** The shape of `environments/<env>.versions.json`. */
export interface VersionsFile {
  apps: { [A in AppName]?: AppPins<A> };
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

export function schemeOf(app: AppName, pin: string): PinScheme | undefined {
  const schemes = PIN_SCHEMES[app] as Record<string, PinScheme>;
  return Object.hasOwn(schemes, pin) ? schemes[pin] : undefined;
}
