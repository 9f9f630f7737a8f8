// STUB: the validator (layers: YAML, schema, API versions, cross-references, policy).
import type { KubeObject } from '../types.ts';

export type Severity = 'error' | 'warning';

export interface Finding {
  /** Stable rule ID, e.g. `schema/unknown-field`. */
  rule: string;
  severity: Severity;
  message: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`; '' for the whole object. */
  path: string;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  file?: string;
  line?: number;
  env?: string;
  component?: string;
}

export interface BundleItem {
  /** Parsed object (may be malformed when it comes from a file). */
  object: KubeObject;
  file?: string;
  line?: number;
  env?: string;
  component?: string;
}

export interface ValidateOptions {
  /** Target Kubernetes minor, e.g. `1.33`. */
  kubeVersion: string;
  /** Objects that exist in the cluster outside the bundle (StorageClasses, IngressClasses, namespaces…). */
  inventory?: KubeObject[];
  /** Policy findings become errors (prod). */
  strictPolicy?: boolean;
  /** Repository paths that exist, to check that Argo CD Applications point somewhere real. */
  repoPaths?: ReadonlySet<string>;
}

export function validateBundle(items: BundleItem[], options: ValidateOptions): Finding[] {
  void items; void options;
  return [];
}
