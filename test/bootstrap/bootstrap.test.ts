import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../helpers/sandbox.ts';
import { run } from '../../render/commands/bootstrap.ts';
import { UsageError } from '../../render/commands/args.ts';
import { parseDuration } from '../../render/bootstrap/index.ts';
import { RenderError } from '../../render/types.ts';
import { fakeKubectl, type Call, type FakeKubectl, type Rule } from './fake-kubectl.ts';

const NODES = 'node/k8s-control\nnode/k8s-node1\nnode/k8s-node2\nnode/k8s-node3\n';
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

// The command reads only environments/<env>.sealing-cert.pem from the repository directory:
// a temp dir stands in for it, so tests can commit (or not) a certificate.
let repoDir: string;
let keys: string;
let fake: FakeKubectl | undefined;
const savedPath = process.env.PATH;

beforeAll(() => {
  repoDir = mkdtempSync(join(tmpdir(), 'bootstrap-repo-'));
  mkdirSync(join(repoDir, 'environments'));
  keys = mkdtempSync(join(tmpdir(), 'sealing-keys-'));
});
afterAll(() => {
  rmSync(repoDir, { recursive: true, force: true });
  rmSync(keys, { recursive: true, force: true });
});
beforeEach(() => {
  rmSync(join(repoDir, 'environments'), { recursive: true, force: true });
  mkdirSync(join(repoDir, 'environments'));
});
afterEach(() => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_KUBECTL_DIR;
  fake?.remove();
  fake = undefined;
});

/** Puts a fake kubectl first on PATH for the in-process command (and returns it). */
function cluster(rules: Rule[] = []): FakeKubectl {
  fake = fakeKubectl(rules);
  process.env.PATH = fake.env.PATH;
  process.env.FAKE_KUBECTL_DIR = fake.dir;
  return fake;
}

