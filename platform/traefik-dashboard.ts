// The Traefik dashboard, published on HTTPS behind basic auth (the seed served it on plain
// HTTP with no auth at all).
import { IngressRoute, Middleware } from './kinds.ts';
import { RenderError, type StringMap } from '../render/types.ts';

/**
 * Sealed by the operator into the environment's sealed data, one key `users` holding htpasswd
 * lines (bcrypt), e.g.
 *   htpasswd -nbB admin "$PASSWORD" | npm run seal -- --env prod --namespace traefik \
 *     --name traefik-dashboard-auth --from-file users=/dev/stdin
 * Until it exists Traefik answers the dashboard host with an error instead of serving it open.
 */
export const dashboardAuthSecretName = 'traefik-dashboard-auth';
const middlewareName = 'dashboard-auth';

export interface DashboardInput {
  host: string;
  entryPoint: string;
  certResolver: string;
  labels: StringMap;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;

export function traefikDashboard(input: DashboardInput): Array<Middleware | IngressRoute> {
  if (!DNS_NAME.test(input.host)) {
    throw new RenderError(
      { component: 'traefik', resource: 'IngressRoute/traefik-dashboard', field: 'spec.routes[0].match' },
      `dashboard host "${input.host}" is not a lower-case DNS name`,
    );
  }
  const auth = new Middleware({
    metadata: { name: middlewareName, labels: input.labels },
    spec: { basicAuth: { secret: dashboardAuthSecretName, removeHeader: true } },
  });
  const route = new IngressRoute({
    metadata: { name: 'traefik-dashboard', labels: input.labels },
    spec: {
      entryPoints: [input.entryPoint],
      routes: [
        {
          kind: 'Rule',
          match: `Host(\`${input.host}\`)`,
          middlewares: [{ name: auth.metadata!.name! }],
          services: [{ kind: 'TraefikService', name: 'api@internal' }],
        },
      ],
      tls: { certResolver: input.certResolver },
    },
  });
  return [auth, route];
}
