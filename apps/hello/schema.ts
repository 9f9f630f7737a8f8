// hello's values as environments write them, checked when an environment loads.
import { z } from 'zod';
import { imageRef, size, type Same } from '../kit/schema.ts';
import type { HelloValues } from './index.ts';

export const helloValues = z.strictObject({
  host: z.string().optional(),
  replicas: z.int(),
  image: imageRef,
  size: size.optional(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof helloValues>, HelloValues> = true;
void inSync;
