// The e2e environment is data: its kind cluster config, NFS and git addresses all come from
// environments/e2e.ts through .ci/e2e-facts.ts, and .ci/e2e-kind.sh decides when CI runs it.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { environments } from '../../environments/index.ts';
import { buildEnvironment } from '../../render/build.ts';
import { RenderError } from '../../render/types.ts';
import { REPO } from '../helpers/sandbox.ts';

const e2e = environments.find((e) => e.name === 'e2e')!;
const dev = environments.find((e) => e.name === 'dev')!;
const facts = (...args: string[]) => execFileSync(process.execPath, ['.ci/e2e-facts.ts', ...args], { cwd: REPO, encoding: 'utf8' });
const ip = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

describe('the e2e environment', () => {
  it('runs the same apps as dev, with Pebble and policy findings as warnings', () => {
    expect(Object.keys(e2e.apps).sort()).toEqual(Object.keys(dev.apps).sort());
    expect(e2e.acme.issuer).toBe('pebble');
    expect(e2e.strictPolicy).toBe(false);
  });

  it('kind config: one control plane and two workers, kind CNI off (flannel), the CIDRs of the environment', () => {
    const config = parse(facts('kind-config')) as { name: string; networking: Record<string, unknown>; nodes: { role: string }[] };
    expect(config.name).toBe('e2e');
    expect(config.networking).toEqual({ disableDefaultCNI: true, podSubnet: e2e.cluster.podCidr, serviceSubnet: e2e.cluster.serviceCidr, kubeProxyMode: e2e.cluster.kubeProxyMode });
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(facts('nodes')).toBe(e2e.cluster.nodes.map((n) => `${n.name} ${n.ip}\n`).join(''));
  });

  it('the runner is the NFS and git server, at the gateway of the kind network; the pool is on that network', () => {
    const [net, bits] = e2e.cluster.nodeSubnet.split('/');
    const gateway = ip(net!) + 1;
    expect(ip(e2e.nfs.server)).toBe(gateway);
    expect(e2e.gitops.repoURL).toBe(`git://${e2e.nfs.server}/${facts('get', 'git-repo').trim()}`);
    const size = 2 ** (32 - Number(bits));
    for (const a of [e2e.loadBalancer.pool.first, e2e.loadBalancer.pool.last]) expect(ip(a) - ip(net!)).toBeLessThan(size);
  });

  it('signs people in with the GitHub organisation of gitops.githubOrg, as Argo CD reads from the git daemon', () => {
    const cm = buildEnvironment(e2e).objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata?.name === 'argocd-cm')!.object as unknown as { data: Record<string, string> };
    expect(cm.data['dex.config']).toContain('- name: sound-buzz');
    const without = { ...e2e, gitops: { ...e2e.gitops, githubOrg: undefined } };
    expect(() => buildEnvironment(without)).toThrow(RenderError);
    expect(() => buildEnvironment(without)).toThrow(/must be on github\.com, got "git:\/\/172\.18\.0\.1\/gitops" \(or name the organisation in gitops\.githubOrg\)/);
  });
});

describe('.ci/e2e-kind.sh changed', () => {
  // A throw-away repository with the script in it: HEAD^1..HEAD is the pull request's change.
  function changedAfter(path: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-changed-'));
    try {
      mkdirSync(join(dir, '.ci'));
      copyFileSync(join(REPO, '.ci/e2e-kind.sh'), join(dir, '.ci/e2e-kind.sh'));
      const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir, encoding: 'utf8' });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'base');
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), 'x\n');
      git('add', '-A');
      git('commit', '-qm', 'change');
      const out = join(dir, 'github-output');
      const r = spawnSync('bash', ['.ci/e2e-kind.sh', 'changed'], { cwd: dir, env: { ...process.env, GITHUB_OUTPUT: out }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each(['platform/x.ts', 'apps/hello/x.ts', 'environments/dev.ts', 'render/x.ts', 'rendered/e2e/x.yaml', 'package-lock.json', '.github/workflows/cluster-e2e.yml'])('%s: the cluster job runs', (path) => {
    expect(changedAfter(path)).toBe('relevant=true\n');
  });

  it.each(['docs/x.md', 'README.md', 'rendered/prod/x.yaml', 'test/x.test.ts'])('%s: skipped (cluster-e2e ok passes)', (path) => {
    expect(changedAfter(path)).toBe('relevant=false\n');
  });
});

