// Writing environments/<env>.sealed.json: merged per key, sorted, and swapped in atomically
// (a temp file beside it, then rename) so an interrupted run leaves the old file whole.
import { renameSync, writeFileSync, rmSync } from 'node:fs';
import type { SealedData, SealedEntry, SealingScope } from '../../environments/sealed.ts';

export interface SealedUpdate {
  namespace: string;
  name: string;
  scope: SealingScope;
  /** Key → ciphertext. */
  encryptedData: Record<string, string>;
  /** Drop the keys sealed before instead of keeping them beside the new ones. */
  replace: boolean;
}

/** The data with one Secret's keys (re)sealed; a scope change needs every key anew (`replace`). */
export function mergeSealed(data: SealedData, u: SealedUpdate): SealedData {
  const id = `${u.namespace}/${u.name}`;
  const old = data[id];
  if (old && old.scope !== u.scope && !u.replace) {
    const keys = Object.keys(old.encryptedData).filter((k) => !(k in u.encryptedData));
    if (keys.length) {
      throw new Error(`sealed with scope ${old.scope}: a Secret has one scope, so seal its other key(s) ${keys.join(', ')} too, or pass --replace`);
    }
  }
  const encryptedData = { ...(old && !u.replace ? old.encryptedData : {}), ...u.encryptedData };
  return { ...data, [id]: { scope: u.scope, encryptedData } };
}

export function serializeSealed(data: SealedData): string {
  const sorted: Record<string, SealedEntry> = {};
  for (const id of Object.keys(data).sort()) {
    const e = data[id]!;
    sorted[id] = { scope: e.scope, encryptedData: Object.fromEntries(Object.keys(e.encryptedData).sort().map((k) => [k, e.encryptedData[k]!])) };
  }
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export function writeFileAtomic(path: string, content: string, mode?: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
