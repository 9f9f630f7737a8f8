// The API server's own string rules (k8s.io/apimachinery/pkg/util/validation), which the
// OpenAPI schemas do not carry. Each returns a reason when the value is invalid.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;

export type Reason = string | undefined;

export function dns1123Label(v: string): Reason {
  if (v.length > 63) return `must be at most 63 characters (has ${v.length})`;
  if (!DNS1123_LABEL.test(v)) return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}

export function dns1035Label(v: string): Reason {
  if (v.length > 63) return `must be at most 63 characters (has ${v.length})`;
  if (!DNS1035_LABEL.test(v)) return 'must be an RFC-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
  return undefined;
}

export function dns1123Subdomain(v: string, max = 253): Reason {
  if (v.length > max) return `must be at most ${max} characters (has ${v.length})`;
  if (!DNS1123_SUBDOMAIN.test(v)) return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** RBAC objects: any string usable as one URL path segment. */
export function pathSegmentName(v: string): Reason {
  if (v === '.' || v === '..') return `may not be "${v}"`;
  if (v.includes('/') || v.includes('%')) return 'may not contain "/" or "%"';
  return undefined;
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain ≤ 253, name ≤ 63. */
export function qualifiedName(v: string): Reason {
  const parts = v.split('/');
  if (parts.length > 2) return 'must be "name" or "prefix/name" with one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') return 'the prefix before "/" must not be empty';
    const r = dns1123Subdomain(prefix);
    if (r) return `prefix "${prefix}" ${r}`;
  }
  if (name === '') return 'the name part must not be empty';
  if (name.length > 63) return `the name part must be at most 63 characters (has ${name.length})`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'the name part must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

export function labelValue(v: string): Reason {
  if (v === '') return undefined;
  if (v.length > 63) return `must be at most 63 characters (has ${v.length})`;
  if (!QUALIFIED_NAME_PART.test(v)) return 'must be empty or consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

/** Container port names and named target ports: IANA service names. */
export function ianaServiceName(v: string): Reason {
  if (v.length > 15) return `must be at most 15 characters (has ${v.length})`;
  if (!IANA_SVC_NAME.test(v)) return 'must contain only lowercase letters, digits and "-"';
  if (v.startsWith('-') || v.endsWith('-')) return 'must not start or end with "-"';
  if (v.includes('--')) return 'must not contain "--"';
  if (!/[a-z]/.test(v)) return 'must contain at least one letter';
  return undefined;
}

export function portNumber(v: number): Reason {
  if (!Number.isInteger(v) || v < 1 || v > 65535) return `must be between 1 and 65535 (is ${v})`;
  return undefined;
}

/** ConfigMap and Secret data keys. */
export function configKey(v: string): Reason {
  if (v.length > 253) return `must be at most 253 characters (has ${v.length})`;
  if (!/^[-._a-zA-Z0-9]+$/.test(v)) return 'must consist of letters, digits, "-", "_" or "."';
  if (v === '.' || v === '..' || v.startsWith('..')) return 'must not be "." or start with ".."';
  return undefined;
}
