// monitoring's values as environments write them, checked when an environment loads.
import { z } from 'zod';
import { type Same } from '../kit/schema.ts';
import type { MonitoringValues } from './index.ts';

export const monitoringValues = z.strictObject({
  host: z.string().optional(),
  images: z.strictObject({ influxdb: z.string(), telegraf: z.string(), grafana: z.string() }),
  volumes: z.strictObject({ influxdb: z.string(), grafana: z.string() }),
  interval: z.string(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof monitoringValues>, MonitoringValues> = true;
void inSync;
