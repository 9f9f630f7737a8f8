// Pebble, Let's Encrypt's test ACME server, for the lab only. It runs from the upstream
// jupyterhub chart (an Argo CD Helm source) rather than from objects we render: the chart
// ships its static test root *key* (to sign Pebble's own HTTPS leaf at start-up), and a
// private key must never land in our rendered/ tree, even a public test one. We only keep
// the matching root *certificate*, which Traefik needs to trust Pebble's HTTPS endpoint.
//
// Pebble keeps nothing across restarts: its accounts are gone while Traefik's acme.json still
// holds one, and issuance fails with "account does not exist" until the `pebble` entry of
// /data/acme.json is removed (the resolver is named after the issuer, so Let's Encrypt
// entries are never affected) and Traefik restarted.
import { Namespace, NetworkPolicy } from './kinds.ts';
import { inNamespace, namespaceBaseline, tcp } from './network-policies.ts';
import type { PlatformVersions } from '../environments/types.ts';
import type { Component, UpstreamSource } from '../render/types.ts';
import type { CaTrust } from './acme.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';

/** The chart's images are pinned by its version (`platform.pebble-chart`). */
export const pebbleChart = {
  repoURL: 'https://jupyterhub.github.io/helm-chart/',
  chart: 'pebble',
} as const;

/**
 * The chart versions this model was written for: 1.5.0 (Pebble 2.10.0) and its patches. Its
 * values, Service names and the HTTPS root below are that chart's.
 */
export const pebbleChartRelease = {
  pin: 'pebble-chart',
  component: 'pebble',
  supported: '>=1.5.0 <1.6.0',
  prefix: '',
} as const satisfies ReleaseLine;

export type PebbleVersions = Pick<PlatformVersions, 'pebble-chart'>;

export const pebbleNamespace = 'pebble';
/**
 * The chart names its Service after this (`fullnameOverride`); the leaf it signs at start-up
 * covers `<fullname>.<namespace>.svc.cluster.local`, so the directory URL uses the same two names.
 */
export const pebbleFullname = 'pebble';
/** The chart's Service port for the ACME API (container port 8443). */
const acmeServicePort = 443;
const directoryPath = '/dir';
/** The chart's container port behind the ACME Service port. */
export const pebbleAcmePort = 8443;

/**
 * The chart's `files/root-cert.pem` (ConfigMap `pebble`, key `root-cert.pem`): the static root
 * that signs Pebble's *HTTPS* leaf (CN=minica root ca 3af47b, 2020-04-26 → 2120-04-27,
 * SHA-256 9B:C7:C1:7B:4A:F7:76:AE:3F:5D:02:C1:67:D7:69:10:09:37:F6:DB:0C:C5:32:83:17:83:D2:83:15:D0:49:24).
 * Not to be confused with the *issuing* root Pebble regenerates on every start (served at
 * :8444/roots/0): browsers need that one to trust the lab's certificates, Traefik does not.
 * Check it again before widening `pebbleChartRelease`.
 */
const chartHttpsRootPem = `-----BEGIN CERTIFICATE-----
MIIDSzCCAjOgAwIBAgIIOvR7X+wFgKkwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UE
AxMVbWluaWNhIHJvb3QgY2EgM2FmNDdiMCAXDTIwMDQyNjIzMDYxNloYDzIxMjAw
NDI3MDAwNjE2WjAgMR4wHAYDVQQDExVtaW5pY2Egcm9vdCBjYSAzYWY0N2IwggEi
MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCaoISLUOImo7vm7sGUpeycouDP
TcJj6CxfCbvBsrlAg8ERGIph9H7TuDnTVk46pOaoxByGlwvvh4qR/Dled+G8NCt5
s0r0yemY/fx1grm1TmcJRO+A1P5kx/M9hy+kVcyLRvPOnvo8Thj/4zvaJDh+pSjt
5oAQvOHt9hYwGkkvSsZw12cTUuCsbypQ4lapDSeAjp3pNlqFcWmCvF9Ib3URDybN
JWhY6yQQe54D2LxYqxCfYZjKhNbaxlNTlHu0Ujy75I/AdSjK6DljAZh0OimuQNEm
FyXWvpnfyHbV5f0mMiXIOo2FY8izSD7cyFagmr0XvymCtxeDK1+MvT2pM+rXAgMB
AAGjgYYwgYMwDgYDVR0PAQH/BAQDAgKEMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggr
BgEFBQcDAjASBgNVHRMBAf8ECDAGAQH/AgEAMB0GA1UdDgQWBBR0MgecNe4RY575
qAtIt6zAjbBqLTAfBgNVHSMEGDAWgBR0MgecNe4RY575qAtIt6zAjbBqLTANBgkq
hkiG9w0BAQsFAAOCAQEAjtGjoXGRG7586vyT3XcJBa8y9MOsDhQGOec23h40NJCn
SPF28bmTIaWhB+Hv8G+Mkyf9Ov3L5L/mH0VGvZUkMAnSdT4vaMYGrTvMtYGS/8ew
lPnlSJ3oO9Kz9zfOneoPDD1OGkV0Oq3wLn9cq6jQgItEeACsXNtaogXJxYhvxiV1
1k/gjXmG9pvFpb0A1bw6apxGftIViDKrPR2P/pG3QAuLKywQiNxZ5odf3kvKdZmJ
hLbu119My9XiiWhNegufcRNRNEnKJ5AQsBEwLEnD4oeIZmFvYVKOPjfWRV5qczVi
mUPjtQv88HhlgX/lBVWJ2VONlFWVoOreZz4GkAm5bA==
-----END CERTIFICATE-----
`;

