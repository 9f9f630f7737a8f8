// ftps: the ft_services FTP server with explicit TLS (AUTH TLS on port 21). ft_services ran
// pure-ftpd from Alpine's testing branch with a self-signed key generated into the image, a
// hostPort and one passive port, and `user/services` in plain text. Here:
// - vsftpd from Alpine's maintained package, in delfer/alpine-ftp-server (which publishes only
//   `latest`, so it is pinned by digest in the versions file);
// - TLS from a Secret the operator seals (a certificate for the FTP host name, self-signed in the
//   lab or from a CA; docs/ftps.md). Traefik's ACME certificates cannot serve: FTP is not HTTP,
//   and no challenge reaches port 21. vsftpd refuses logins and transfers without TLS;
// - the users from a sealed Secret (`name|password[|folder][|uid]` per line, the image's format);
// - one MetalLB address of the pool for the control port and the passive range, reserved through
//   the platform (so it cannot clash with Traefik's) and handed to vsftpd as `pasv_address`: the
//   address clients are told to connect back to is the one the Service answers on;
// - the files on their own claim, backed up by Velero like every volume.
import { Deployment, NetworkPolicy, Service } from '../../platform/kinds.ts';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import type { Ipv4 } from '../../environments/types.ts';
import type { LoadBalancerIp } from '../../platform/metallb.ts';
import { RenderError } from '../../render/types.ts';
import type { AppModel } from '../catalog.ts';
import {
  allowDns, appComponent, appNamespace, appSecrets, claim, defaultDeny, imageByDigest, optOut, resources, secretRef, selectorLabels, tcpProbes,
  workloadLabels, type Size,
} from '../kit/index.ts';

export interface FtpsValues {
  image: { repository: string; digest: string };
  /**
   * The address of MetalLB's pool clients connect to: the Service's LoadBalancer IP and vsftpd's
   * `pasv_address`, written once here. Must be in the pool and not Traefik's.
   */
  address: Ipv4;
  /** Passive data ports, inclusive; each is a port of the Service (keep the range small). */
  passivePorts: { first: number; last: number };
  /** Size of the files' volume, e.g. `1Gi`. */
  volume: string;
  size?: Size;
}

const APP = 'ftps';
const ROLE = 'vsftpd';
const CONTROL_PORT = 21;
const MAX_PASSIVE_PORTS = 50;
export const FTPS_USERS = secretRef('ftps-users', ['users']);
export const FTPS_TLS = secretRef('ftps-tls', ['tls.crt', 'tls.key']);
const DEFAULT_SIZE: Size = { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } };

