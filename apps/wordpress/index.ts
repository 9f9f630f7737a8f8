// wordpress: the ft_services blog. WordPress, MySQL and phpMyAdmin each keep their own volume
// (ft_services pointed MySQL and InfluxDB at the same hostPath) and every password is a Secret
// reference (ft_services shipped admin/admin and a root without password).
import type { AppModel } from '../catalog.ts';
import {
  allowDns, appComponent, appNamespace, claim, configMap, defaultDeny, execProbes, hostOf, httpProbes, image, rolePolicy,
  appSecrets, secretEnv, secretRef, statefulServer, webWorkload, type Size,
} from '../kit/index.ts';

export interface WordpressValues {
  /** Defaults to `blog.<domain>`. */
  host?: string;
  /** phpMyAdmin's host; defaults to `pma.<domain>`. Omit `phpMyAdmin` to not run it. */
  phpMyAdminHost?: string;
  images: { wordpress: string; mysql: string; phpMyAdmin: string };
  volumes: { wordpress: string; mysql: string; phpMyAdmin: string };
  replicas: number;
  phpMyAdmin: boolean;
}

const APP = 'wordpress';
const HTTP_PORT = 80;
const MYSQL_PORT = 3306;
const MYSQL = secretRef('mysql-credentials', ['password', 'root-password']);
const MYSQL_DUMP = [
  'set -eu',
  'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysqldump -uroot --single-transaction --routines --events --all-databases > /var/lib/mysql/velero-dump.sql.partial',
  'mv /var/lib/mysql/velero-dump.sql.partial /var/lib/mysql/velero-dump.sql',
].join('\n');
const WEB_SIZE: Size = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

/** Why the official Apache-based images keep a writable root (not verified read-only). */
const APACHE_WRITES = 'the official php-apache image writes Apache run and lock files under /var/run/apache2 and /var/lock/apache2 and PHP temp files outside the volume; not verified with a read-only root';

