// What the platform provides to applications: typed values handed from one model to the next,
// so a name such as the StorageClass is written once, by the model that creates it.

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

export interface AcmeFacts {
  issuer: 'pebble' | 'letsencrypt';
  /** ACME directory URL Traefik's resolver uses. */
  caServer: string;
}

export interface PlatformFacts {
  storageClass: StorageClassRef;
  ingress: IngressFacts;
  acme: AcmeFacts;
  /** Base domain of the environment. */
  domain: string;
}
