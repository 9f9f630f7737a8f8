// The e2e environment's facts for .ci/e2e-kind.sh, read from environments/e2e.ts (the one place
// they are written): the kind cluster config, node names and addresses, NFS export, git server.
//   node .ci/e2e-facts.ts kind-config | nodes | get <fact>
import { e2e } from '../environments/e2e.ts';

const CLUSTER = 'e2e';
const c = e2e.cluster;

// kind names its node containers <cluster>-control-plane, <cluster>-worker, <cluster>-worker2, …
const controlPlanes = c.nodes.filter((n) => n.controlPlane);
const workers = c.nodes.filter((n) => !n.controlPlane);
const kindNames = [...controlPlanes.map((_, i) => `${CLUSTER}-control-plane${i ? i + 1 : ''}`), ...workers.map((_, i) => `${CLUSTER}-worker${i ? i + 1 : ''}`)];
const declared = [...controlPlanes, ...workers].map((n) => n.name);
if (declared.join(' ') !== kindNames.join(' ')) {
  process.stderr.write(`environments/e2e.ts: kind names the nodes ${kindNames.join(', ')}, the environment declares ${declared.join(', ')}\n`);
  process.exit(1);
}

const git = /^git:\/\/([^/]+)\/([\w.-]+)$/.exec(e2e.gitops.repoURL);
const facts: Record<string, string> = {
  cluster: CLUSTER,
  context: `kind-${CLUSTER}`,
  'kubernetes-version': c.kubernetesVersion,
  'node-subnet': c.nodeSubnet,
  'nfs-server': e2e.nfs.server,
  'nfs-path': e2e.nfs.path,
  'git-host': git?.[1] ?? '',
  'git-repo': git?.[2] ?? '',
  'lb-first': e2e.loadBalancer.pool.first,
  'lb-last': e2e.loadBalancer.pool.last,
};

const [what, arg] = process.argv.slice(2);
if (what === 'kind-config') {
  // kind's own CNI (kindnet) is disabled: flannel, installed by `npm run bootstrap`, is the CNI.
  const lines = [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    `name: ${CLUSTER}`,
    'networking:',
    '  disableDefaultCNI: true',
    `  podSubnet: "${c.podCidr}"`,
    `  serviceSubnet: "${c.serviceCidr}"`,
    `  kubeProxyMode: "${c.kubeProxyMode}"`,
    'nodes:',
    ...controlPlanes.map(() => '  - role: control-plane'),
    ...workers.map(() => '  - role: worker'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} else if (what === 'nodes') {
  for (const n of c.nodes) process.stdout.write(`${n.name} ${n.ip}\n`);
} else if (what === 'get' && arg !== undefined && arg in facts) {
  process.stdout.write(`${facts[arg]}\n`);
} else {
  process.stderr.write(`usage: node .ci/e2e-facts.ts kind-config | nodes | get <${Object.keys(facts).join('|')}>\n`);
  process.exit(2);
}
