// The convergence proof and the secret inventory, on the real environments and on small
// hand-made bundles: what would stall Argo CD on a fresh cluster, named with its fix.
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import { sealedData } from '../../environments/sealed.ts';
import type { Environment } from '../../environments/types.ts';
import { buildEnvironment, type BuiltEnvironment } from '../../render/build.ts';
import { proveConvergence } from '../../render/converge/index.ts';
import { formatFinding, renderEnvironment } from '../../render/pipeline.ts';
import type { Component, KubeObject } from '../../render/types.ts';
import { renderError } from '../helpers/errors.ts';
import { sandbox } from '../helpers/sandbox.ts';

const without = (env: Environment, id: string, key?: string): Environment => {
  const sealed = structuredClone(env.sealed) as Record<string, { scope: 'strict'; encryptedData: Record<string, string> }>;
  if (key) delete sealed[id]!.encryptedData[key];
  else delete sealed[id];
  return { ...env, sealed };
};
const converge = (env: Environment) => renderEnvironment(env).findings.filter((f) => f.rule.startsWith('converge/'));

describe('the committed environments', () => {
  it.each([dev, prod])('$name converges: every workload of every wave finds what it needs', (env) => {
    const findings = converge(env);
    expect(findings.filter((f) => f.rule !== 'converge/feature-secret').map(formatFinding)).toEqual([]);
    // What is left is the Traefik dashboard's htpasswd (and dev's GitHub App for previews): operator-provided, never blocking.
    for (const f of findings) expect(f.severity).toBe('warning');
  });

  it.each([dev, prod])('$name lists every Secret with what provides it', (env) => {
    const { entries } = buildEnvironment(env).secrets;
    const byId = Object.fromEntries(entries.map((e) => [`${e.namespace}/${e.name}`, e]));
    expect(byId['django-web/db-credentials']!.provider).toMatchObject({ kind: 'sealed', component: 'django-web-db', scope: 'strict' });
    expect(byId['django-web/db-credentials']!.keys).toEqual(['password', 'replication-password']);
    expect(byId['metallb-system/memberlist']!.provider).toMatchObject({ kind: 'runtime', by: 'the MetalLB controller (at its first start)' });
    expect(byId['metallb-system/metallb-webhook-cert']!.provider).toMatchObject({ kind: 'rendered', component: 'metallb' });
    expect(byId['argocd/argocd-initial-admin-secret']!.provider.kind).toBe('runtime');
    expect(byId['telegraf/influxdb-writer']!.sameAs).toEqual({ password: { namespace: 'monitoring', name: 'influxdb-credentials', key: 'writer-password' } });
    for (const e of entries) {
      if (e.readers.some((r) => r.blocks === 'start')) expect(e.provider.kind, `${e.namespace}/${e.name}`).not.toBe('none');
    }
  });
});

describe('a sealed feature secret', () => {
  it("reaches the root's previews ApplicationSet without holding anything back", () => {
    const cipher = Object.values(dev.sealed)[0]!.encryptedData;
    const value = Object.values(cipher)[0]!;
    const env = { ...dev, sealed: { ...dev.sealed, 'argocd/github-app-previews': { scope: 'strict' as const, encryptedData: { githubAppID: value, githubAppInstallationID: value, githubAppPrivateKey: value } } } };
    const r = renderEnvironment(env);
    expect(r.built.objects.find((o) => o.object.kind === 'SealedSecret' && o.object.metadata.name === 'github-app-previews')?.path).toBe('argocd/sealedsecret-github-app-previews.yaml');
    expect(r.findings.filter((f) => f.rule.startsWith('converge/')).map((f) => f.message).sort()).toEqual([
      expect.stringMatching(/^AlertmanagerConfig\/prometheus\/alert-routing needs Secret alertmanager-webhook/),
      expect.stringMatching(/^Middleware\/traefik\/dashboard-auth needs Secret traefik-dashboard-auth/),
    ]);
  });
});

