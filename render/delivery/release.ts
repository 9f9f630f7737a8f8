// An image release as data: the dev pins of one app's own images move to the released version.
import { RenderError } from '../types.ts';
import { compareWith, describeScheme, versionOf } from './order.ts';
import { RELEASE_PINS, schemeOf, type ReleaseApp } from './pins.ts';
import type { PinChange } from './promotion.ts';
import type { PinMap } from './versions-file.ts';

export interface ReleaseRequest {
  app: string;
  version: string;
  /** One of the app's release pins; default: all of them (django-web ships public and api together). */
  image?: string;
  env: string;
}

export function isReleaseApp(app: string): app is ReleaseApp {
  return Object.hasOwn(RELEASE_PINS, app);
}

/** The new pins; `changes` is empty when the environment already runs this version. */
export function planRelease(current: PinMap, r: ReleaseRequest): { pins: PinMap; changes: PinChange[] } {
  const file = `environments/${r.env}.versions.json`;
  const where = (field: string) => ({ env: r.env, component: r.app, file, field });
  if (!isReleaseApp(r.app)) {
    throw new RenderError(where(`apps.${r.app}`), `"${r.app}" does not receive image releases (apps that do: ${Object.keys(RELEASE_PINS).join(', ')})`);
  }
  const releasable: readonly string[] = RELEASE_PINS[r.app];
  if (r.image !== undefined && !releasable.includes(r.image)) {
    throw new RenderError(where(`apps.${r.app}`), `${r.app} has no released image "${r.image}" (its images: ${releasable.join(', ')})`);
  }
  if (!(r.app in current)) throw new RenderError(where(`apps.${r.app}`), `${r.app} is not deployed in ${r.env}`);
  const pins = structuredClone(current);
  const changes: PinChange[] = [];
  for (const pin of r.image ? [r.image] : releasable) {
    const scheme = schemeOf(r.app, pin)!;
    const field = `apps.${r.app}.${pin}`;
    if (versionOf(scheme, r.version) === undefined) throw new RenderError(where(field), `version "${r.version}" is not ${describeScheme(scheme)}`);
    const from = current[r.app][pin];
    const order = compareWith(scheme, from, r.version);
    if ('cmp' in order) {
      if (order.cmp === 0) continue;
      if (order.cmp < 0) throw new RenderError(where(field), `${r.version} is older than ${from}, which ${r.env} already runs: a release only moves forward`);
    } else if (!order.unordered.startsWith('build ids')) {
      throw new RenderError(where(field), `${r.app} ${pin}: ${order.unordered}`);
    }
    pins[r.app][pin] = r.version;
    changes.push({ app: r.app, pin, from, to: r.version });
  }
  return { pins, changes };
}
