// The schema of the preview template (environments/preview.ts): its base is an environment checked
// on its own; what a preview runs is an app selection like any environment's.
import { z } from 'zod';
import { appSelection } from '../../apps/schemas.ts';
import type { Same } from '../../apps/kit/schema.ts';
import type { PreviewTemplate } from '../preview.ts';
import type { SealedData } from '../sealed.ts';
import type { Environment } from '../types.ts';

const cpuMemory = z.strictObject({ cpu: z.string(), memory: z.string() });

export const previewSchema = z.strictObject({
  base: z.custom<Environment>((v) => typeof v === 'object' && v !== null, { error: 'expected an environment' }),
  label: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a GitHub label in lower case' }),
  apps: appSelection,
  sealed: z.custom<SealedData>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'expected sealed data: "namespace/name" → { scope, encryptedData }' }).optional(),
  limits: z.strictObject({
    imagePrefixes: z.array(z.string().min(1)),
    quota: z.strictObject({
      requests: z.strictObject({ cpu: z.string(), memory: z.string(), storage: z.string() }),
      limits: cpuMemory,
      pods: z.int().positive(),
      persistentVolumeClaims: z.int().nonnegative(),
    }),
    container: z.strictObject({ defaultRequest: cpuMemory, default: cpuMemory, max: cpuMemory }),
    maxClaimStorage: z.string(),
  }),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof previewSchema>, PreviewTemplate> = true;
void inSync;
