// The kinds a preview may hold: what the confinement check (preview-confinement.ts) lets through
// and what the previews' AppProject whitelists (preview-appset.ts). A module of its own so that
// the render, which builds the AppProject, does not load the confinement checks.

export const TRAEFIK_GROUPS: readonly string[] = ['traefik.io', 'traefik.containo.us'];

/**
 * `group/Kind` a preview may hold; anything else (its Namespace, quotas and limits — the
 * platform's —, RBAC, Endpoints that point a Service at foreign pods, Traefik TLSOption/TLSStore
 * named `default` that apply cluster-wide, DaemonSets…) is refused.
 */
export const PREVIEW_KINDS: ReadonlySet<string> = new Set([
  '/ConfigMap', '/Secret', '/Service', '/PersistentVolumeClaim', '/ServiceAccount',
  'apps/Deployment', 'apps/StatefulSet', 'batch/Job', 'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy', 'networking.k8s.io/Ingress', 'bitnami.com/SealedSecret',
  ...TRAEFIK_GROUPS.flatMap((g) => [`${g}/IngressRoute`, `${g}/IngressRouteTCP`, `${g}/Middleware`]),
]);
