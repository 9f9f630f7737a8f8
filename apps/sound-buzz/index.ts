// sound-buzz: the music server of the Sound-Buzz write-up at app.<domain>. The write-up ran
// hurricane/subsonic (closed-source, unmaintained, admin/admin); this serves the same Subsonic
// API with Navidrome, which is maintained and takes its first admin password from a Secret.
// Its library database is SQLite in /data: one pod at a time (Recreate), never two writers.
import type { AppModel } from '../catalog.ts';
import {
  allowDns, appComponent, appNamespace, claim, configMap, defaultDeny, hostOf, httpProbes, image, rolePolicy,
  appSecrets, secretEnv, secretRef, webWorkload, type Size,
} from '../kit/index.ts';

export interface SoundBuzzValues {
  /** Defaults to `app.<domain>`, the write-up's host. */
  host?: string;
  /** deluan/navidrome release. */
  version: string;
  volumes: {
    /** Database, cache and artwork (the write-up's `subsonic` claim: 500Mi). */
    data: string;
    /** The music library (the write-up's `music` claim: 20Gi). */
    music: string;
  };
  size?: Size;
}

const APP = 'sound-buzz';
const PORT = 4533;
const ADMIN = secretRef('navidrome-admin', ['password']);

// Go binary with its library cache: the write-up's Subsonic needed ~150 MB of heap; this is ample.
const DEFAULT_SIZE: Size = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };

export const soundBuzz: AppModel<SoundBuzzValues> = (values, ctx) => {
  const storageClass = ctx.platform.storageClass;
  const data = claim({ app: APP, name: 'data', size: values.volumes.data, storageClass, accessMode: 'ReadWriteMany' });
  const music = claim({ app: APP, name: 'music', size: values.volumes.music, storageClass, accessMode: 'ReadWriteMany' });
  const host = hostOf(ctx, values.host, 'app');
  const settings = configMap('navidrome', {
    ND_PORT: String(PORT),
    ND_DATAFOLDER: '/data',
    ND_MUSICFOLDER: '/music',
    ND_LOGLEVEL: 'info',
    // Egress is denied: no Last.fm/Spotify lookups that would only time out.
    ND_ENABLEEXTERNALSERVICES: 'false',
    ND_ENABLEINSIGHTSCOLLECTOR: 'false',
    ND_SCANNER_SCHEDULE: '@every 1h',
  });
  const server = webWorkload({
    app: APP,
    role: 'navidrome',
    image: image('deluan/navidrome', values.version, { app: APP, field: 'version' }),
    containerPort: PORT,
    replicas: 1,
    strategy: 'recreate',
    size: values.size ?? DEFAULT_SIZE,
    probes: httpProbes('/ping', 'http', 60),
    runAs: { user: 1000 },
    envFrom: [settings],
    // Creates the `admin` user on the first start only, instead of a first-visitor sign-up.
    env: [secretEnv('ND_DEVAUTOCREATEADMINPASSWORD', ADMIN, 'password')],
    mounts: [
      { name: 'data', mountPath: '/data', claim: 'data' },
      { name: 'music', mountPath: '/music', claim: 'music', readOnly: true },
      { name: 'tmp', mountPath: '/tmp', emptyDir: { sizeLimit: '256Mi' } },
    ],
    routes: [{ host }],
    ingress: ctx.platform.ingress,
  });
  const secrets = appSecrets([{ namespace: APP, refs: [ADMIN] }]);
  return [
    appComponent(APP, [
      appNamespace({ name: APP, app: APP }),
      settings,
      data,
      music,
      ...server.resources,
      defaultDeny(),
      allowDns(),
      rolePolicy({ app: APP, role: 'navidrome', ingress: [{ peers: [{ namespace: ctx.platform.ingress.namespace }], ports: [PORT] }], egress: [] }),
    ], { runtimeObjects: secrets }),
  ];
};