describe('.ci/e2e-kind.sh up (fake docker, kind and kubectl)', () => {
  const FAKES: Record<string, string> = {
    docker: `#!/bin/sh
echo "docker $*" >> "$FAKE_LOG"
case "$1 $2" in
  "network inspect") if [ "$#" = 3 ]; then [ "$FAKE_NET_EXISTS" = 1 ]; exit $?; fi; echo "$FAKE_SUBNETS"; exit 0;;
  "inspect -f") grep "^$4 " "$FAKE_IPS" | cut -d' ' -f2; exit 0;;
esac
exit 0
`,
    kind: `#!/bin/sh
echo "kind $*" >> "$FAKE_LOG"
[ "$1 $2" = "get nodes" ] && printf 'e2e-control-plane\\ne2e-worker\\ne2e-worker2\\n'
exit 0
`,
    kubectl: `#!/bin/sh
echo "kubectl $*" >> "$FAKE_LOG"
`,
  };

  function up(o: { exists: boolean; subnets: string; ips: string }) {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-up-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      for (const [name, text] of Object.entries(FAKES)) writeFileSync(join(bin, name), text, { mode: 0o755 });
      writeFileSync(join(dir, 'ips'), o.ips);
      const env = {
        ...process.env,
        PATH: `${bin}:${join(process.execPath, '..')}:/usr/bin:/bin`,
        E2E_STATE_DIR: join(dir, 'state'),
        FAKE_LOG: join(dir, 'log'),
        FAKE_IPS: join(dir, 'ips'),
        FAKE_NET_EXISTS: o.exists ? '1' : '0',
        FAKE_SUBNETS: o.subnets,
      };
      const r = spawnSync('bash', [join(REPO, '.ci/e2e-kind.sh'), 'up'], { env, encoding: 'utf8' });
      let log = '';
      try {
        log = readFileSync(join(dir, 'log'), 'utf8');
      } catch {
        // no call made
      }
      return { code: r.status, stderr: r.stderr, calls: log.split('\n').filter(Boolean) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const declared = e2e.cluster.nodes.map((n) => `${n.name} ${n.ip}\n`).join('');

  it('creates the kind network at the node subnet, the cluster, then nfs-common and the bridge plugin on every node', () => {
    const r = up({ exists: false, subnets: `${e2e.cluster.nodeSubnet} `, ips: declared });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toContain(`docker network create --driver bridge --subnet ${e2e.cluster.nodeSubnet} --gateway ${e2e.nfs.server} -o com.docker.network.bridge.enable_ip_masquerade=true kind`);
    expect(r.calls.filter((c) => c.startsWith('kind create cluster --image kindest/node:v1.33.1@sha256:'))).toHaveLength(1);
    for (const n of e2e.cluster.nodes) {
      expect(r.calls.some((c) => /^docker cp \S+\/state\/bin\/bridge /.test(c) && c.endsWith(` ${n.name}:/opt/cni/bin/bridge`)), n.name).toBe(true);
      expect(r.calls.some((c) => c.startsWith(`docker exec ${n.name} sh -c apt-get update`) && c.includes('nfs-common'))).toBe(true);
    }
  });

  it('refuses a kind network with another subnet, naming both and the fix', () => {
    const r = up({ exists: true, subnets: '172.19.0.0/16 fc00:f853:ccd:e793::/64 ', ips: declared });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the Docker network kind has subnet(s) 172.19.0.0/16 fc00:f853:ccd:e793::/64 but environments/e2e.ts expects 172.18.0.0/16 (pool 172.18.255.200-172.18.255.250): remove it (docker network rm kind');
    expect(r.calls.some((c) => c.startsWith('kind create'))).toBe(false);
  });

  it('recreates the cluster when Docker gave the nodes other addresses, and gives up after three tries', () => {
    const swapped = declared.replace('e2e-worker 172.18.0.3', 'e2e-worker 172.18.0.4').replace('e2e-worker2 172.18.0.4', 'e2e-worker2 172.18.0.3');
    const r = up({ exists: true, subnets: `${e2e.cluster.nodeSubnet} `, ips: swapped });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node e2e-worker has address 172.18.0.4, environments/e2e.ts declares 172.18.0.3');
    expect(r.stderr).toContain('error: kind gave the nodes other addresses than environments/e2e.ts declares, three times');
    expect(r.calls.filter((c) => c.startsWith('kind create cluster'))).toHaveLength(3);
  });
});
