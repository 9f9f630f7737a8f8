// Typed MetalLB custom resources (metallb.io/v1beta1 IPAddressPool and L2Advertisement), with the
// fields of the v0.16.1 CRDs (config/crd/bases/metallb.io_{ipaddresspools,l2advertisements}.yaml).
// No kubernetes-models package exists for MetalLB, so the validate functions are written by hand
// with the checks of custom-resource.ts (the ajv ValidateFunc protocol the generated models use,
// read so the validator's strict-field check sees every field the CRD knows).
import { isIPv6 } from 'node:net';
import type { ValidateFunc } from '@kubernetes-models/validate';
import type { ObjectMeta } from '../render/types.ts';
import {
  arrayOf, boolean, customResource, fail, integer, labelSelector, object, string, typeMeta, validateFunc,
  type Check, type CustomResource, type LabelSelector,
} from './custom-resource.ts';
import { ipToInt } from './network.ts';

export type { LabelSelector };

export const metallbApiVersion = 'metallb.io/v1beta1';

export interface IPAddressPoolSpec {
  /** CIDR prefixes or explicit `first-last` ranges, IPv4 or IPv6. */
  addresses: string[];
  /** Hand out addresses to Services that don't ask for this pool (default true). */
  autoAssign?: boolean;
  /** Skip .0 and .255 addresses (default false). */
  avoidBuggyIPs?: boolean;
  serviceAllocation?: {
    priority?: number;
    namespaces?: string[];
    namespaceSelectors?: LabelSelector[];
    serviceSelectors?: LabelSelector[];
  };
}

export interface IPAddressPoolStatus {
  assignedIPv4: number;
  assignedIPv6: number;
  availableIPv4: number;
  availableIPv6: number;
}

export interface IIPAddressPool {
  apiVersion: 'metallb.io/v1beta1';
  kind: 'IPAddressPool';
  metadata: ObjectMeta;
  spec: IPAddressPoolSpec;
  status?: IPAddressPoolStatus;
}

export interface L2AdvertisementSpec {
  /** Pools announced by name; with neither this nor selectors, every pool is announced. */
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
  /** Nodes allowed to announce; empty = every node running a speaker. */
  nodeSelectors?: LabelSelector[];
  /** Interfaces to answer ARP/NDP on; empty = all (minus the metallb-excludel2 list). */
  interfaces?: string[];
  serviceSelectors?: LabelSelector[];
}

export interface IL2Advertisement {
  apiVersion: 'metallb.io/v1beta1';
  kind: 'L2Advertisement';
  metadata: ObjectMeta;
  spec?: L2AdvertisementSpec;
  /** The CRD declares an empty status object. */
  status?: Record<string, never>;
}

// ---- addresses -----------------------------------------------------------------------------

type Family = 4 | 6;

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  // An embedded dotted quad (::ffff:1.2.3.4) counts as two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const n = ipToInt(quad[1]);
    text = `${text.slice(0, -quad[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parses one IP the way Go's net.ParseIP does for our purposes (no zones, no leading zeros in v4). */
function parseIp(text: string): { family: Family; value: bigint } | undefined {
  if (text.includes('.') && !text.includes(':')) {
    try {
      return { family: 4, value: BigInt(ipToInt(text)) };
    } catch {
      return undefined;
    }
  }
  if (!text.includes('%') && isIPv6(text)) return { family: 6, value: ipv6ToBigInt(text) };
  return undefined;
}

/**
 * Why `entry` is not a MetalLB pool address (undefined when it is): a CIDR prefix
 * (`192.168.10.0/24`, `fc00::/124`) or an inclusive range `first-last` of one family,
 * as MetalLB's config parser accepts them (whitespace around the dash is allowed).
 */
export function poolAddressProblem(entry: string): string | undefined {
  const dash = entry.split('-');
  if (dash.length > 2) return `"${entry}" has more than one "-"`;
  if (dash.length === 2) {
    const [a = '', b = ''] = dash.map((s) => s.trim());
    const first = parseIp(a);
    const last = parseIp(b);
    if (!first) return `"${a}" in range "${entry}" is not an IP address`;
    if (!last) return `"${b}" in range "${entry}" is not an IP address`;
    if (first.family !== last.family) return `range "${entry}" mixes IPv4 and IPv6`;
    if (first.value > last.value) return `range "${entry}" starts after it ends`;
    return undefined;
  }
  const slash = entry.split('/');
  if (slash.length !== 2) return `"${entry}" is neither a CIDR (a.b.c.d/n) nor a range (first-last)`;
  const [ip = '', bits = ''] = slash;
  const parsed = parseIp(ip);
  if (!parsed) return `"${ip}" in CIDR "${entry}" is not an IP address`;
  const max = parsed.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `prefix length "/${bits}" of "${entry}" is not 0..${max}`;
  return undefined;
}

const poolAddress: Check = (data, path, errors) => {
  if (typeof data !== 'string') return fail(errors, path, 'type', { type: 'string' }, 'must be string');
  const problem = poolAddressProblem(data);
  if (problem) fail(errors, path, 'format', { format: 'CIDR or first-last IP range' }, problem);
};

// ---- the two kinds -------------------------------------------------------------------------

const ipAddressPoolCheck = object(
  {
    ...typeMeta(metallbApiVersion, 'IPAddressPool'),
    spec: object(
      {
        addresses: arrayOf(poolAddress),
        autoAssign: boolean,
        avoidBuggyIPs: boolean,
        serviceAllocation: object({
          priority: integer,
          namespaces: arrayOf(string),
          namespaceSelectors: arrayOf(labelSelector),
          serviceSelectors: arrayOf(labelSelector),
        }),
      },
      ['addresses'],
    ),
    status: object(
      { assignedIPv4: integer, assignedIPv6: integer, availableIPv4: integer, availableIPv6: integer },
      ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const l2AdvertisementCheck = object(
  {
    ...typeMeta(metallbApiVersion, 'L2Advertisement'),
    spec: object({
      ipAddressPools: arrayOf(string),
      ipAddressPoolSelectors: arrayOf(labelSelector),
      nodeSelectors: arrayOf(labelSelector),
      interfaces: arrayOf(string),
      serviceSelectors: arrayOf(labelSelector),
    }),
    status: object({}),
  },
  ['apiVersion', 'kind', 'metadata'],
);

export const validateIPAddressPool: ValidateFunc<IIPAddressPool> = validateFunc(ipAddressPoolCheck);
export const validateL2Advertisement: ValidateFunc<IL2Advertisement> = validateFunc(l2AdvertisementCheck);

export const IPAddressPool = customResource<IIPAddressPool>(metallbApiVersion, 'IPAddressPool', validateIPAddressPool);
export type IPAddressPool = CustomResource<IIPAddressPool>;

export const L2Advertisement = customResource<IL2Advertisement>(metallbApiVersion, 'L2Advertisement', validateL2Advertisement);
export type L2Advertisement = CustomResource<IL2Advertisement>;

/** The MetalLB kinds we type, for the validator's schema registry. */
export const metallbModels = [IPAddressPool, L2Advertisement] as const;
