// A resource against the kubernetes-models schema of its kind, as `npm run validate` checks it:
// plain objects (platform/kinds.ts) by apiVersion/kind, hand-typed custom resources by their Model.
import { schemaFor } from '../../render/validate/schema-registry.ts';
import type { Resource } from '../../render/types.ts';

/** Throws with the schema errors when `r` does not match its kind's schema (or no schema knows the kind). */
export function assertSchemaValid(r: Resource): void {
  if (typeof (r as { validate?: unknown }).validate === 'function') {
    (r as unknown as { validate(): void }).validate();
    return;
  }
  const { apiVersion, kind } = r as { apiVersion: string; kind: string };
  const check = schemaFor(apiVersion, kind);
  if (!check) throw new Error(`no schema for ${apiVersion} ${kind}`);
  const errors = check(r);
  if (errors) throw new Error(`${kind}: ${errors.map((e) => `${e.instancePath} ${e.message ?? e.keyword}`).join('; ')}`);
}
