// What the platform provides to applications: typed values handed from one model to the next,
// so a name such as the StorageClass is written once, by the model that creates it.
import type { Ipv4 } from '../environments/types.ts';
import type { LoadBalancerIp } from './metallb.ts';
import type { BackupPlatformFacts } from './velero.ts';

export interface StorageClassRef {
  name: string;
  /** ReadWriteMany works (NFS). */
  readWriteMany: boolean;
}

export interface IngressFacts {
  /** IngressClass name (for plain Ingress objects). */
  className: string;
  /** Namespace Traefik runs in (where cross-namespace middlewares live). */
  namespace: string;
  entryPoints: { web: string; websecure: string };
  /** Traefik certificate resolver name for `tls.certResolver`. */
  certResolver: string;
  /** The Traefik Service's LoadBalancer IP. */
  loadBalancerIp: string;
}

/** Where the ACME client's connections go: an in-cluster server's pods, or the Internet. */
export type AcmeEndpoint = { namespace: string; port: number } | { internet: true; port: number };

export interface AcmeFacts {
  issuer: 'pebble' | 'letsencrypt';
  /** ACME directory URL Traefik's resolver uses. */
  caServer: string;
  /** What Traefik's egress policy must allow to reach `caServer`. */
  endpoint: AcmeEndpoint;
}

/** The resource metrics API (metrics.k8s.io) HPAs on CPU and memory read. */
export interface MetricsApiFacts {
  /** The APIService that registers it, e.g. `v1beta1.metrics.k8s.io`. */
  apiService: string;
  group: 'metrics.k8s.io';
  /** Sync wave of its provider: anything holding an HPA must sync later. */
  syncWave: number;
}

export interface PlatformFacts {
  storageClass: StorageClassRef;
  ingress: IngressFacts;
  acme: AcmeFacts;
  /** Base domain of the environment. */
  domain: string;
  metricsApi: MetricsApiFacts;
  /** Velero's namespace and Schedules (what the backup-age alert watches). */
  backup: BackupPlatformFacts;
  /**
   * MetalLB's address pool: an app exposing a LoadBalancer Service reserves its address here
   * (in the pool, not taken by Traefik or another app) and passes the returned value on.
   */
  loadBalancer: { assign(address: Ipv4, owner: string): LoadBalancerIp };
  /** Prometheus, where the environment runs one: apps add rules, exporters and scrape annotations only then. */
  metrics?: MetricsFacts;
}

export interface MetricsFacts {
  /** Namespace of Prometheus and Alertmanager. */
  namespace: string;
  /** In-cluster URL of Prometheus' HTTP API (Grafana's datasource). */
  prometheusUrl: string;
  /** Pod labels of the Prometheus server: the NetworkPolicy peer that scrapes and is queried. */
  prometheusPodLabels: Readonly<Record<string, string>>;
  /** Port Grafana and others query Prometheus on. */
  prometheusPort: number;
}