describe('a missing sealed value', () => {
  it('fails prod naming the wave, the Application, the workloads, the Secret and the seal command', () => {
    const r = renderEnvironment(without(prod, 'django-web/django'));
    const lines = r.findings.filter((f) => f.severity === 'error').map(formatFinding);
    expect(lines).toEqual([
      'error: env prod › wave 1 › Application django-web would never become Healthy: Deployment/django-web/api, Deployment/django-web/public need Secret django ' +
        '(no SealedSecret provides it; seal it with: npm run seal -- --env prod --namespace django-web --name django --generate secret-key) [converge/secret]',
    ]);
    expect(r.files.size).toBe(0);
  });

  it('makes `npm run check` fail on the committed repository with that line', () => {
    const box = sandbox({ rendered: 'committed' });
    try {
      const data = JSON.parse(box.read('environments/prod.sealed.json')) as Record<string, unknown>;
      delete data['django-web/django'];
      box.write('environments/prod.sealed.json', JSON.stringify(data, null, 2));
      const r = box.run('check', '--env', 'prod');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error: env prod › wave 1 › Application django-web would never become Healthy: Deployment/django-web/api, Deployment/django-web/public need Secret django (no SealedSecret provides it; seal it with: npm run seal -- --env prod --namespace django-web --name django --generate secret-key) [converge/secret]');
    } finally {
      box.remove();
    }
  });

  it('names the first stalled wave and what it holds back; only the Applications that wait on it', () => {
    const lines = converge(without(prod, 'django-web/db-credentials')).map(formatFinding);
    expect(lines).toContain(
      'error: env prod › wave 0 › Application django-web-db would never become Healthy: CronJob/django-web/db-backup, StatefulSet/django-web/db-replica, StatefulSet/django-web/db need Secret db-credentials ' +
        '(no SealedSecret provides it; seal it with: npm run seal -- --env prod --namespace django-web --name db-credentials --generate password --generate replication-password) [converge/secret]',
    );
    expect(lines).toContain('error: env prod › wave 0 › Application django-web-db would never become Healthy: Argo CD would stop there: the Applications of later waves are never synced (django-web) [converge/blocked]');
  });

  it('is a warning in dev (not strict), and a missing key is named with the command that adds it', () => {
    const findings = converge(without(dev, 'wordpress/mysql-credentials', 'root-password'));
    expect(findings.map(formatFinding)).toContain(
      'warning: env dev › wave 0 › Application wordpress would never become Healthy: StatefulSet/wordpress/mysql needs key(s) root-password of Secret mysql-credentials ' +
        '(its SealedSecret lacks them; seal them with: npm run seal -- --env dev --namespace wordpress --name mysql-credentials --generate root-password) [converge/secret]',
    );
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('a value that must equal another Secret\'s is sealed from it, both at once', () => {
    const lines = converge(without(prod, 'telegraf/influxdb-writer')).map(formatFinding);
    expect(lines.join('\n')).toContain(
      'needs Secret influxdb-writer (no SealedSecret provides it; seal it with: npm run seal -- --env prod --namespace monitoring --name influxdb-credentials --generate writer-password --copy writer-password=telegraf/influxdb-writer/password)',
    );
  });
});

describe('sealed data', () => {
  const file = 'environments/x.sealed.json';
  const cipher = 'Ag' + 'A'.repeat(400);

  it('is read through a schema naming the file and the field', () => {
    expect(renderError(() => sealedData({ 'web/db': { scope: 'strict', encryptedData: { password: 'hunter2' } } }, file)).describe())
      .toBe('web/db.encryptedData.password › environments/x.sealed.json: not sealed ciphertext (write it with `npm run seal`, never paste a value)');
    expect(renderError(() => sealedData({ 'web/db': { scope: 'wide', encryptedData: { password: cipher } } }, file)).describe()).toMatch(/web\/db\.scope › environments\/x\.sealed\.json: expected one of strict, namespace-wide, cluster-wide$/);
    expect(renderError(() => sealedData({ 'web/db': { scope: 'strict', encryptedData: { password: cipher }, labels: {} } }, file)).describe()).toMatch(/web\/db\.labels › environments\/x\.sealed\.json: unknown field/);
    expect(renderError(() => sealedData({ 'Web/db': { scope: 'strict', encryptedData: { password: cipher } } }, file)).describe()).toMatch(/Web\/db › environments\/x\.sealed\.json: keys are "<namespace>\/<secret name>"/);
    expect(sealedData({ 'web/db': { scope: 'strict', encryptedData: { password: cipher } } }, file)).toEqual({ 'web/db': { scope: 'strict', encryptedData: { password: cipher } } });
  });

  it('refuses ciphertext that nothing reads (a misspelt name), naming the file and the Secrets read there', () => {
    const env = { ...prod, sealed: { ...prod.sealed, 'django-web/djang': prod.sealed['django-web/django']! } };
    expect(renderError(() => buildEnvironment(env)).describe()).toBe(
      'env prod › django-web/djang › environments/prod.sealed.json: nothing in env prod reads Secret djang in namespace django-web (Secrets read there: db-credentials, django)',
    );
  });

  it('becomes a SealedSecret beside its first reader, marked with a wider scope for the controller', () => {
    const env = { ...prod, sealed: { ...prod.sealed, 'sound-buzz/navidrome-admin': { ...prod.sealed['sound-buzz/navidrome-admin']!, scope: 'namespace-wide' as const } } };
    const o = buildEnvironment(env).objects.find((x) => x.object.kind === 'SealedSecret' && x.object.metadata.name === 'navidrome-admin')!;
    expect(o.path).toBe('sound-buzz/sealedsecret-navidrome-admin.yaml');
    expect(o.object.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect((o.object.spec as { template: { metadata: { annotations: object } } }).template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
  });
});

/** A tiny app-of-apps: Applications `a` (wave 0) and `b` (wave 1) in namespace `ns`, plus what a test adds. */
function bundle(objects: Record<string, KubeObject[]>, waves: Record<string, number>): BuiltEnvironment {
  const components: Component[] = Object.keys(objects).map((name) => ({ name, namespace: 'ns', layer: 'app', syncWave: waves[name] ?? 0, resources: [] }));
  const apps = components.map((c) => ({
    env: 'lab', component: 'argocd', path: `argocd/application-${c.name}.yaml`,
    object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: c.name, namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': String(c.syncWave) } }, spec: { destination: { namespace: 'ns' }, syncPolicy: { syncOptions: ['CreateNamespace=true'] } } },
  }));
  const rest = Object.entries(objects).flatMap(([component, list]) => list.map((object) => ({ env: 'lab', component, path: `${component}/${object.metadata.name}`, object })));
  return { env: { ...prod, name: 'lab', strictPolicy: true }, components, objects: [...apps, ...rest], secrets: { env: 'lab', entries: [] } };
}
const pod = (spec: object): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }], ...spec } } } });

