// zod pieces the apps' values schemas share (each app's `schema.ts` builds its own from these),
// and the type-level check that keeps a schema and the values interface it guards identical.
import { z } from 'zod';
import type { Size } from './resources.ts';

/**
 * `true` only when A and B are the same type (optional, readonly and all). Assigning `true` to
 * `Same<z.output<typeof schema>, Values>` fails tsc as soon as a field is added, removed or
 * retyped on one side only.
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const size = z.strictObject({
  requests: z.strictObject({ cpu: z.string(), memory: z.string() }),
  limits: z.strictObject({ cpu: z.string(), memory: z.string() }),
}) satisfies z.ZodType<Size>;

export const imageRef = z.strictObject({ repository: z.string(), tag: z.string() });
