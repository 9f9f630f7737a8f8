// What "newer" means for each pin scheme. Returns a comparison or a reason it cannot order.
import semver from 'semver';
import type { PinScheme } from './pins.ts';

export type Order = { cmp: -1 | 0 | 1; majorFrom?: number; majorTo?: number } | { unordered: string };

const SEMVER_WITH_VARIANT = /^v?(\d+\.\d+\.\d+)(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;
const MAJOR_MINOR = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;
const MIGRATION = /^(\d{4})_[A-Za-z0-9_]+$/;
const BUILD_ID = /^[0-9a-f]{7,40}$|^\d{4}\.\d{2}\.\d{2}(?:[.-][0-9A-Za-z]+)?$/;
/** An image pinned by content: upstream publishes only a moving tag. */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The orderable version inside a pin, or undefined when the pin is malformed for its scheme. */
export function versionOf(scheme: PinScheme, pin: string): string | undefined {
  switch (scheme) {
    case 'semver': {
      const m = SEMVER_WITH_VARIANT.exec(pin);
      return m && semver.valid(m[1]) ? m[1] : undefined;
    }
    case 'major-minor': {
      const m = MAJOR_MINOR.exec(pin);
      const v = m ? `${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? '0')}` : undefined;
      return v && semver.valid(v) ? v : undefined;
    }
    case 'migration': {
      const m = MIGRATION.exec(pin);
      return m ? m[1] : undefined;
    }
    case 'build':
      return BUILD_ID.test(pin) ? pin : undefined;
    case 'digest':
      return DIGEST.test(pin) ? pin : undefined;
  }
}

export function describeScheme(scheme: PinScheme): string {
  switch (scheme) {
    case 'semver':
      return 'a semantic version x.y.z (optional -variant)';
    case 'major-minor':
      return 'major.minor[.patch] (optional -variant)';
    case 'migration':
      return 'a migration file stem NNNN_name';
    case 'build':
      return 'a commit hash (7–40 hex digits) or a dated build id YYYY.MM.DD';
    case 'digest':
      return 'an image digest sha256:<64 hex digits>';
  }
}

/** Orders `to` against `from` (1: `to` is newer). */
export function compareWith(scheme: PinScheme, from: string, to: string): Order {
  if (from === to) return { cmp: 0 };
  const a = versionOf(scheme, from);
  const b = versionOf(scheme, to);
  if (a === undefined || b === undefined) return { unordered: `"${a === undefined ? from : to}" is not ${describeScheme(scheme)}` };
  if (scheme === 'build') return { unordered: 'build ids are not ordered' };
  if (scheme === 'digest') return { unordered: 'image digests are not ordered' };
  if (scheme === 'migration') return { cmp: Math.sign(Number(b) - Number(a)) as -1 | 0 | 1 };
  const cmp = semver.compare(b, a);
  // Same version, different variant (`-php8.3-apache` → `-php8.4-apache`): a change, not an order.
  if (cmp === 0) return { unordered: `same version ${a}, different variant` };
  return { cmp, majorFrom: semver.major(a), majorTo: semver.major(b) };
}
