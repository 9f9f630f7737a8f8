// django-web's values as environments write them, checked when an environment loads.
import { z } from 'zod';
import { imageRef, size, type Same } from '../kit/schema.ts';
import type { DjangoWebValues } from './values.ts';

export const djangoWebValues = z.strictObject({
  host: z.string().optional(),
  images: z.strictObject({ public: imageRef, api: imageRef }),
  postgres: z.string(),
  postgresExporter: z.string(),
  redis: z.string(),
  migration: z.string(),
  replicas: z.strictObject({ public: z.int(), api: z.int() }),
  autoscale: z.strictObject({ maxReplicas: z.int(), cpuPercent: z.int() }),
  webSize: size,
  db: z.strictObject({ database: z.string(), user: z.string(), volumeSize: z.string(), size }),
  backup: z.strictObject({ schedule: z.string(), timeZone: z.string(), keep: z.int(), volumeSize: z.string() }),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof djangoWebValues>, DjangoWebValues> = true;
void inSync;
