// Host names routed by Ingresses (as the API server validates them) and by Traefik
// IngressRoutes' Host(`…`) matchers (which Traefik compares against lower-case DNS names).
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { asArray, asObject, asString, index, type JsonObject } from './json.ts';
import { dns1123Subdomain, type Reason } from './formats.ts';

const WILDCARD_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** `Host(` not preceded by a letter: not HostSNI, HostRegexp, HostHeader. */
const HOST_MATCHER = /(?<![A-Za-z])Host\(([^)]*)\)/g;
const MATCHER_ARG = /`([^`]*)`|"((?:[^"\\]|\\.)*)"/g;

export function hostProblem(host: string, wildcard: boolean): Reason {
  if (host.includes('*')) {
    if (!wildcard) return 'a wildcard is not allowed here';
    if (host.length > 253) return `must be at most 253 characters (has ${host.length})`;
    return WILDCARD_SUBDOMAIN.test(host) ? undefined : 'a wildcard host must be "*." followed by a lower-case DNS-1123 subdomain';
  }
  const r = dns1123Subdomain(host);
  if (r && host.toLowerCase() !== host && !dns1123Subdomain(host.toLowerCase())) return `must be lower-case (write "${host.toLowerCase()}")`;
  return r;
}

export function checkIngressHosts(ctx: Context, item: BundleItem, spec: JsonObject): void {
  asArray(spec.rules).forEach((r, i) => {
    const host = asString(asObject(r)?.host);
    if (host === undefined || host === '') return;
    const path = `${index('spec.rules', i)}.host`;
    if (IPV4.test(host)) {
      ctx.report(item, 'schema/host', path, `host "${host}" must be a DNS name, not an IP address (leave host unset to match any)`);
      return;
    }
    const p = hostProblem(host, true);
    if (p) ctx.report(item, 'schema/host', path, `host "${host}": ${p}`);
  });
  asArray(spec.tls).forEach((t, i) => {
    asArray(asObject(t)?.hosts).forEach((h, j) => {
      if (typeof h !== 'string') return;
      const p = hostProblem(h, true);
      if (p) ctx.report(item, 'schema/host', index(`${index('spec.tls', i)}.hosts`, j), `TLS host "${h}": ${p}`);
    });
  });
}

export function checkIngressRouteHosts(ctx: Context, item: BundleItem, spec: JsonObject): void {
  asArray(spec.routes).forEach((r, i) => {
    const match = asString(asObject(r)?.match);
    if (match === undefined || !match.includes('Host(')) return;
    for (const m of match.matchAll(HOST_MATCHER)) {
      for (const a of m[1].matchAll(MATCHER_ARG)) {
        const host = a[1] ?? a[2] ?? '';
        const p = host === '' ? 'must not be empty' : hostProblem(host, false);
        if (p) ctx.report(item, 'schema/host', `${index('spec.routes', i)}.match`, `Host(\`${host}\`): ${p}`);
      }
    }
  });
}
