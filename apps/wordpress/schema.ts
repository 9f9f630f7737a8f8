// wordpress's values as environments write them, checked when an environment loads.
import { z } from 'zod';
import { type Same } from '../kit/schema.ts';
import type { WordpressValues } from './index.ts';

export const wordpressValues = z.strictObject({
  host: z.string().optional(),
  phpMyAdminHost: z.string().optional(),
  images: z.strictObject({ wordpress: z.string(), mysql: z.string(), phpMyAdmin: z.string() }),
  volumes: z.strictObject({ wordpress: z.string(), mysql: z.string(), phpMyAdmin: z.string() }),
  replicas: z.int(),
  phpMyAdmin: z.boolean(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof wordpressValues>, WordpressValues> = true;
void inSync;
