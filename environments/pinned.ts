// The part of each app's values that comes from an environment's versions file: image
// repositories are written here once, the tags come from the pins (which promotion rewrites).
import { ownedImages } from '../apps/images.ts';
// The file is checked against its schema first: JSON has no types, and a misspelt key or a number
// where a version belongs must name the file and the field, not crash in a model.
import type { VersionsFile } from '../render/delivery/pins.ts';
import { DataError, checkData } from './schema/check.ts';
import { versionsFile } from './schema/versions.ts';

export interface LoadedVersions extends VersionsFile {
  /** Where the pins were read from, for errors: `environments/<env>.versions.json`. */
  file: string;
}

/** An environment's versions file (as imported JSON), checked. */
export function loadVersions(file: string, data: unknown): LoadedVersions {
  return { ...checkData(versionsFile, data, file), file };
}

export function pinnedValues(versions: LoadedVersions) {
  const need = <A extends keyof VersionsFile['apps']>(app: A): NonNullable<VersionsFile['apps'][A]> => {
    const pins = versions.apps[app];
    if (!pins) throw new DataError(versions.file, `apps.${app}`, `missing: the environment takes ${app}'s versions from here`);
    return pins;
  };
  const django = need('django-web');
  const wordpress = need('wordpress');
  const monitoring = need('monitoring');
  return {
    // Upstream publishes only `latest`: pinned by digest.
    ftps: { image: { repository: 'delfer/alpine-ftp-server', digest: need('ftps').vsftpd } },
    hello: { image: { repository: ownedImages.vhelloworld.repository, tag: need('hello').image } },
    'sound-buzz': { version: need('sound-buzz').navidrome },
    'django-web': {
      images: {
        public: { repository: ownedImages['garage-public'].repository, tag: django.public },
        api: { repository: ownedImages['garage-api'].repository, tag: django.api },
      },
      postgres: django.postgres,
      postgresExporter: django['postgres-exporter'],
      redis: django.redis,
      migration: django.migration,
    },
    wordpress: { images: { wordpress: wordpress.wordpress, mysql: wordpress.mysql, phpMyAdmin: wordpress.phpMyAdmin } },
    monitoring: { images: { influxdb: monitoring.influxdb, telegraf: monitoring.telegraf, grafana: monitoring.grafana } },
  };
}
