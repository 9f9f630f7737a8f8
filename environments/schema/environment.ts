// The schema of an environment value (environments/<env>.ts), checked when environments/index.ts
// loads it. environments/types.ts stays the documented truth; the assertion at the bottom fails
// tsc whenever this schema and the `Environment` type differ in any field.
import { z } from 'zod';
import { appSelection } from '../../apps/schemas.ts';
import type { Same } from '../../apps/kit/schema.ts';
import type { Cidr, Environment, Ipv4 } from '../types.ts';
import type { SealedData } from '../sealed.ts';
import { platformVersions } from './versions.ts';

// Each schema parses a handful of values once per run: zod's JIT (a parser compiled per schema
// with `new Function`) costs more than it saves here (a render's data checks: 34 → 25 ms).
z.config({ jitless: true });

const ipv4 = z.ipv4({ error: 'expected an IPv4 address' }).transform((ip) => ip as Ipv4);
const cidr = z.cidrv4({ error: 'expected an IPv4 CIDR (a.b.c.d/n)' }).transform((c) => c as Cidr);
const minorVersion = z
  .string()
  .regex(/^\d+\.\d+$/, { error: 'expected a major.minor version such as "1.33"' })
  .transform((v) => v as `${number}.${number}`);

const backupTier = z.strictObject({ cron: z.string(), keep: z.int().positive() });

const node = z.strictObject({ name: z.string(), ip: ipv4, controlPlane: z.boolean().optional() });

export const environmentSchema = z.strictObject({
  name: z.string(),
  cluster: z.strictObject({
    kubernetesVersion: minorVersion,
    nodeSubnet: cidr,
    nodes: z.array(node),
    podCidr: cidr,
    serviceCidr: cidr,
    kubeProxyMode: z.enum(['iptables', 'ipvs']),
    kubeletServingCerts: z.enum(['self-signed', 'cluster-ca']),
  }),
  network: z.strictObject({ enforcePolicies: z.boolean() }),
  loadBalancer: z.strictObject({
    pool: z.strictObject({ name: z.string(), first: ipv4, last: ipv4 }),
    ingressIp: ipv4,
  }),
  nfs: z.strictObject({ server: ipv4, path: z.string(), reclaimPolicy: z.enum(['Delete', 'Retain']), archiveOnDelete: z.boolean() }),
  domain: z.string(),
  acme: z.discriminatedUnion('issuer', [
    z.strictObject({ issuer: z.literal('pebble'), email: z.string() }),
    z.strictObject({ issuer: z.literal('letsencrypt'), email: z.string(), directory: z.enum(['production', 'staging']) }),
  ]),
  gitops: z.strictObject({ repoURL: z.string(), targetRevision: z.string(), argocdHost: z.string(), githubOrg: z.string().optional() }),
  strictPolicy: z.boolean(),
  platform: platformVersions,
  backup: z.strictObject({
    store: z.strictObject({
      scheme: z.enum(['https', 'http']),
      address: ipv4,
      port: z.int().min(1).max(65535),
      hostname: z.string().optional(),
      bucket: z.string(),
      prefix: z.string(),
      region: z.string(),
      credentialsSecret: z.string(),
    }),
    schedules: z.strictObject({ daily: backupTier, weekly: backupTier, monthly: backupTier, yearly: backupTier }),
  }),
  monitoring: z
    .strictObject({
      retention: z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, { error: 'expected a Prometheus duration such as "15d"' }),
      storage: z.string(),
      alertmanagerStorage: z.string(),
      prometheusSize: z.strictObject({
        requests: z.strictObject({ cpu: z.string(), memory: z.string() }),
        limits: z.strictObject({ memory: z.string() }),
      }),
      alertWebhook: z.strictObject({ secret: z.string(), key: z.string(), format: z.enum(['slack', 'webhook']) }),
    })
    .optional(),
  apps: appSelection,
  // Parsed and checked on import by sealedData() (environments/sealed.ts), which names the JSON file.
  sealed: z.custom<SealedData>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'expected the sealed data of environments/<env>.sealed.json' }),
});

// tsc fails here (`true` is not assignable to `false`) when the schema and the type differ: change both.
const inSync: Same<z.output<typeof environmentSchema>, Environment> = true;
void inSync;
