// hello: the `web` Deployment of "Démystifions Kubernetes" (zwindler/vhelloworld), served at
// the environment's bare domain. The document's Service sent 3000 → 80, but the V web server
// listens on 8081: the Service keeps port 3000 and targets the named container port.
import type { AppModel } from '../catalog.ts';
import {
  allowDns, appComponent, appNamespace, defaultDeny, hostOf, httpProbes, image, rolePolicy, webWorkload, type Size,
} from '../kit/index.ts';

export interface HelloValues {
  /** Defaults to the environment's domain. */
  host?: string;
  replicas: number;
  /**
   * Upstream pushes only `:latest`, so the image is rebuilt from a pinned upstream commit
   * and pushed under that commit's hash (docs/apps.md, "hello").
   */
  image: { repository: string; tag: string };
  size?: Size;
}

const APP = 'hello';
/** vhelloworld's `EXPOSE 8081` (main.v). */
const LISTEN_PORT = 8081;
const SERVICE_PORT = 3000;

const DEFAULT_SIZE: Size = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

export const hello: AppModel<HelloValues> = (values, ctx) => {
  const web = webWorkload({
    app: APP,
    role: 'web',
    image: image(values.image.repository, values.image.tag, { app: APP, field: 'image.tag' }, 'build'),
    containerPort: LISTEN_PORT,
    servicePort: SERVICE_PORT,
    replicas: values.replicas,
    size: values.size ?? DEFAULT_SIZE,
    probes: httpProbes('/', 'http'),
    runAs: { user: 65534 },
    routes: [{ host: hostOf(ctx, values.host) }],
    ingress: ctx.platform.ingress,
  });
  return [
    appComponent(APP, [
      appNamespace({ name: APP, app: APP }),
      ...web.resources,
      defaultDeny(),
      allowDns(),
      rolePolicy({ app: APP, role: 'web', ingress: [{ peers: [{ namespace: ctx.platform.ingress.namespace }], ports: [LISTEN_PORT] }], egress: [] }),
    ]),
  ];
};
