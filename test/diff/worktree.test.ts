// `npm run diff -- --base <ref>` without --head: the head side is a fresh in-memory render of the
// working tree, so a person sees what uncommitted edits to the sources would change.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/sandbox.ts';

let box: Sandbox | undefined;
afterAll(() => box?.remove());

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};

describe('npm run diff (working tree)', () => {
  it('shows the objects an uncommitted source edit changes, with the image bump as a restart', () => {
    box = sandbox({ rendered: 'fresh' });
    git(box.dir, 'init', '-q', '-b', 'main');
    git(box.dir, 'config', 'user.email', 'test@example.invalid');
    git(box.dir, 'config', 'user.name', 'test');
    git(box.dir, 'add', '-A');
    git(box.dir, 'commit', '-q', '-m', 'base');

    expect(box.run('diff', '--base', 'HEAD').stdout).toMatch(/no changes in rendered manifests/i);

    const versions = JSON.parse(box.read('environments/prod.versions.json')) as { apps: Record<string, Record<string, string>> };
    versions.apps['sound-buzz']!.navidrome = '0.58.0';
    box.write('environments/prod.versions.json', `${JSON.stringify(versions, null, 2)}\n`);
    const r = box.run('diff', '--base', 'HEAD', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { envs: { env: string; apps: { name: string; objects: { kind: string; name: string; action: string; risks: { class: string }[] }[] }[] }[] };
    const prod = report.envs.find((e) => e.env === 'prod');
    const changed = prod?.apps.flatMap((a) => a.objects.map((o) => `${a.name} ${o.kind}/${o.name} ${o.action}`));
    expect(changed).toEqual(['sound-buzz Deployment/navidrome changed']);
    expect(report.envs.map((e) => e.env)).toEqual(['prod']);
    const text = box.run('diff', '--base', 'HEAD').stdout;
    expect(text).toMatch(/0\.57\.0 → 0\.58\.0/);
  });
});