async function bootstrap(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { repoDir, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A throw-away key pair as the operator makes it (Sealed Secrets' bring-your-own-certificate recipe). */
function keyPair(name: string): { key: string; cert: string; pem: string } {
  const key = join(keys, `${name}.key`);
  const cert = join(keys, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-nodes', '-newkey', 'rsa:2048', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=sealed-secret/O=sealed-secret'], { stdio: 'ignore' });
  const pem = join(keys, `${name}.pem`);
  writeFileSync(pem, readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'));
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), pem };
}

const kindsIn = (stdin: string) => stdin.split(/^---$/m).map((d) => parse(d) as { kind: string; metadata: { name: string } }).map((o) => `${o.kind}/${o.metadata.name}`);

describe('npm run bootstrap', () => {
  it('--dry-run prints the ordered plan and runs nothing (the CLI end to end)', () => {
    const f = cluster();
    const r = spawnSync(process.execPath, [join(REPO, 'render/cli.ts'), 'bootstrap', '--env', 'dev', '--dry-run', '--context', 'lab'], { encoding: 'utf8', env: f.env });
    expect(r.status, r.stderr).toBe(0);
    const steps = [...r.stdout.matchAll(/^# (\d)\/6 ([a-z-]+):/gm)].map((m) => m[2]);
    expect(steps).toEqual(['preflight', 'namespaces', 'cni', 'argocd', 'sealed-secrets', 'root']);
    expect(r.stdout).toContain("kubectl --context lab apply --server-side --field-manager=gitops-bootstrap-upstream --force-conflicts -n argocd -k 'https://github.com/argoproj/argo-cd/manifests/cluster-install?ref=v3.3.6'");
    expect(r.stdout).toContain('#   < rendered/dev/flannel/daemonset-kube-flannel-ds.yaml');
    // The committed rendered/ is what the sources render: no staleness warning.
    expect(r.stdout).not.toContain('warning');
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('kubectl'))) expect(line).toMatch(/^kubectl --context lab /);
    expect(f.calls()).toEqual([]);
  });

  it('runs the steps in order with server-side apply and --context on every call; a second run issues the same calls', async () => {
    const f = cluster([{ when: 'get nodes', stdout: NODES }]);
    const first = await bootstrap('--env', 'dev', '--context', 'lab', '--timeout', '2m');
    expect(first.code, first.stderr).toBe(0);
    const calls = f.calls();
    for (const c of calls) {
      expect(c.argv.slice(0, 2)).toEqual(['--context', 'lab']);
      expect(c.argv).not.toContain('create');
      expect(c.argv).not.toContain('delete');
      expect(c.argv).not.toContain('replace');
      if (c.argv.includes('apply')) expect(c.argv).toEqual(expect.arrayContaining(['--server-side', '--force-conflicts']));
      if (c.argv.includes('rollout') || c.argv.includes('wait')) expect(c.argv).toContain('--timeout=120s');
    }
    const lines = calls.map((c) => c.argv.slice(2).join(' '));
    const at = (text: string) => {
      const i = lines.findIndex((l) => l.includes(text));
      expect(i, `no call with "${text}"`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The namespaces come first; flannel's objects follow in one stream, ConfigMap before DaemonSet.
    expect(lines[0]).toBe('get nodes -o name');
    expect(kindsIn(calls[1]!.stdin)).toEqual(['Namespace/argocd', 'Namespace/kube-flannel', 'Namespace/sealed-secrets']);
    expect(kindsIn(calls[2]!.stdin)).toEqual(['ServiceAccount/flannel', 'ConfigMap/kube-flannel-cfg', 'ClusterRole/flannel', 'ClusterRoleBinding/flannel', 'DaemonSet/kube-flannel-ds']);
    const order = [
      at('rollout status daemonset/kube-flannel-ds'),
      at('wait --for=condition=Ready node --all'),
      at('cluster-install?ref=v3.3.6'),
      at('crd/applications.argoproj.io'),
      at('rollout status statefulset/argocd-application-controller'),
      at('sealed-secrets/v0.36.1/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml'),
      at('crd/sealedsecrets.bitnami.com'),
      at('rollout status deployment/sealed-secrets-controller'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(kindsIn(calls.at(-1)!.stdin)).toEqual(['AppProject/apps', 'AppProject/platform', 'AppProject/previews', 'Application/root']);
    expect(first.stdout).toContain('bootstrap of dev done');

    // --dry-run printed exactly these commands, in this order.
    const printed = (await bootstrap('--env', 'dev', '--context', 'lab', '--timeout', '2m', '--dry-run')).stdout.split('\n').filter((l) => l.startsWith('kubectl '));
    const ran = first.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('kubectl '));
    expect(ran).toEqual(printed);
    expect(ran).toHaveLength(calls.length);

    f.reset();
    const second = await bootstrap('--env', 'dev', '--context', 'lab', '--timeout', '2m');
    expect(second.code, second.stderr).toBe(0);
    expect(f.calls()).toEqual(calls);
  });

  it('stops at a wait that times out, naming the step and the command', async () => {
    const f = cluster([
      { when: 'get nodes', stdout: NODES },
      { when: 'rollout status deployment/argocd-repo-server', exit: 1, stderr: 'Waiting for deployment "argocd-repo-server" rollout to finish: 0 of 1 updated replicas are available...\nerror: timed out waiting for the condition\n' },
    ]);
    const r = await bootstrap('--env', 'prod', '--timeout', '30s');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: bootstrap step 4/6 "argocd" failed: `kubectl -n argocd rollout status deployment/argocd-repo-server --timeout=30s` exited 1: error: timed out waiting for the condition');
    expect(f.calls().at(-1)!.argv.join(' ')).toContain('deployment/argocd-repo-server');
  });

  it('warns when the committed rendered/ is not what the sources render (Argo CD would undo the bootstrap)', async () => {
    cluster();
    const r = await bootstrap('--env', 'dev', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# warning: rendered\/dev\/ is not what the sources render \(\d+ file\(s\), e\.g\. [a-z-]+\/[a-z0-9.-]+\.yaml\): Argo CD syncs the committed files — run npm run render, commit and push first$/m);
  });

  it('warns when a node of the environment is missing, and passes no --context unless given', async () => {
    const f = cluster([{ when: 'get nodes', stdout: 'node/k8s-control\n' }]);
    const r = await bootstrap('--env', 'dev');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('warning: the environment declares node(s) the cluster does not list: k8s-node1, k8s-node2, k8s-node3');
    expect(f.calls().every((c) => !c.argv.includes('--context'))).toBe(true);
  });

  it('reports a missing kubectl as the failed preflight… and the first real step', async () => {
    process.env.PATH = join(repoDir, 'no-bin');
    const r = await bootstrap('--env', 'dev');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('warning: exited 127: kubectl not found on PATH');
    expect(r.stderr).toMatch(/^error: bootstrap step 2\/6 "namespaces" failed: .* exited 127: kubectl not found on PATH$/);
  });

  it('rejects a bad --timeout, an unknown environment and a missing --env as usage errors', async () => {
    await expect(run(['--env', 'dev', '--timeout', 'soon'], { repoDir })).rejects.toThrow(/^bootstrap: --timeout "soon" is not a duration/);
    await expect(run(['--env', 'staging'], { repoDir })).rejects.toThrow(/unknown environment "staging"/);
    await expect(run([], { repoDir })).rejects.toThrow(UsageError);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('0s')).toBeUndefined();
  });
});

describe.skipIf(!hasOpenssl)('the sealing key (bring your own certificate)', () => {
  it('installs the key as a kubernetes.io/tls Secret before the controller, on stdin only', async () => {
    const pair = keyPair('dev');
    writeFileSync(join(repoDir, 'environments/dev.sealing-cert.pem'), pair.cert);
    const f = cluster([{ when: 'get nodes', stdout: NODES }]);
    const r = await bootstrap('--env', 'dev', '--sealing-key', pair.pem);
    expect(r.code, r.stderr).toBe(0);
    const calls = f.calls();
    const keyBody = pair.key.split('\n').filter((l) => l && !l.startsWith('-----'))[1]!;
    for (const c of calls) for (const a of c.argv) expect(a).not.toContain(keyBody);
    expect(r.stdout).not.toContain(keyBody);
    const keyCall = calls.findIndex((c) => c.stdin.includes('sealed-secrets-bootstrap-key'));
    const crd = calls.findIndex((c) => c.argv.some((a) => a.endsWith('bitnami.com_sealedsecrets.yaml')));
    const controller = calls.findIndex((c) => c.stdin.includes('kind: Deployment') && c.stdin.includes('sealed-secrets-controller'));
    const namespaces = calls.findIndex((c) => c.stdin.includes('kind: Namespace'));
    expect(namespaces).toBeLessThan(keyCall);
    expect(keyCall).toBeLessThan(crd);
    expect(crd).toBeLessThan(controller);
    const secret = JSON.parse(calls[keyCall]!.stdin) as { kind: string; type: string; data: Record<string, string> };
    expect(secret).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'sealed-secrets-bootstrap-key', namespace: 'sealed-secrets', labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } } });
    expect(Buffer.from(secret.data['tls.key']!, 'base64').toString()).toBe(pair.key);
    expect(Buffer.from(secret.data['tls.crt']!, 'base64').toString()).toBe(pair.cert);
    expect(calls[keyCall]!.argv).toEqual(['apply', '--server-side', '--field-manager=gitops-bootstrap', '--force-conflicts', '-f', '-']);
    // Nowhere else on disk: not in the repository, not in the fake's directory beyond its stdin log.
    expect(filesContaining(REPO, keyBody)).toEqual([]);
    expect(filesContaining(repoDir, keyBody)).toEqual([]);
  });

  it('refuses a key pair that is not the committed certificate’s, and a missing key, before any kubectl call', async () => {
    const committed = keyPair('committed');
    const other = keyPair('other');
    writeFileSync(join(repoDir, 'environments/prod.sealing-cert.pem'), committed.cert);
    const f = cluster();
    const wrong = await bootstrap('--env', 'prod', '--sealing-key', other.pem);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: env prod › .*other\.pem: this key pair is not the one environments\/prod\.sealing-cert\.pem was made from \(public keys differ: [0-9a-f]{16} vs committed [0-9a-f]{16}\); values sealed for prod would not decrypt$/);
    await expect(bootstrap('--env', 'prod')).rejects.toThrow(RenderError);
    await expect(bootstrap('--env', 'prod')).rejects.toThrow(/values are sealed for this certificate: pass its key pair with --sealing-key/);
    const onlyCert = await bootstrap('--env', 'prod', '--sealing-key', join(keys, 'committed.crt'));
    expect(onlyCert.stderr).toMatch(/expected one private key and one certificate in PEM .* found 0 key\(s\) and 1 certificate\(s\)$/);
    expect(f.calls()).toEqual([]);
    const dry = await bootstrap('--env', 'prod', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('running it needs --sealing-key <file>');
    expect(dry.stdout).toContain('#   < Secret sealed-secrets/sealed-secrets-bootstrap-key (kubernetes.io/tls) built in memory from --sealing-key');
    // A key for an environment without a committed certificate cannot be checked: refused.
    await expect(bootstrap('--env', 'dev', '--sealing-key', committed.pem)).rejects.toThrow(/no committed certificate to check --sealing-key against/);
  });
});

function filesContaining(dir: string, text: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && statSync(p).size < 2_000_000 && readFileSync(p, 'utf8').includes(text)) hits.push(relative(dir, p));
    }
  };
  walk(dir);
  return hits;
}
