// sound-buzz's values as environments write them, checked when an environment loads.
import { z } from 'zod';
import { size, type Same } from '../kit/schema.ts';
import type { SoundBuzzValues } from './index.ts';

export const soundBuzzValues = z.strictObject({
  host: z.string().optional(),
  version: z.string(),
  volumes: z.strictObject({ data: z.string(), music: z.string() }),
  size: size.optional(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof soundBuzzValues>, SoundBuzzValues> = true;
void inSync;
