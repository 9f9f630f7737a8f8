// The part of each app's values that comes from an environment's versions file: image
// repositories are written here once, the tags come from the pins (which promotion rewrites).
import type devVersions from './dev.versions.json';

type AppPins = (typeof devVersions)['apps'];

export function pinnedValues(pins: AppPins) {
  return {
    // Upstream publishes only `latest`: pinned by digest.
    ftps: { image: { repository: 'delfer/alpine-ftp-server', digest: pins.ftps.vsftpd } },
    hello: { image: { repository: 'ghcr.io/sound-buzz/vhelloworld', tag: pins.hello.image } },
    'sound-buzz': { version: pins['sound-buzz'].navidrome },
    'django-web': {
      images: {
        public: { repository: 'ghcr.io/sound-buzz/garage-public', tag: pins['django-web'].public },
        api: { repository: 'ghcr.io/sound-buzz/garage-api', tag: pins['django-web'].api },
      },
      postgres: pins['django-web'].postgres,
      redis: pins['django-web'].redis,
      migration: pins['django-web'].migration,
    },
    wordpress: { images: { wordpress: pins.wordpress.wordpress, mysql: pins.wordpress.mysql, phpMyAdmin: pins.wordpress.phpMyAdmin } },
    monitoring: { images: { influxdb: pins.monitoring.influxdb, telegraf: pins.monitoring.telegraf, grafana: pins.monitoring.grafana } },
  };
}
