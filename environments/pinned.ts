// The part of each app's values that comes from an environment's versions file: image
// repositories are written here once, the tags come from the pins (which promotion rewrites).
import type devVersions from './dev.versions.json';
import { ownedImages } from '../apps/images.ts';

type AppPins = (typeof devVersions)['apps'];

export function pinnedValues(pins: AppPins) {
  return {
    hello: { image: { repository: ownedImages.vhelloworld.repository, tag: pins.hello.image } },
    'sound-buzz': { version: pins['sound-buzz'].navidrome },
    'django-web': {
      images: {
        public: { repository: ownedImages['garage-public'].repository, tag: pins['django-web'].public },
        api: { repository: ownedImages['garage-api'].repository, tag: pins['django-web'].api },
      },
      postgres: pins['django-web'].postgres,
      redis: pins['django-web'].redis,
      migration: pins['django-web'].migration,
    },
    wordpress: { images: { wordpress: pins.wordpress.wordpress, mysql: pins.wordpress.mysql, phpMyAdmin: pins.wordpress.phpMyAdmin } },
    monitoring: { images: { influxdb: pins.monitoring.influxdb, telegraf: pins.monitoring.telegraf, grafana: pins.monitoring.grafana } },
  };
}
