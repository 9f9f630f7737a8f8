// Environment data is checked at load: environments/<env>.ts values and every JSON data file.
// A misspelt key or a wrong type is one line naming the file and the field, render and check
// exit non-zero, rendered/ is left as it was.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environments } from '../../environments/index.ts';
import { preview } from '../../environments/preview.ts';
import { checkData } from '../../environments/schema/check.ts';
import { environmentSchema } from '../../environments/schema/environment.ts';
import { previewSchema } from '../../environments/schema/preview.ts';
import { loadVersions } from '../../environments/pinned.ts';
import { lineOfField } from '../../render/data-location.ts';
import { renderError } from '../helpers/errors.ts';
import { sandbox, treeHash, type Sandbox } from '../helpers/sandbox.ts';

const prod = environments.find((e) => e.name === 'prod')!;
/** prod with `change` applied to a deep copy. */
const prodWith = (change: (env: Record<string, any>) => void): unknown => {
  const copy = structuredClone(prod) as Record<string, any>;
  change(copy);
  return copy;
};
const problem = (value: unknown) => renderError(() => checkData(environmentSchema, value, 'environments/prod.ts')).describe();

describe('environment values (environments/<env>.ts)', () => {
  it('accepts every environment and the preview template as they are', () => {
    for (const env of environments) expect(() => checkData(environmentSchema, env, `environments/${env.name}.ts`)).not.toThrow();
    expect(() => checkData(previewSchema, preview, 'environments/preview.ts')).not.toThrow();
  });

  it('names a misspelt key and what it probably meant', () => {
    expect(problem(prodWith((e) => ((e.strictPolicyy = e.strictPolicy), delete e.strictPolicy)))).toBe('environments/prod.ts › strictPolicyy: unknown key (did you mean strictPolicy?)');
    expect(problem(prodWith((e) => ((e.nfs.reclaimPolicyy = 'Retain'), delete e.nfs.reclaimPolicy)))).toBe('environments/prod.ts › nfs.reclaimPolicyy: unknown key (did you mean reclaimPolicy?)');
    expect(problem(prodWith((e) => (e.apps['django-web'].db.volumSize = '1Gi')))).toBe('environments/prod.ts › apps.django-web.db.volumSize: unknown key (did you mean volumeSize?)');
  });

  it('rejects an unknown app and an unknown top-level key', () => {
    expect(problem(prodWith((e) => (e.apps.nextcloud = { replicas: 1 })))).toBe('environments/prod.ts › apps.nextcloud: unknown key (known: django-web, ftps, hello, monitoring, sound-buzz, wordpress)');
    expect(problem(prodWith((e) => (e.frobnicate = true)))).toMatch(/^environments\/prod\.ts › frobnicate: unknown key \(known: acme, apps, .*cluster, domain, gitops, .*strictPolicy.*\)$/);
  });

  it('names the field of a wrong type or value', () => {
    expect(problem(prodWith((e) => (e.strictPolicy = 'yes')))).toBe('environments/prod.ts › strictPolicy: expected true or false, got "yes"');
    expect(problem(prodWith((e) => (e.cluster.nodes[2].ip = '192.168.50.300')))).toBe('environments/prod.ts › cluster.nodes[2].ip: expected an IPv4 address, got "192.168.50.300"');
    expect(problem(prodWith((e) => (e.cluster.kubeProxyMode = 'ipvss')))).toBe('environments/prod.ts › cluster.kubeProxyMode: expected "iptables" or "ipvs", got "ipvss"');
    expect(problem(prodWith((e) => (e.apps.hello.replicas = '2')))).toBe('environments/prod.ts › apps.hello.replicas: expected a number, got "2"');
    expect(problem(prodWith((e) => (e.apps.wordpress.volumes.mysqll = '1Gi')))).toBe('environments/prod.ts › apps.wordpress.volumes.mysqll: unknown key (did you mean mysql?)');
    expect(problem(prodWith((e) => (e.acme = { issuer: 'letsencrypt', email: 'x@y.z' })))).toBe('environments/prod.ts › acme.directory: missing (expected "production" or "staging")');
  });
});

