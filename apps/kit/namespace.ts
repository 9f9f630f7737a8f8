import { Namespace } from '../../platform/kinds.ts';
import { RenderError, type StringMap } from '../../render/types.ts';

/** Pod Security Admission level a namespace enforces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface NamespaceSpec {
  name: string;
  app: string;
  /** Defaults to `restricted`; anything weaker needs `reason`. */
  enforce?: PodSecurityLevel;
  reason?: string;
}

/**
 * The app's own namespace. Warnings and audit stay at `restricted` even when enforcement is
 * relaxed, so a weaker namespace still reports every pod that would not pass the strict level.
 */
export function appNamespace(spec: NamespaceSpec): Namespace {
  const enforce = spec.enforce ?? 'restricted';
  const labels: StringMap = {
    'app.kubernetes.io/part-of': spec.app,
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
  if (enforce === 'restricted') return new Namespace({ metadata: { name: spec.name, labels } });
  if (!spec.reason) {
    throw new RenderError({ component: spec.app, resource: `Namespace/${spec.name}`, field: 'metadata.labels' }, `pod security "${enforce}" needs a written reason`);
  }
  return new Namespace({ metadata: { name: spec.name, labels, annotations: { 'pod-security.gitops/reason': spec.reason } } });
}
