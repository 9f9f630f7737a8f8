// A preview folder read back from disk (the CI artifact the untrusted render job produced):
// checked again before it is published, so what reaches the previews branch is confined to
// its namespace whatever code produced it. The checks are the render's own (preview-confinement.ts).
// Files are read the way Argo CD reads them (YAML 1.1: `yes` is true, `<<` merges), and what is
// published is the checked object written again, never the artifact's bytes: no parser
// difference can smuggle a field past the check. The platform's own objects for the namespace
// (Namespace, ResourceQuota, LimitRange: preview-namespace.ts) are added here, by trusted code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { objectId } from '../build.ts';
import { RenderError, type KubeObject } from '../types.ts';
import { checkConfinement, isPreviewKind, kindRefusal, type PreviewScope } from './preview-confinement.ts';
import { previewPlatformObjects } from './preview-namespace.ts';
import { toYaml } from '../yaml.ts';
import { fastDocuments } from '../fast-yaml.ts';
import { fileName, urlsOf } from './preview.ts';
import { byText } from '../text-order.ts';

export interface PreviewFolder {
  /** What is published: the checked objects written again, and the platform's. */
  files: Map<string, string>;
  urls: string[];
}

/** The one object of a preview file, read with positions: the errors name what is wrong. */
function readOneDocument(text: string, file: string): KubeObject | null {
  const docs = parseAllDocuments(text, { version: '1.1', merge: true, uniqueKeys: true });
  const found = Array.isArray(docs) ? docs.filter((d) => d.contents !== null) : [];
  if (found.length !== 1) throw new RenderError({ file }, `a preview file holds exactly one object (found ${found.length})`);
  const doc = found[0];
  if (doc.errors.length) throw new RenderError({ file }, `not valid YAML: ${doc.errors[0].message}`);
  try {
    // The render never writes anchors; refusing aliases also refuses alias bombs.
    return doc.toJS({ maxAliasCount: 0 }) as KubeObject | null;
  } catch (err) {
    throw new RenderError({ file }, `not plain YAML: ${(err as Error).message}`);
  }
}

export function readPreviewFolder(dir: string, scope: PreviewScope): PreviewFolder {
  const files = new Map<string, string>();
  const objects: KubeObject[] = [];
  const fileOf = new Map<KubeObject, string>();
  const names = readdirSync(dir, { withFileTypes: true });
  for (const e of names.sort((a, b) => byText(a.name, b.name))) {
    if (!e.isFile() || !/^[A-Za-z0-9._-]+\.yaml$/.test(e.name)) throw new RenderError({ file: e.name }, 'a preview folder holds only flat <kind>-<name>.yaml files');
    const text = readFileSync(join(dir, e.name), 'utf8');
    // The fast reader gives the same values for plain files; anything else (and every error) is
    // read and worded by the slow one.
    const fast = fastDocuments(text, { version: '1.1', aliases: false });
    let o: KubeObject | null;
    if (fast?.length === 1 && typeof fast[0] === 'object' && fast[0] !== null) o = fast[0] as KubeObject;
    else o = readOneDocument(text, e.name);
    if (typeof o !== 'object' || o === null || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string') {
      throw new RenderError({ file: e.name }, 'not a Kubernetes object');
    }
    // Refused before anything else, so the message names the kind rather than its namespace.
    if (!isPreviewKind(o)) throw new RenderError({ env: scope.namespace, resource: objectId(o), field: 'kind', file: e.name }, kindRefusal(o));
    if (fileName(o) !== e.name) throw new RenderError({ env: scope.namespace, resource: objectId(o), file: e.name }, `must be named ${fileName(o)}`);
    objects.push(o);
    fileOf.set(o, e.name);
    files.set(e.name, toYaml(o));
  }
  checkConfinement(objects, scope, (o) => fileOf.get(o));
  for (const o of previewPlatformObjects(scope.namespace, Number(scope.namespace.slice('pr-'.length)), scope.limits)) files.set(fileName(o), toYaml(o));
  return { files: new Map([...files].sort(([a], [b]) => byText(a, b))), urls: urlsOf(objects) };
}