export interface Pebble {
  component: Component;
  /** ACME directory URL, e.g. `https://pebble.pebble.svc.cluster.local/dir`. */
  directoryUrl: string;
  /** The CA Traefik must trust to speak HTTPS to the directory. */
  trust: CaTrust;
}

export function pebbleServiceHost(): string {
  return `${pebbleFullname}.${pebbleNamespace}.svc.cluster.local`;
}

export function pebbleDirectoryUrl(): string {
  const port = acmeServicePort === 443 ? '' : `:${acmeServicePort}`;
  return `https://${pebbleServiceHost()}${port}${directoryPath}`;
}

/** Values over the chart's defaults (Helm merges maps; lists such as `pebble.env` are replaced whole). */
export function pebbleHelmValues(): Record<string, unknown> {
  return {
    fullnameOverride: pebbleFullname,
    pebble: {
      // Empty node ports make the chart render a ClusterIP Service: the test CA stays inside the cluster.
      nodePort: '',
      mgmtNodePort: '',
      env: [
        { name: 'PEBBLE_VA_NOSLEEP', value: '1' },
        { name: 'PEBBLE_WFE_NONCEREJECT', value: '0' },
        { name: 'PEBBLE_AUTHZREUSE', value: '100' },
        // Every challenge passes without Pebble connecting back. The lab's hostnames live in a
        // public zone (dev.<domain>) that cluster DNS does not point at Traefik, so a real HTTP-01
        // check from inside the cluster would need the chart's CoreDNS rewriting that zone to the
        // Traefik Service. What the lab exercises is Traefik's side (account, order, finalize,
        // acme.json, CA trust); the challenge path itself is exercised against Let's Encrypt
        // staging, never here. Lab only: this is why Pebble never runs in prod.
        { name: 'PEBBLE_VA_ALWAYS_VALID', value: '1' },
      ],
    },
    // Only used to resolve challenge hosts, which ALWAYS_VALID skips.
    coredns: { enabled: false },
  };
}

export function pebble(versions: PebbleVersions): Pebble {
  const chart: UpstreamSource = {
    label: 'chart',
    repoURL: pebbleChart.repoURL,
    chart: pebbleChart.chart,
    targetRevision: pinnedRelease(pebbleChartRelease, versions['pebble-chart']),
    helmValues: pebbleHelmValues(),
    namespace: pebbleNamespace,
  };
  return {
    component: {
      name: 'pebble',
      namespace: pebbleNamespace,
      layer: 'platform',
      // Before Traefik (-10), whose ACME resolver calls it on start.
      syncWave: -15,
      resources: [
        new Namespace({
          // The chart sets no securityContext on its pods (they run as the images' users).
          metadata: { name: pebbleNamespace, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
        }),
      ],
      upstream: [chart],
    },
    directoryUrl: pebbleDirectoryUrl(),
    trust: { key: 'root-cert.pem', pem: chartHttpsRootPem },
  };
}

/**
 * Pebble's namespace denies by default; only the ACME client (Traefik, in `clientNamespace`)
 * reaches the ACME API. Pebble itself dials nobody: challenges always pass (PEBBLE_VA_ALWAYS_VALID).
 * The chart's pods carry its own labels, so the rule selects every pod of the namespace.
 */
export function pebbleNetworkPolicies(clientNamespace: string): NetworkPolicy[] {
  return [
    ...namespaceBaseline(),
    new NetworkPolicy({
      metadata: { name: 'acme-clients' },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [inNamespace(clientNamespace)], ports: tcp(pebbleAcmePort) }],
      },
    }),
  ];
}