describe('versions files (environments/<env>.versions.json) as the environments load them', () => {
  it('names the file and field of a number where a version belongs, and of a misspelt key', () => {
    const file = 'environments/prod.versions.json';
    const good = { apps: { hello: { image: '3aa9ddb' } }, platform: prod.platform };
    expect(loadVersions(file, good).apps.hello).toEqual({ image: '3aa9ddb' });
    expect(renderError(() => loadVersions(file, { ...good, apps: { 'django-web': { api: 1.1, public: '1.1.0', postgres: '17.5', 'postgres-exporter': 'v0.17.1', redis: '7.4.4', migration: '0006_voiture_annee_check' } } })).describe()).toBe(
      'environments/prod.versions.json › apps.django-web.api: expected a string, got number 1.1',
    );
    expect(renderError(() => loadVersions(file, { ...good, apps: { hello: { imag: '3aa9ddb' } } })).describe()).toBe('environments/prod.versions.json › apps.hello.imag: unknown key (did you mean image?)');
    expect(renderError(() => loadVersions(file, { ...good, platfrom: {} })).describe()).toMatch(/^environments\/prod\.versions\.json › platfrom: unknown key \(did you mean platform\?\)/);
  });
});

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('the line of a field in a data source', () => {
  const source = [
    'export const x = {',
    "  name: 'x',",
    '  cluster: {',
    "    nodes: [",
    "      { name: 'a', ip: '1.1.1.1' },",
    "      { name: 'b', ip: '1.1.1.2' },",
    '    ],',
    '  },',
    '  apps: {',
    "    'django-web': { ...pinned, replicas: { public: 1, api: 1 } },",
    '    hello: { replicas: 2 },',
    '  },',
    '};',
  ].join('\n');
  it('follows the path key by key, list elements by occurrence, and falls back to the nearest parent', () => {
    expect(lineOfField(source, 'name')).toBe(2);
    expect(lineOfField(source, 'cluster.nodes[1].ip')).toBe(6);
    expect(lineOfField(source, 'apps.hello.replicas')).toBe(11);
    expect(lineOfField(source, 'apps.django-web.replicas.api')).toBe(10);
    expect(lineOfField(source, 'apps.hello.missing')).toBe(11);
    expect(lineOfField(source, 'nowhere')).toBeUndefined();
    expect(lineOfField('{\n  "apps": {\n    "hello": {\n      "image": 1\n    }\n  }\n}\n', 'apps.hello.image')).toBe(4);
  });
});

describe('the CLI on bad environment data', () => {
  let box: Sandbox;
  afterAll(() => box?.remove());

  it('render, check and promote fail with one line naming file and field; rendered/ unchanged', () => {
    box = sandbox({ rendered: 'committed' });
    const before = treeHash(join(box.dir, 'rendered'));
    const prodTs = box.read('environments/prod.ts');
    box.write('environments/prod.ts', prodTs.replace('strictPolicy: true', 'strictPolicyy: true'));
    const line = lineOf(prodTs, 'strictPolicy: true');
    for (const command of ['render', 'check']) {
      const r = box.run(command);
      expect(r.stderr).toBe(`error: environments/prod.ts:${line} › strictPolicyy: unknown key (did you mean strictPolicy?)\n`);
      expect(r.code).toBe(1);
    }
    box.write('environments/prod.ts', prodTs);

    const versions = box.read('environments/prod.versions.json');
    box.write('environments/prod.versions.json', versions.replace('"api": "1.1.0"', '"api": 1.1'));
    for (const args of [['render'], ['promote', '--to', 'prod', '--dry-run']]) {
      const r = box.run(...args);
      expect(r.stderr).toBe(`error: environments/prod.versions.json:${lineOf(versions, '"api"')} › apps.django-web.api: expected a string, got number 1.1\n`);
      expect(r.code).toBe(1);
    }
    expect(treeHash(join(box.dir, 'rendered'))).toBe(before);
  }, 120_000);
});
