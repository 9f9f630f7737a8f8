import { createHash } from 'node:crypto';
import { ConfigMap } from '../../platform/kinds.ts';
import type { StringMap } from '../../render/types.ts';
import { byText } from '../../render/text-order.ts';

export function configMap(name: string, data: StringMap, labels: StringMap = {}): ConfigMap {
  const sorted: StringMap = {};
  for (const key of Object.keys(data).sort()) sorted[key] = data[key];
  return new ConfigMap({ metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) }, data: sorted });
}

/**
 * sha256 of the ConfigMaps a pod consumes, put on its template as an annotation: a change of
 * configuration changes the template and so rolls the pods (env and subPath mounts are not
 * refreshed in place).
 */
export function configChecksum(maps: readonly ConfigMap[]): StringMap {
  if (maps.length === 0) return {};
  const hash = createHash('sha256');
  for (const m of [...maps].sort((a, b) => byText(a.metadata?.name ?? '', b.metadata?.name ?? ''))) {
    hash.update(JSON.stringify({ name: m.metadata?.name, data: m.data ?? {}, binaryData: m.binaryData ?? {} }));
    hash.update('\n');
  }
  return { 'checksum.gitops/config': hash.digest('hex') };
}
