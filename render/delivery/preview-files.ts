// A preview folder read back from disk (the CI artifact the untrusted render job produced):
// checked again before it is published, so what reaches the previews branch is confined to
// its namespace whatever code produced it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isClusterScoped } from '../scope.ts';
import { RenderError, type KubeObject } from '../types.ts';
import { checkIsolation, FORBIDDEN_KINDS, urlsOf } from './preview.ts';

export interface PreviewFolder {
  files: Map<string, string>;
  urls: string[];
}

export function readPreviewFolder(dir: string, namespace: string, ingressNamespace: string): PreviewFolder {
  const files = new Map<string, string>();
  const objects: KubeObject[] = [];
  const names = readdirSync(dir, { withFileTypes: true });
  for (const e of names.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isFile() || !/^[A-Za-z0-9._-]+\.yaml$/.test(e.name)) throw new RenderError({ file: e.name }, 'a preview folder holds only flat <kind>-<name>.yaml files');
    const text = readFileSync(join(dir, e.name), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) throw new RenderError({ file: e.name }, `not valid YAML: ${doc.errors[0].message}`);
      const o = doc.toJS() as KubeObject | null;
      if (!o) continue;
      const id = `${o.kind}/${o.metadata?.name}`;
      if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') throw new RenderError({ file: e.name }, 'not a Kubernetes object');
      if (FORBIDDEN_KINDS.has(o.kind)) throw new RenderError({ file: e.name, resource: id }, `${o.kind} is not allowed in a preview`);
      if (o.kind === 'Namespace') {
        if (o.metadata.name !== namespace) throw new RenderError({ file: e.name, resource: id }, `a preview owns only the Namespace ${namespace}`);
      } else if (isClusterScoped(o.kind)) {
        throw new RenderError({ file: e.name, resource: id }, `${o.kind} is cluster-scoped: not allowed in a preview`);
      } else if (o.metadata.namespace !== namespace) {
        throw new RenderError({ file: e.name, resource: id, field: 'metadata.namespace' }, `must be in namespace ${namespace}`);
      }
      objects.push(o);
    }
    files.set(e.name, text);
  }
  if (!objects.some((o) => o.kind === 'Namespace')) throw new RenderError({ resource: `Namespace/${namespace}` }, 'the preview must own its Namespace (so deleting the Application removes everything)');
  checkIsolation(objects, namespace, ingressNamespace);
  return { files, urls: urlsOf(objects) };
}
