import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environments } from '../../environments/index.ts';
import type { Environment } from '../../environments/types.ts';
import { prerequisites } from '../../render/bootstrap/index.ts';
import { servedHosts } from '../../render/bootstrap/prerequisites.ts';
import { buildEnvironment } from '../../render/build.ts';
import { REPO } from '../helpers/sandbox.ts';

const env = (name: string) => environments.find((e) => e.name === name)!;

describe('prerequisites checklist', () => {
  for (const e of environments) {
    it(`docs/prerequisites-${e.name}.md is what the generator writes (npm run bootstrap -- --env ${e.name} --prerequisites > docs/prerequisites-${e.name}.md)`, () => {
      const committed = readFileSync(join(REPO, `docs/prerequisites-${e.name}.md`), 'utf8');
      expect(committed).toBe(prerequisites(e, buildEnvironment(e)));
    });
  }

  it('is written from the facts: nodes, NFS export for the node subnet, every served host at the ingress IP', () => {
    const dev = env('dev');
    const built = buildEnvironment(dev);
    const md = prerequisites(dev, built);
    expect(md).toContain('| k8s-node3 | 172.16.0.153 | worker |');
    expect(md).toContain('/srv/nfs/kubedata 172.16.0.0/24(rw,sync,no_subtree_check,no_root_squash)');
    expect(md).toContain('`nfs-common`');
    expect(md).toContain('| 8472 | UDP |');
    expect(md).toContain('| 7946 | TCP and UDP |');
    expect(md).toContain('br_netfilter');
    expect(md).toContain('kubeadm init --pod-network-cidr=10.244.0.0/16');
    const hosts = servedHosts(built);
    expect(hosts).toEqual(expect.arrayContaining(['dev.sound-buzz.live', 'django.dev.sound-buzz.live', 'argocd.dev.sound-buzz.live', 'pma.dev.sound-buzz.live']));
    for (const h of hosts) expect(md).toContain(`| ${h} | 172.16.0.200 |`);
    expect(md).toContain('Pebble');
    expect(md).not.toContain('port-forwards');
  });

  it('in prod, says how Let’s Encrypt reaches port 80: the router forwards 80/443 to the ingress IP', () => {
    const md = prerequisites(env('prod'), buildEnvironment(env('prod')));
    expect(md).toContain('The router port-forwards TCP 80 and 443 from its public address to `192.168.50.200`');
    expect(md).toContain('| sound-buzz.live | public: the router\'s address; LAN: 192.168.50.200 |');
    expect(md).toContain('kept in place (reclaim policy Retain)');
  });

  it('follows changed facts: IPVS needs strictARP', () => {
    const dev = env('dev');
    const ipvs: Environment = { ...dev, cluster: { ...dev.cluster, kubeProxyMode: 'ipvs' } };
    expect(prerequisites(ipvs, buildEnvironment(ipvs))).toContain('`strictARP: true`');
  });
});
