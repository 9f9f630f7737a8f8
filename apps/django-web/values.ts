import type { Size } from '../kit/index.ts';

/** Secrets django-web reads, by name (sealed per environment, see docs/secrets.md). */
export type DjangoSecretName = 'db-credentials' | 'django';

export interface DjangoWebValues {
  /** Defaults to `django.<domain>`: `/` goes to public, `/api` to api. */
  host?: string;
  /** The project's own images (Dockerfiles of the CSC8567 correction, gunicorn on :8000). */
  images: {
    public: { repository: string; tag: string };
    api: { repository: string; tag: string };
  };
  /** Official `postgres` image tag (major.minor) for the primary, the replica and the backups. */
  postgres: string;
  /**
   * `quay.io/prometheuscommunity/postgres-exporter` tag, the sidecar of the primary and the
   * replica (runs only where the environment has Prometheus): replica lag, database up.
   */
  postgresExporter: string;
  /** Official `redis` image tag. */
  redis: string;
  /**
   * File stem of the last migration applied in this environment (e.g. `0003_add_index`):
   * the PreSync migration Job runs up to it.
   */
  migration: string;
  /** Pods per web tier; also the HPA's minimum. */
  replicas: { public: number; api: number };
  autoscale: { maxReplicas: number; cpuPercent: number };
  /** Per web container (the exercise: requests 100m/100Mi, limits 200m/200Mi). */
  webSize: Size;
  db: {
    database: string;
    user: string;
    /** Volume of the primary and of the replica (the exercise: 0.1 Go → 100Mi). */
    volumeSize: string;
    size: Size;
  };
  backup: {
    /** Cron, in the controller's time zone (`timeZone`). */
    schedule: string;
    timeZone: string;
    /** Dumps kept on the backup volume; older ones are deleted after each successful dump. */
    keep: number;
    volumeSize: string;
  };
}
