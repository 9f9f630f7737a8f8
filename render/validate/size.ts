// Size limits the cluster enforces on one object, checked without serializing every object:
// - ConfigMap data + binaryData, and Secret data (decoded) + stringData: at most 1 MiB
//   (1,048,576 bytes; the API server's validation, MaxSecretSize).
// - The whole object: at most 1.5 MiB (1,572,864 bytes) of JSON — etcd's default
//   --max-request-bytes (kubeadm keeps it); beyond it the API server answers "etcdserver: request
//   is too large". (The API server's own request limit, 3 MiB, is never the first one hit.)
// - A YAML document whose content alone exceeds 4 MiB is not parsed at all (yaml-source.ts):
//   no cluster would take it, and reading an 85 MB document costs gigabytes.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { asObject, type JsonObject } from './json.ts';

export const MAX_DATA_BYTES = 1024 * 1024;
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
export const MAX_DOCUMENT_CONTENT_BYTES = 4 * 1024 * 1024;
/**
 * Below this much YAML text an object cannot reach MAX_OBJECT_BYTES of JSON (JSON quotes every
 * key and string but drops indentation: well under 3× block YAML), so it is not serialized.
 */
const SERIALIZE_ABOVE_SOURCE_BYTES = 256 * 1024;

export function checkSize(ctx: Context, item: BundleItem, o: JsonObject, kind: string, group: string): void {
  if (group === '' && (kind === 'ConfigMap' || kind === 'Secret')) {
    const bytes = kind === 'ConfigMap' ? configMapBytes(o) : secretBytes(o);
    if (bytes > MAX_DATA_BYTES) {
      const what = kind === 'ConfigMap' ? 'data and binaryData' : 'data and stringData';
      ctx.report(item, 'schema/too-large', '',
        `${kind} ${what} hold ${bytes.toLocaleString('en')} bytes: the API server accepts at most ${MAX_DATA_BYTES.toLocaleString('en')} (1 MiB); split it, or mount the content from elsewhere (a volume, an image)`);
      return;
    }
  }
  // Objects built in memory (render) come with the length of their serialized YAML.
  if (item.sourceBytes === undefined || item.sourceBytes <= SERIALIZE_ABOVE_SOURCE_BYTES) return;
  const bytes = Buffer.byteLength(JSON.stringify(o));
  if (bytes > MAX_OBJECT_BYTES) {
    ctx.report(item, 'schema/too-large', '',
      `the object is ${bytes.toLocaleString('en')} bytes as JSON: etcd stores at most ${MAX_OBJECT_BYTES.toLocaleString('en')} (1.5 MiB, its default --max-request-bytes) and the API server answers "request is too large"; split it`);
  }
}

function stringBytes(section: JsonObject | undefined, decode: boolean, skip?: JsonObject): number {
  if (!section) return 0;
  let n = 0;
  for (const k of Object.keys(section)) {
    if (skip && k in skip) continue;
    const v = section[k];
    if (typeof v !== 'string') continue;
    n += decode ? base64Bytes(v) : Buffer.byteLength(v);
  }
  return n;
}

function base64Bytes(v: string): number {
  const s = v.replace(/\s+/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}

function configMapBytes(o: JsonObject): number {
  return stringBytes(asObject(o.data), false) + stringBytes(asObject(o.binaryData), true);
}

/** stringData is merged into data on write (a key in both takes stringData's value). */
function secretBytes(o: JsonObject): number {
  const stringData = asObject(o.stringData);
  return stringBytes(stringData, false) + stringBytes(asObject(o.data), true, stringData);
}

/** Length of a YAML document without indentation and comment lines: a floor for its JSON. */
export function documentContentBytes(text: string, start: number, end: number): number {
  let n = 0;
  let i = start;
  while (i < end) {
    let j = text.indexOf('\n', i);
    if (j < 0 || j > end) j = end;
    let k = i;
    while (k < j && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    if (text.charCodeAt(k) !== 35 /* # */) n += j - k;
    i = j + 1;
  }
  return n;
}
