// ftps's values as environments write them, checked when an environment loads.
import { z } from 'zod';
import type { Ipv4 } from '../../environments/types.ts';
import { size, type Same } from '../kit/schema.ts';
import type { FtpsValues } from './index.ts';

const port = z.int().min(1).max(65535);

export const ftpsValues = z.strictObject({
  image: z.strictObject({ repository: z.string(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'expected sha256:<64 hex digits>' }) }),
  address: z.ipv4({ error: 'expected an IPv4 address' }).transform((ip) => ip as Ipv4),
  passivePorts: z.strictObject({ first: port, last: port }),
  volume: z.string(),
  size: size.optional(),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof ftpsValues>, FtpsValues> = true;
void inSync;
