// The real CLI in a throw-away copy of the sources: what a user sees, exit codes and streams
// included. A sandbox that needs a rendered tree to start from copies one fresh render of the
// sources (freshRender) instead of rendering again; cases that never reach a write run the
// command in this process.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshRender, sandbox, treeHash, type Sandbox } from '../helpers/sandbox.ts';
import { runCommand } from '../helpers/run-command.ts';
import { environments } from '../../environments/index.ts';
/** Every environment the repository renders (a new one must not break these tests). */
const ENV_NAMES = environments.map((e) => e.name);

let box: Sandbox | undefined;
afterEach(() => {
  box?.remove();
  box = undefined;
});

describe('npm run render', () => {
  it('renders every environment byte-identically twice, LF and final newline; prunes a removed environment and nothing outside rendered/', () => {
    box = sandbox();
    mkdirSync(join(box.dir, 'rendered/old-env/x'), { recursive: true });
    writeFileSync(join(box.dir, 'rendered/old-env/x/a.yaml'), 'a: 1\n');
    writeFileSync(join(box.dir, 'keep.txt'), 'mine\n');
    const first = box.run('render');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^dev: \d+ objects in \d+ components, 0 errors, \d+ warnings \(\d+ ms\)$/m);
    expect(first.stdout).toMatch(/^prod: /m);
    expect(existsSync(join(box.dir, 'rendered/old-env'))).toBe(false);
    expect(box.read('keep.txt')).toBe('mine\n');
    // Another process rendered the same sources into an empty checkout (freshRender): byte for
    // byte the same tree.
    expect(treeHash(join(box.dir, 'rendered'))).toBe(treeHash(join(freshRender(), 'rendered')));
    const sample = box.read('rendered/dev/argocd/application-root.yaml');
    expect(sample.endsWith('\n')).toBe(true);
    expect(sample.includes('\r')).toBe(false);
  });

  it('renders one environment with --env and leaves the others alone', () => {
    box = sandbox({ rendered: 'fresh' });
    const prodBefore = treeHash(join(box.dir, 'rendered/prod'));
    writeFileSync(join(box.dir, 'rendered/dev/stale.yaml'), 'kind: Stale\n');
    const r = box.run('render', '--env', 'dev');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^prod:/m);
    expect(existsSync(join(box.dir, 'rendered/dev/stale.yaml'))).toBe(false);
    expect(treeHash(join(box.dir, 'rendered/prod'))).toBe(prodBefore);
  });

  it('rejects an unknown environment with a usage error', async () => {
    const r = await runCommand('render', ['--env', 'staging']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`unknown environment "staging" \\(known: ${ENV_NAMES.join(', ')}\\)`));
  });

  it('leaves rendered/ untouched when a model fails, with a clear error and no stack trace', () => {
    box = sandbox({ rendered: 'fresh' });
    const before = treeHash(join(box.dir, 'rendered'));
    const prodFile = box.read('environments/prod.ts');
    box.write('environments/prod.ts', prodFile.replace("ingressIp: '192.168.50.200'", "ingressIp: '192.168.50.250'"));
    const r = box.run('render');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: env prod › loadBalancer\.ingressIp: Traefik's IP 192\.168\.50\.250 is not in MetalLB pool default/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(treeHash(join(box.dir, 'rendered'))).toBe(before);
    expect(readdirSync(join(box.dir, 'rendered')).sort()).toEqual([...ENV_NAMES].sort());
  });

});

describe('npm run check', () => {
  it('passes on a fresh render and lists added, changed and deleted files otherwise', () => {
    box = sandbox({ rendered: 'fresh' });
    const ok = box.run('check');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/rendered\/ is up to date/);

    rmSync(join(box.dir, 'rendered/dev/argocd/application-root.yaml'));
    writeFileSync(join(box.dir, 'rendered/dev/argocd/configmap-argocd-cm.yaml'), 'edited: by hand\n');
    writeFileSync(join(box.dir, 'rendered/prod/argocd/extra.yaml'), 'kind: Extra\n');
    const bad = box.run('check');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/added: {3}rendered\/dev\/argocd\/application-root\.yaml/);
    expect(bad.stderr).toMatch(/changed: rendered\/dev\/argocd\/configmap-argocd-cm\.yaml/);
    expect(bad.stderr).toMatch(/deleted: rendered\/prod\/argocd\/extra\.yaml/);
    expect(bad.stderr).toMatch(/run `npm run render`/);
  });

  it('validates a rendered environment with npm run validate exactly as render does', async () => {
    for (const env of ['dev', 'prod']) {
      const r = await runCommand('validate', [`rendered/${env}`], { cwd: freshRender() });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/no findings/);
    }
  });

  it('fails on an empty checkout (nothing rendered yet)', () => {
    box = sandbox();
    const r = box.run('check', '--env', 'dev');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/added: {3}rendered\/dev\//);
  });
});