export const wordpress: AppModel<WordpressValues> = (values, ctx) => {
  const storageClass = ctx.platform.storageClass;
  const host = hostOf(ctx, values.host, 'blog');
  const pmaHost = hostOf(ctx, values.phpMyAdminHost, 'pma');
  const traefik = { peers: [{ namespace: ctx.platform.ingress.namespace }], ports: [HTTP_PORT] };
  const toMysql = { peers: [{ role: 'mysql' }], ports: [MYSQL_PORT] };

  const mysql = statefulServer({
    app: APP,
    role: 'mysql',
    image: image('mysql', values.images.mysql, { app: APP, field: 'images.mysql' }),
    port: { name: 'mysql', number: MYSQL_PORT },
    size: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } },
    // `mysqladmin ping` succeeds whenever the server answers, even to a refused login: no password needed.
    probes: execProbes(['mysqladmin', 'ping', '-h', '127.0.0.1', '--silent'], 180),
    runAs: { user: 999 },
    data: { name: 'data', mountPath: '/var/lib/mysql', size: values.volumes.mysql, storageClass },
    env: [
      { name: 'MYSQL_DATABASE', value: 'wordpress' },
      { name: 'MYSQL_USER', value: 'wordpress' },
      secretEnv('MYSQL_PASSWORD', MYSQL, 'password'),
      secretEnv('MYSQL_ROOT_PASSWORD', MYSQL, 'root-password'),
    ],
    // The root is read-only: socket, pid and the secure_file_priv directory are volumes.
    mounts: [
      { name: 'run', mountPath: '/var/run/mysqld', emptyDir: {} },
      { name: 'files', mountPath: '/var/lib/mysql-files', emptyDir: { sizeLimit: '16Mi' } },
    ],
    // InnoDB files copied while MySQL writes are not a consistent backup; the dump is (one
    // transaction). It lands in the data volume, beside the databases, and is copied with them.
    backup: { hook: { command: ['sh', '-c', MYSQL_DUMP], timeout: '30m' } },
  });

  const wpSettings = configMap('wordpress', {
    WORDPRESS_DB_HOST: `mysql:${MYSQL_PORT}`,
    WORDPRESS_DB_NAME: 'wordpress',
    WORDPRESS_DB_USER: 'wordpress',
    // Links and redirects use the public HTTPS host (ft_services sed-replaced an IP into the dump).
    WORDPRESS_CONFIG_EXTRA: `define('WP_HOME', 'https://${host}');\ndefine('WP_SITEURL', 'https://${host}');\ndefine('DISALLOW_FILE_EDIT', true);`,
  });
  const wpData = claim({ app: APP, name: 'wordpress-data', size: values.volumes.wordpress, storageClass, accessMode: 'ReadWriteMany' });
  const site = webWorkload({
    app: APP,
    role: 'wordpress',
    image: image('wordpress', values.images.wordpress, { app: APP, field: 'images.wordpress' }),
    containerPort: HTTP_PORT,
    replicas: values.replicas,
    size: WEB_SIZE,
    // 302 to the installer before the first setup still counts as up.
    probes: httpProbes('/wp-login.php', 'http', 120),
    runAs: { user: 33 },
    lowPorts: true,
    writableRoot: APACHE_WRITES,
    envFrom: [wpSettings],
    env: [secretEnv('WORDPRESS_DB_PASSWORD', MYSQL, 'password')],
    // Core, plugins, themes and uploads: shared by the replicas during a rolling update.
    mounts: [{ name: 'html', mountPath: '/var/www/html', claim: 'wordpress-data' }],
    routes: [{ host }],
    ingress: ctx.platform.ingress,
  });

  const secrets = appSecrets([{ namespace: APP, refs: [MYSQL] }]);
  const resources = [
    appNamespace({ name: APP, app: APP }),
    ...mysql.resources,
    wpSettings,
    wpData,
    ...site.resources,
    defaultDeny(),
    allowDns(),
    rolePolicy({ app: APP, role: 'wordpress', ingress: [traefik], egress: [toMysql] }),
  ];
  const mysqlClients = [{ role: 'wordpress' }];

  if (values.phpMyAdmin) {
    const pmaSessions = claim({ app: APP, name: 'phpmyadmin-sessions', size: values.volumes.phpMyAdmin, storageClass });
    const pma = webWorkload({
      app: APP,
      role: 'phpmyadmin',
      image: image('phpmyadmin', values.images.phpMyAdmin, { app: APP, field: 'images.phpMyAdmin' }),
      containerPort: HTTP_PORT,
      replicas: 1,
      strategy: 'recreate',
      size: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      probes: httpProbes('/', 'http', 60),
      runAs: { user: 33 },
      lowPorts: true,
      writableRoot: `${APACHE_WRITES}; the entrypoint also writes config.secret.inc.php under /etc/phpmyadmin`,
      // Log in with a MySQL account (cookie auth); no stored user, no empty passwords.
      env: [
        { name: 'PMA_HOST', value: 'mysql' },
        { name: 'PMA_PORT', value: String(MYSQL_PORT) },
        { name: 'PMA_ABSOLUTE_URI', value: `https://${pmaHost}/` },
        { name: 'HIDE_PHP_VERSION', value: 'true' },
      ],
      mounts: [{ name: 'sessions', mountPath: '/sessions', claim: 'phpmyadmin-sessions' }],
      routes: [{ host: pmaHost }],
      ingress: ctx.platform.ingress,
    });
    resources.push(pmaSessions, ...pma.resources, rolePolicy({ app: APP, role: 'phpmyadmin', ingress: [traefik], egress: [toMysql] }));
    mysqlClients.push({ role: 'phpmyadmin' });
  }
  resources.push(rolePolicy({ app: APP, role: 'mysql', ingress: [{ peers: mysqlClients, ports: [MYSQL_PORT] }], egress: [] }));
  return [appComponent(APP, resources, { runtimeObjects: secrets })];
};
