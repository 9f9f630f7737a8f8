// environments/<env>.sealed.json: the ciphertext of every Secret an environment seals, read
// through this schema so a misspelt key, a wrong scope or a pasted plaintext is an error naming
// the file and the field. `npm run seal` is the writer (render/seal/); docs/secrets.md.
import { RenderError } from '../render/types.ts';

/**
 * What the ciphertext is bound to (Sealed Secrets' `--scope`): strict = this namespace and
 * name (the RSA-OAEP label is `namespace/name`), namespace-wide = any name in this namespace,
 * cluster-wide = anywhere.
 */
export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';
export const SEALING_SCOPES: readonly SealingScope[] = ['strict', 'namespace-wide', 'cluster-wide'];

export interface SealedEntry {
  scope: SealingScope;
  /** Key of the Secret → base64 of the controller's hybrid ciphertext. */
  encryptedData: Readonly<Record<string, string>>;
}

/** `namespace/name` of the Secret the controller creates → its sealed values. */
export type SealedData = Readonly<Record<string, SealedEntry>>;

export const sealedDataFile = (env: string): string => `environments/${env}.sealed.json`;
export const sealingCertFile = (env: string): string => `environments/${env}.sealing-cert.pem`;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Secret data keys: `[-._a-zA-Z0-9]+` (the API server's rule). */
export const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const BASE64 = /^[A-Za-z0-9+/]+=*$/;
/** 2-byte length + a 2048-bit RSA block + the GCM tag: anything shorter is not the controller's ciphertext. */
const MIN_CIPHERTEXT_BYTES = 2 + 256 + 16;

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}
export function isDnsSubdomain(s: string): boolean {
  return DNS_SUBDOMAIN.test(s);
}

/** Parses and checks one environment's sealed data; `file` names it in every error. */
export function sealedData(json: unknown, file: string): SealedData {
  const fail = (field: string, message: string): never => {
    throw new RenderError({ file, ...(field ? { field } : {}) }, message);
  };
  if (!isRecord(json)) fail('', 'expected a JSON object of "namespace/name" → { scope, encryptedData }');
  const out: Record<string, SealedEntry> = {};
  for (const [id, raw] of Object.entries(json as Record<string, unknown>)) {
    const [namespace, name, ...rest] = id.split('/');
    if (rest.length || !namespace || !name || !isDnsLabel(namespace) || !isDnsSubdomain(name)) {
      fail(id, 'keys are "<namespace>/<secret name>" (a DNS label and a DNS subdomain)');
    }
    if (!isRecord(raw)) fail(id, 'expected { "scope": …, "encryptedData": { key: ciphertext } }');
    const entry = raw as Record<string, unknown>;
    for (const k of Object.keys(entry)) if (k !== 'scope' && k !== 'encryptedData') fail(`${id}.${k}`, 'unknown field (known: scope, encryptedData)');
    if (!SEALING_SCOPES.includes(entry.scope as SealingScope)) fail(`${id}.scope`, `expected one of ${SEALING_SCOPES.join(', ')}`);
    if (!isRecord(entry.encryptedData) || Object.keys(entry.encryptedData).length === 0) fail(`${id}.encryptedData`, 'expected at least one key → ciphertext');
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry.encryptedData as Record<string, unknown>)) {
      const field = `${id}.encryptedData.${key}`;
      if (!SECRET_KEY.test(key)) fail(field, 'a Secret key is made of letters, digits, "-", "_" and "."');
      if (typeof value !== 'string' || !BASE64.test(value) || Buffer.from(value, 'base64').length < MIN_CIPHERTEXT_BYTES) {
        fail(field, 'not sealed ciphertext (write it with `npm run seal`, never paste a value)');
      }
      data[key] = value as string;
    }
    out[id] = { scope: entry.scope as SealingScope, encryptedData: data };
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