describe('extending and breaking the sources', () => {
  it('adds a third environment with changes inside environments/ only', () => {
    box = sandbox();
    const prodFile = box.read('environments/prod.ts');
    box.write(
      'environments/staging.ts',
      prodFile
        .replaceAll('prod.versions.json', 'staging.versions.json')
        .replace('export const prod: Environment', 'export const staging: Environment')
        .replace("name: 'prod'", "name: 'staging'")
        .replace("domain: 'sound-buzz.live'", "domain: 'staging.sound-buzz.live'"),
    );
    box.write('environments/staging.versions.json', box.read('environments/prod.versions.json'));
    box.write(
      'environments/index.ts',
      box.read('environments/index.ts').replace("import { prod } from './prod.ts';", "import { prod } from './prod.ts';\nimport { staging } from './staging.ts';").replace("checked('environments/prod.ts', prod)", "checked('environments/prod.ts', prod), checked('environments/staging.ts', staging)"),
    );
    const r = box.run('render');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^staging: \d+ objects/m);
    expect(box.read('rendered/staging/argocd/application-root.yaml')).toMatch(/path: rendered\/staging\/argocd/);
  });

  it('rejects an unknown field and a schema error, naming env, component, object and field; rendered/ unchanged', () => {
    box = sandbox({ rendered: 'fresh' });
    const before = treeHash(join(box.dir, 'rendered'));
    const argo = box.read('platform/argocd.ts');
    box.write(
      'platform/argocd.ts',
      argo.replace("data: { 'server.insecure': 'true' },", "data: { 'server.insecure': 'true' }, immutible: true,").replace("timeout.reconciliation': '180s',", "timeout.reconciliation': 180,"),
    );
    const r = box.run('render');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: env dev › component argocd › ConfigMap\/argocd\/argocd-cmd-params-cm › immutible: .*\[schema\/unknown-field\]/);
    expect(r.stderr).toMatch(/error: env dev › component argocd › ConfigMap\/argocd\/argocd-cm › data\["timeout\.reconciliation"\]: .*\[schema\//);
    expect(r.stderr).toMatch(/rendered\/ was left unchanged/);
    expect(treeHash(join(box.dir, 'rendered'))).toBe(before);
  });

  it('points at the file and line of a source that does not load, without a stack trace', () => {
    box = sandbox();
    box.write('environments/dev.ts', box.read('environments/dev.ts').replace("domain: 'dev.sound-buzz.live',", "domain: 'dev.sound-buzz.live' +,"));
    const r = box.run('render');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: environments\/dev\.ts:\d+: Expression expected/);
    expect(r.stderr).not.toMatch(/node:internal|at .*\(/);
  });

  it('names the source line of an unexpected failure in a model and how to find the cause', () => {
    box = sandbox();
    box.write('platform/flannel.ts', box.read('platform/flannel.ts').replace('export function flannel(cluster: ClusterFacts, versions: FlannelVersions, network: NetworkSwitches = { enforcePolicies: true }): Component {', 'export function flannel(cluster: ClusterFacts, versions: FlannelVersions, network: NetworkSwitches = { enforcePolicies: true }): Component {\n  (cluster as unknown as { nodes: { x: { y: 1 } }[] }).nodes[0]!.x.y;'));
    const r = box.run('render');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: platform\/flannel\.ts:\d+: Cannot read properties of undefined/);
    expect(r.stderr).toMatch(/npm run typecheck/);
    expect(r.stderr).not.toMatch(/node:internal/);
  });

  it('reports a missing or unwritable path as such, not as a bug', async () => {
    box = sandbox();
    const r = await runCommand('diff', ['--base', 'HEAD', '--output', '/nonexistent-dir/x.md'], { cwd: box.dir });
    // No git repository in the sandbox: the base is refused first, as a usage error.
    expect(r.code).toBe(2);
    const v = await runCommand('validate', ['--inventory', '/nonexistent-dir/inv.yaml', 'environments'], { cwd: box.dir });
    expect(v.code).toBe(2);
    const p = box.run('preview', '--pr', '3', '--publish', '/nonexistent-dir');
    expect(p.stderr).toMatch(/^error: \/nonexistent-dir: no such file or directory$/m);
    expect(p.stderr).not.toMatch(/typecheck|node:internal/);
  });
});
