// The values schema of every app in the catalog: an environment's `apps:` is checked against
// these when it loads (unknown app, unknown key, wrong type → one line naming file and field).
// A catalog entry without a schema here, or a schema out of step with its app's values type,
// fails tsc.
import { z } from 'zod';
import type { AppSelection } from './catalog.ts';
import type { Same } from './kit/schema.ts';
import { djangoWebValues } from './django-web/schema.ts';
import { ftpsValues } from './ftps/schema.ts';
import { helloValues } from './hello/schema.ts';
import { monitoringValues } from './monitoring/schema.ts';
import { soundBuzzValues } from './sound-buzz/schema.ts';
import { wordpressValues } from './wordpress/schema.ts';

export const appSelection = z.strictObject({
  'django-web': djangoWebValues.optional(),
  ftps: ftpsValues.optional(),
  hello: helloValues.optional(),
  monitoring: monitoringValues.optional(),
  'sound-buzz': soundBuzzValues.optional(),
  wordpress: wordpressValues.optional(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof appSelection>, AppSelection> = true;
void inSync;
