// The working tree's rendered/ as the semantic diff of promote and release reads it: exactly what
// a commit would hold — not local previews, not what a killed render left behind.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRenderedDir } from '../../render/diff/index.ts';

const repo = mkdtempSync(join(tmpdir(), 'gitops-dir-source-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: web\ndata:\n  a: b\n`;
function put(rel: string, text: string): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), text);
}

describe('readRenderedDir', () => {
  it('reads every environment folder, and skips previews and the leftovers of a killed render', () => {
    put('rendered/dev/web/configmap-kept.yaml', configMap('kept'));
    put('rendered/previews/pr-7/web/configmap-preview.yaml', configMap('preview'));
    put('rendered/.staging-dev-123-abcd/web/configmap-staged.yaml', configMap('staged'));
    put('rendered/.old-prod/web/configmap-old.yaml', configMap('old'));
    put('rendered/dev/web/notes.txt', 'not a manifest\n');
    const side = readRenderedDir(repo);
    expect(side.hasRendered).toBe(true);
    expect(side.objects.map((o) => [o.env, o.path, o.object.metadata?.name])).toEqual([['dev', 'web/configmap-kept.yaml', 'kept']]);
  });
});
