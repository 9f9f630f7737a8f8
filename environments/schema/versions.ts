// The schema of environments/<env>.versions.json: per app exactly the pins of PIN_SCHEMES, the
// platform exactly those of PLATFORM_PIN_SCHEMES, every pin a non-empty string without spaces.
// Read by the environments (environments/pinned.ts) and by promotion and releases
// (render/delivery/versions-file.ts). `historicalVersions` reads older commits for a revert.
import { z } from 'zod';
import type { Same } from '../../apps/kit/schema.ts';
import { PIN_SCHEMES, PLATFORM_PIN_SCHEMES, type VersionsFile } from '../../render/delivery/pins.ts';
import type { PlatformVersions } from '../types.ts';

const pin = z.string().regex(/^\S+$/, { error: 'a pin is a non-empty string without spaces' });

/** An object of exactly these pins. */
function pinsOf<K extends string>(schemes: Readonly<Record<K, unknown>>) {
  return z.strictObject(Object.fromEntries(Object.keys(schemes).map((k) => [k, pin])) as Record<K, typeof pin>);
}

export const platformVersions = pinsOf(PLATFORM_PIN_SCHEMES);

export const versionsFile = z.strictObject({
  apps: z.strictObject({
    'django-web': pinsOf(PIN_SCHEMES['django-web']).optional(),
    ftps: pinsOf(PIN_SCHEMES.ftps).optional(),
    hello: pinsOf(PIN_SCHEMES.hello).optional(),
    monitoring: pinsOf(PIN_SCHEMES.monitoring).optional(),
    'sound-buzz': pinsOf(PIN_SCHEMES['sound-buzz']).optional(),
    wordpress: pinsOf(PIN_SCHEMES.wordpress).optional(),
  }),
  platform: platformVersions,
});

/**
 * A versions file from history: layouts change (a file from before the platform was pinned there,
 * an app or a pin since renamed), so only the frame is required — pins as strings under `apps`
 * and `platform`. A revert takes back only what the current file still pins.
 */
export const historicalVersions = z.strictObject({
  apps: z.record(z.string(), z.record(z.string(), z.string())),
  platform: z.record(z.string(), z.string()).optional(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof versionsFile>, VersionsFile> = true;
const platformInSync: Same<z.output<typeof platformVersions>, PlatformVersions> = true;
void inSync;
void platformInSync;