function passiveRange(values: FtpsValues): number[] {
  const { first, last } = values.passivePorts;
  const at = { component: APP, field: `apps.${APP}.passivePorts` };
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1024 || last > 65535 || first > last) {
    throw new RenderError(at, `${first}-${last} is not a range of unprivileged ports (1024-65535, first <= last)`);
  }
  if (last - first + 1 > MAX_PASSIVE_PORTS) {
    throw new RenderError(at, `${last - first + 1} passive ports: each is a Service port, keep the range at ${MAX_PASSIVE_PORTS} or fewer`);
  }
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export const ftps: AppModel<FtpsValues> = (values, ctx) => {
  const passive = passiveRange(values);
  let ip: LoadBalancerIp;
  try {
    ip = ctx.platform.loadBalancer.assign(values.address, `app ${APP} (apps.${APP}.address)`);
  } catch (e) {
    if (e instanceof RenderError) throw new RenderError({ component: APP, resource: `Service/${APP}/${APP}`, field: `apps.${APP}.address` }, e.message);
    throw e;
  }
  const image = imageByDigest(values.image.repository, values.image.digest, { app: APP, field: 'image.digest' });
  const id = { app: APP, role: ROLE };
  const data = claim({ app: APP, name: 'data', size: values.volume, storageClass: ctx.platform.storageClass });
  const containerPorts = [
    { name: 'ftp', containerPort: CONTROL_PORT, protocol: 'TCP' as const },
    ...passive.map((p) => ({ name: `pasv-${p}`, containerPort: p, protocol: 'TCP' as const })),
  ];
  const deployment = new Deployment({
    metadata: {
      name: ROLE,
      labels: workloadLabels(id),
      annotations: optOut({
        'policy/run-as-non-root': 'vsftpd needs root to chroot each user into its folder; it switches to the user after login, with only the capabilities listed',
        'policy/read-only-root': "the image's start script creates the users, /etc/vsftpd.conf and the TLS files in the root filesystem at every start",
      }),
    },
    spec: {
      replicas: 1,
      // One server owns the passive ports and the volume (ReadWriteOnce).
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(id) },
      template: {
        metadata: { labels: workloadLabels(id) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // vsftpd starts as root: the entrypoint creates the users, vsftpd chroots each into its folder.
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: ROLE,
              image,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'USERS_FILE', value: '/run/secrets/ftps-users/users' },
                { name: 'ADDRESS', value: ip.address },
                { name: 'MIN_PORT', value: String(passive[0]) },
                { name: 'MAX_PORT', value: String(passive[passive.length - 1]) },
                // Setting these turns on ssl_enable and forces TLS for logins and data (explicit FTPS).
                { name: 'TLS_CERT', value: '/run/secrets/ftps-tls/tls.crt' },
                { name: 'TLS_KEY', value: '/run/secrets/ftps-tls/tls.key' },
              ],
              ports: containerPorts,
              resources: resources(values.size ?? DEFAULT_SIZE),
              ...probes(),
              securityContext: {
                allowPrivilegeEscalation: false,
                // What adduser, chown and vsftpd's chroot + privilege drop need, nothing more.
                capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID', 'SYS_CHROOT'] },
              },
              volumeMounts: [
                { name: 'data', mountPath: '/ftp' },
                { name: 'users', mountPath: '/run/secrets/ftps-users', readOnly: true },
                { name: 'tls', mountPath: '/run/secrets/ftps-tls', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
            { name: 'users', secret: { secretName: FTPS_USERS.name, defaultMode: 0o400 } },
            { name: 'tls', secret: { secretName: FTPS_TLS.name, defaultMode: 0o400 } },
          ],
        },
      },
    },
  });
  const servicePorts: IServicePort[] = containerPorts.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: 'TCP' }));
  const service = new Service({
    metadata: { name: APP, labels: workloadLabels(id), annotations: { 'metallb.io/loadBalancerIPs': ip.address } },
    spec: {
      type: 'LoadBalancer',
      // Keep the client's address: vsftpd checks that the data connection comes from the same
      // client as the control connection, and the policy below sees real sources.
      externalTrafficPolicy: 'Local',
      selector: selectorLabels(id),
      ports: servicePorts,
    },
  });
  const secrets = appSecrets([{ namespace: APP, refs: [FTPS_USERS, FTPS_TLS] }]);
  return [
    appComponent(APP, [
      appNamespace({
        name: APP,
        app: APP,
        enforce: 'baseline',
        reason: 'vsftpd runs as root to create its users and chroot each one; it drops to the user after login',
      }),
      data,
      deployment,
      service,
      defaultDeny(),
      allowDns(),
      ftpsPolicy(passive),
    ], { runtimeObjects: secrets }),
  ];
};

function probes() {
  const p = tcpProbes('ftp', 30);
  return { readinessProbe: p.readiness, livenessProbe: p.liveness, ...(p.startup ? { startupProbe: p.startup } : {}) };
}

/** FTP clients anywhere reach the control port and the passive range; the server dials nobody (passive mode only). */
function ftpsPolicy(passive: readonly number[]): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: ROLE },
    spec: {
      podSelector: { matchLabels: selectorLabels({ app: APP, role: ROLE }) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
          ports: [
            { protocol: 'TCP', port: CONTROL_PORT },
            { protocol: 'TCP', port: passive[0]!, endPort: passive[passive.length - 1]! },
          ],
        },
      ],
      egress: [],
    },
  });
}
