// Over the rendered environments: namespaces that hold data survive their Application, every
// container runs with a read-only root (or says why not), and Argo CD has no local admin.
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { buildEnvironment } from '../../render/build.ts';
import { dataNamespaces, protectDataNamespaces } from '../../render/keep-data.ts';
import type { KubeObject } from '../../render/types.ts';
import { validateBundle } from '../../render/validate/index.ts';
import { clusterInventory } from '../../render/pipeline.ts';

const SYNC = 'argocd.argoproj.io/sync-options';

describe.each([dev, prod])('$name', (env) => {
  const built = buildEnvironment(env);
  const objects = built.objects.map((o) => o.object);

  it('every namespace holding a claim keeps it: its Namespace is never pruned nor deleted with its Application', () => {
    const data = dataNamespaces(objects);
    expect([...data].sort()).toEqual(expect.arrayContaining(['django-web', 'monitoring', 'sound-buzz', 'traefik', 'wordpress']));
    for (const ns of data) {
      const owner = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
      expect(owner, `Namespace ${ns} is rendered`).toBeDefined();
      const options = (owner!.metadata.annotations?.[SYNC] ?? '').split(',');
      expect(options, ns).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
    }
    // And the claims themselves.
    for (const o of objects.filter((x) => x.kind === 'PersistentVolumeClaim')) {
      expect(o.metadata.annotations?.[SYNC], `${o.metadata.namespace}/${o.metadata.name}`).toBe('Prune=false,Delete=false');
    }
  });

  it('namespaces without data stay deletable with their Application', () => {
    const hello = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'hello');
    expect(hello?.metadata.annotations?.[SYNC]).toBeUndefined();
  });

  it('every container has a read-only root filesystem, or its workload opts out with a reason', () => {
    const findings = validateBundle(
      built.objects.map((o) => ({ object: o.object, env: env.name, component: o.component, file: o.path })),
      { kubeVersion: env.cluster.kubernetesVersion, strictPolicy: env.strictPolicy, inventory: clusterInventory() },
    );
    expect(findings.filter((f) => f.rule === 'policy/read-only-root')).toEqual([]);
    for (const o of objects) {
      const pod = podSpecOf(o);
      if (!pod) continue;
      for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        if (c.securityContext?.readOnlyRootFilesystem === true) continue;
        expect(o.metadata.annotations?.['validation.gitops/opt-out'], `${o.kind}/${o.metadata.name} ${c.name}`).toMatch(/policy\/read-only-root=\S.{20,}/);
      }
    }
  });

  it('Argo CD: no local admin on the public UI; GitHub sign-in through Dex, the ops team admin', () => {
    const cm = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as KubeObject & { data: Record<string, string> };
    expect(cm('argocd-cm').data['admin.enabled']).toBe('false');
    expect(cm('argocd-cm').data['dex.config']).toContain('type: github');
    expect(cm('argocd-cm').data['dex.config']).toContain('clientSecret: $argocd-dex-github:clientSecret');
    expect(cm('argocd-cm').data['dex.config']).toContain('- name: sound-buzz');
    expect(cm('argocd-rbac-cm').data).toMatchObject({ 'policy.default': 'role:readonly', 'policy.csv': 'g, sound-buzz:ops, role:admin\n' });
  });
});

describe('keep-data annotation', () => {
  it('merges with other sync options and leaves namespaces without claims alone', () => {
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'db', annotations: { [SYNC]: 'ServerSideApply=true,Prune=true' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'pg', namespace: 'db' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'cache', namespace: 'web' }, spec: { volumeClaimTemplates: [] } },
    ];
    protectDataNamespaces(objects);
    expect(objects[0].metadata.annotations).toEqual({ [SYNC]: 'Delete=false,Prune=false,ServerSideApply=true' });
    expect(objects[1].metadata.annotations).toBeUndefined();
  });
});

type Container = { name: string; securityContext?: { readOnlyRootFilesystem?: boolean } };
type PodSpec = { containers?: Container[]; initContainers?: Container[] };
function podSpecOf(o: KubeObject): PodSpec | undefined {
  const spec = o.spec as { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}
