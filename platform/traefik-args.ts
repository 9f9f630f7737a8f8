// Traefik's static configuration as command-line flags, in the order chart v41.3.0 renders them.
// Flags are case-insensitive; we keep the documented camelCase spelling.

export interface EntryPoint {
  name: string;
  /** Port Traefik listens on inside the pod (non-privileged: the container runs as 65532). */
  port: number;
  /** Port the LoadBalancer Service exposes, for the entry points that face clients. */
  exposedPort?: number;
}

/** The chart's four entry points; only `web` and `websecure` are reachable from outside. */
export const entryPoints = {
  metrics: { name: 'metrics', port: 9100 },
  traefik: { name: 'traefik', port: 8080 },
  web: { name: 'web', port: 8000, exposedPort: 80 },
  websecure: { name: 'websecure', port: 8443, exposedPort: 443 },
} as const satisfies Record<string, EntryPoint>;

export type ChallengeConfig = { type: 'http'; entryPoint: string } | { type: 'tls' };

export interface ResolverConfig {
  /** Certificate resolver name routes refer to (`tls.certResolver`). */
  name: string;
  email: string;
  caServer: string;
  /** Absolute path of the file; must be on the persistent volume. */
  storage: string;
  challenge: ChallengeConfig;
  /** PEM files this resolver alone trusts for the ACME server's HTTPS (Pebble); the system pool otherwise. */
  caCertificates?: string[];
}

export interface StaticConfig {
  /** `<namespace>/<service>` whose LoadBalancer address Traefik copies into Ingress status. */
  publishedService: string;
  ingressClass: string;
  resolver: ResolverConfig;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export function traefikArgs(config: StaticConfig): string[] {
  const { metrics, traefik, web, websecure } = entryPoints;
  const r = config.resolver;
  const resolver = `--certificatesResolvers.${r.name}.acme`;
  return [
    // The GitOps repo pins the version and nothing should phone home.
    '--global.checkNewVersion=false',
    '--global.sendAnonymousUsage=false',
    ...[metrics, traefik, web, websecure].map((ep) => `--entryPoints.${ep.name}.address=:${ep.port}/tcp`),
    // Dashboard and API are only reachable through the api@internal route (no --api.insecure).
    '--api.dashboard=true',
    `--ping=true`,
    `--ping.entryPoint=${traefik.name}`,
    '--metrics.prometheus=true',
    `--metrics.prometheus.entryPoint=${metrics.name}`,
    '--providers.kubernetesCRD',
    '--providers.kubernetesCRD.allowEmptyServices=true',
    '--providers.kubernetesIngress',
    '--providers.kubernetesIngress.allowEmptyServices=true',
    `--providers.kubernetesIngress.ingressClass=${config.ingressClass}`,
    `--providers.kubernetesIngress.ingressEndpoint.publishedService=${config.publishedService}`,
    // The redirect target is the *exposed* port: naming the entry point would send clients to
    // its listening port (:8443), which the Service does not expose. ACME's HTTP-01 router has a
    // higher priority than this redirect, so challenges on `web` still get answered.
    `--entryPoints.${web.name}.http.redirections.entryPoint.to=:${websecure.exposedPort}`,
    `--entryPoints.${web.name}.http.redirections.entryPoint.scheme=https`,
    `--entryPoints.${web.name}.http.redirections.entryPoint.permanent=true`,
    `--entryPoints.${websecure.name}.http.tls=true`,
    `--log.level=${config.logLevel}`,
    `${resolver}.email=${r.email}`,
    `${resolver}.storage=${r.storage}`,
    `${resolver}.caServer=${r.caServer}`,
    // An empty challenge map would render nothing: the challenge is always explicit.
    r.challenge.type === 'http' ? `${resolver}.httpChallenge.entryPoint=${r.challenge.entryPoint}` : `${resolver}.tlsChallenge=true`,
    // Per resolver rather than LEGO_CA_CERTIFICATES, which would replace the trust pool of every resolver in the pod.
    ...(r.caCertificates?.length ? [`${resolver}.caCertificates=${r.caCertificates.join(',')}`] : []),
  ];
}
