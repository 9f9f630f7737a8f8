// What chart v41.3.0's ClusterRole grants a Traefik v3.7 with the kubernetesCRD and
// kubernetesIngress providers (no Gateway API, no Hub), rule for rule.
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';

const read = ['get', 'list', 'watch'];

/** The ten `traefik.io/v1alpha1` kinds the CRD provider watches. */
const traefikIoResources = [
  'ingressroutes',
  'ingressroutetcps',
  'ingressrouteudps',
  'middlewares',
  'middlewaretcps',
  'serverstransports',
  'serverstransporttcps',
  'tlsoptions',
  'tlsstores',
  'traefikservices',
];

export function traefikClusterRules(): IPolicyRule[] {
  return [
    // configmaps since v3.4 (CRD provider), pods since v3.5: the chart gates both on the proxy version.
    { apiGroups: [''], resources: ['configmaps', 'nodes', 'services'], verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    // TLS certificates and basicAuth users referenced by routes and middlewares.
    { apiGroups: [''], resources: ['secrets'], verbs: read },
    { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingressclasses', 'ingresses'], verbs: read },
    { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
    { apiGroups: ['traefik.io'], resources: traefikIoResources, verbs: read },
  ];
}