describe('the sync model', () => {
  it('needs a claim bound through a StorageClass whose provisioner runs in the same or an earlier wave', () => {
    const b = bundle({
      a: [
        pod({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }),
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, spec: { storageClassName: 'nfs' } },
        { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs' }, provisioner: 'example.com/nfs' },
      ],
      b: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'prov', namespace: 'ns' }, spec: { template: { spec: { containers: [{ name: 'p', image: 'p', env: [{ name: 'PROVISIONER_NAME', value: 'example.com/nfs' }] }] } } } }],
    }, { a: 0, b: 1 });
    expect(proveConvergence(b, ['argocd']).map(formatFinding)).toEqual([
      'error: env lab › wave 0 › Application a would never become Healthy: Deployment/ns/web needs the provisioner example.com/nfs of StorageClass nfs for claim data (it comes only in wave 1 with Application b) [converge/claim]',
      'error: env lab › wave 0 › Application a would never become Healthy: Argo CD would stop there: the Applications of later waves are never synced (b) [converge/blocked]',
    ]);
  });

  it('needs ConfigMap keys, ServiceAccounts, PriorityClasses and CRDs from an earlier wave', () => {
    const b = bundle({
      a: [
        pod({
          serviceAccountName: 'runner',
          priorityClassName: 'important',
          containers: [{ name: 'c', image: 'x', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'missing' } } }] }],
        }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns' }, data: { present: '1' } },
        { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' } },
      ],
      b: [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'ns' } }],
    }, { a: 0, b: 1 });
    const messages = proveConvergence(b, ['argocd']).map((f) => f.message);
    expect(messages).toEqual(expect.arrayContaining([
      'Deployment/ns/web needs ServiceAccount runner (it comes only in wave 1 with Application b)',
      'Deployment/ns/web needs PriorityClass important (nothing creates it)',
      'Deployment/ns/web needs key(s) missing of ConfigMap cfg (it has: present)',
      'Widget/ns/w needs the CRDs of example.io (nothing installs them)',
    ]));
  });

  it('lets independent Applications sync in one wave: only django-web waits for its database', () => {
    const waves = Object.fromEntries(buildEnvironment(prod).components.map((c) => [c.name, c.syncWave]));
    expect(waves).toMatchObject({ 'django-web-db': 0, hello: 0, monitoring: 0, telegraf: 0, 'sound-buzz': 0, wordpress: 0, 'django-web': 1 });
  });
});

describe('a sealed platform secret', () => {
  it("Traefik's dashboard htpasswd, once sealed, holds nothing back: Sealed Secrets syncs before Traefik", () => {
    const cipher = Object.values(dev.sealed)[0]!.encryptedData;
    const value = Object.values(cipher)[0]!;
    const env = { ...dev, sealed: { ...dev.sealed, 'traefik/traefik-dashboard-auth': { scope: 'strict' as const, encryptedData: { users: value } } } };
    const r = renderEnvironment(env);
    expect(r.built.objects.find((o) => o.object.kind === 'SealedSecret' && o.object.metadata.name === 'traefik-dashboard-auth')?.component).toBe('traefik');
    expect(r.findings.filter((f) => f.rule.startsWith('converge/') && f.message.includes('traefik'))).toEqual([]);
  });
});

describe("Velero's store credentials", () => {
  it('an environment without them stalls at Velero: the proof names the Secret (the chart mounts it)', () => {
    const { 'velero/velero-s3': _dropped, ...rest } = prod.sealed;
    const r = renderEnvironment({ ...prod, sealed: rest });
    const lines = r.findings.filter((f) => f.rule === 'converge/secret').map((f) => f.message);
    expect(lines).toEqual([expect.stringMatching(/^BackupStorageLocation\/velero\/default needs Secret velero-s3 \(no SealedSecret provides it/)]);
    expect(r.findings.find((f) => f.rule === 'converge/secret')?.severity).toBe('error');
  });
});
