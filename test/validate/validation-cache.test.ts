// The validation cache (render/validation-cache.ts) may only ever save time: with it, every run
// reports exactly what a run without it reports. Checked on the real environments, on objects
// with findings of every per-object layer, across Kubernetes versions and validator changes, and
// through the CLI.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environments } from '../../environments/index.ts';
import { renderEnvironment } from '../../render/pipeline.ts';
import { validateBundle, type BundleItem, type CachedFinding, type ValidationCache } from '../../render/validate/index.ts';
import { openValidationCache, validatorsFingerprint } from '../../render/validation-cache.ts';
import { OPT_OUT_ANNOTATION } from '../../render/validate/rules.ts';
import { toYaml } from '../../render/yaml.ts';
import type { KubeObject } from '../../render/types.ts';
import { cliArgs, sandbox } from '../helpers/sandbox.ts';
import { runCommand } from '../helpers/run-command.ts';

/** An in-memory cache that counts what the validator asks of it. */
function memoryCache() {
  const keys = new Map<string, readonly CachedFinding[]>();
  const stats = { hits: 0, misses: 0, added: 0 };
  const cache: ValidationCache = {
    get(key) {
      if (keys.has(key)) stats.hits++;
      else stats.misses++;
      return keys.get(key);
    },
    set(key, findings) {
      stats.added++;
      keys.set(key, findings);
    },
  };
  return { cache, keys, stats };
}

const item = (object: unknown): BundleItem => ({ object: object as KubeObject, text: toYaml(object), file: 'x.yaml' });

const configMap = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'web' }, data: { a: 'b' }, ...extra });

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('validation cache: the same findings with it as without it', () => {
  it('renders every environment twice with one cache: identical findings, and the second run checks nothing again', () => {
    const { cache, stats } = memoryCache();
    for (const env of environments) {
      const plain = renderEnvironment(env).findings;
      const first = renderEnvironment(env, { cache }).findings;
      const hitsBefore = stats.hits;
      const second = renderEnvironment(env, { cache }).findings;
      expect(first).toEqual(plain);
      expect(second).toEqual(plain);
      // Every object of the environment is clean per object (its warnings come from checks across objects).
      const objects = renderEnvironment(env).built.objects.length;
      expect(stats.hits - hitsBefore).toBe(objects);
    }
    expect(stats.added).toBeGreaterThan(100);
  });

  it('keeps the findings of every per-object layer and reports them again as a fresh check would', () => {
    const bad = [
      configMap('typed-wrong', { data: { a: 1 } }), // schema/invalid
      configMap('misspelt', { dta: { a: 'b' } }), // schema/unknown-field
      configMap('Upper_Case'), // server-side name format
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } }, // policy warnings
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'web' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'rate(x[5m' }] }] } }, // PromQL
      { apiVersion: 'v1', kind: 'Nonsense', metadata: { name: 'x' } }, // schema/unknown-kind
    ];
    const items = [item(configMap('fine')), ...bad.map(item)];
    const { cache, keys, stats } = memoryCache();
    const plain = validateBundle(items, { kubeVersion: '1.33' });
    const first = validateBundle(items, { kubeVersion: '1.33', cache });
    const hitsBefore = stats.hits;
    const second = validateBundle(items, { kubeVersion: '1.33', cache });
    expect(first).toEqual(plain);
    expect(second).toEqual(plain);
    const rulesOf = (name: string) => new Set(plain.filter((f) => f.name === name).map((f) => f.rule));
    for (const o of bad) expect(rulesOf(o.metadata.name).size, o.metadata.name).toBeGreaterThan(0);
    expect(rulesOf('r')).toContain('schema/promql');
    expect([...rulesOf('web')].some((r) => r.startsWith('policy/'))).toBe(true);
    // All but the unknown kind (no compiled schema judged it) were kept, findings and all, and replayed.
    expect(keys.size).toBe(items.length - 1);
    expect(stats.hits - hitsBefore).toBe(items.length - 1);
    expect([...keys.values()].flat().map((f) => f.rule)).toEqual(expect.arrayContaining(['schema/invalid', 'schema/unknown-field', 'schema/promql']));
  });

  it("replays a kept finding with this run's severity and place: strict policy, another file, an opt-out in the text", () => {
    const deployment = (annotations?: Record<string, string>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web', ...(annotations ? { annotations } : {}) }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    const { cache, stats } = memoryCache();
    const lenient = validateBundle([item(deployment())], { kubeVersion: '1.33', cache });
    expect(lenient.some((f) => f.rule.startsWith('policy/') && f.severity === 'warning')).toBe(true);
    const hits = stats.hits;
    const moved = { ...item(deployment()), file: 'elsewhere.yaml', env: 'prod', component: 'web' };
    const strict = validateBundle([moved], { kubeVersion: '1.33', strictPolicy: true, cache });
    expect(stats.hits).toBe(hits + 1);
    expect(strict).toEqual(validateBundle([moved], { kubeVersion: '1.33', strictPolicy: true }));
    expect(strict.some((f) => f.rule.startsWith('policy/') && f.severity === 'error' && f.file === 'elsewhere.yaml' && f.env === 'prod')).toBe(true);
    // An opt-out changes the text, so it is a new key, checked afresh.
    const rule = lenient.find((f) => f.rule.startsWith('policy/'))!.rule;
    const optedOut = item(deployment({ [OPT_OUT_ANNOTATION]: `${rule}=reviewed` }));
    expect(validateBundle([optedOut], { kubeVersion: '1.33' }).some((f) => f.rule === rule)).toBe(false);
    expect(validateBundle([optedOut], { kubeVersion: '1.33', cache })).toEqual(validateBundle([optedOut], { kubeVersion: '1.33' }));
  });

  it("does not write down a Secret's findings (they may quote its values): only that a Secret was clean", () => {
    const secret = (data: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'web' }, data });
    const { cache, keys } = memoryCache();
    const findings = validateBundle([item(secret({ password: 'not base64!' }))], { kubeVersion: '1.33', cache });
    expect(findings.length).toBeGreaterThan(0);
    expect(keys.size).toBe(0);
    // Even a well-formed value is a plaintext-secret warning: not kept either.
    expect(validateBundle([item(secret({ password: 'c2VjcmV0' }))], { kubeVersion: '1.33', cache }).map((f) => f.rule)).toEqual(['policy/plaintext-secret']);
    expect(keys.size).toBe(0);
    const { data: _, ...empty } = secret({});
    expect(validateBundle([item({ ...empty, type: 'Opaque' })], { kubeVersion: '1.33', cache })).toEqual([]);
    expect([...keys.values()]).toEqual([[]]);
  });

  it('checks an object afresh when its kept findings name a rule the catalogue lacks (a damaged file)', () => {
    const { cache, keys } = memoryCache();
    const items = [item(configMap('misspelt', { dta: { a: 'b' } }))];
    const plain = validateBundle(items, { kubeVersion: '1.33' });
    validateBundle(items, { kubeVersion: '1.33', cache });
    const [key] = [...keys.keys()];
    keys.set(key!, [{ rule: 'no/such-rule', path: '', message: 'planted' }]);
    expect(validateBundle(items, { kubeVersion: '1.33', cache })).toEqual(plain);
  });

  it('keys on the target Kubernetes version: an API clean on 1.24 is reported as removed on 1.33', () => {
    const hpa = { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 } };
    const { cache } = memoryCache();
    const options = { closed: false } as const;
    expect(validateBundle([item(hpa)], { ...options, kubeVersion: '1.24', cache }).filter((f) => f.rule.startsWith('api/'))).toEqual(
      validateBundle([item(hpa)], { ...options, kubeVersion: '1.24' }).filter((f) => f.rule.startsWith('api/')),
    );
    const on133 = validateBundle([item(hpa)], { ...options, kubeVersion: '1.33', cache });
    expect(on133).toEqual(validateBundle([item(hpa)], { ...options, kubeVersion: '1.33' }));
    expect(on133.some((f) => f.rule === 'api/removed')).toBe(true);
  });

  it('does not keep a kind that only a CRD defines: its result depends on the CRDs around it', () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget' } } };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'web' } };
    const { cache } = memoryCache();
    const withCrd = validateBundle([item(widget)], { kubeVersion: '1.33', inventory: [crd as KubeObject], cache });
    expect(withCrd.filter((f) => f.rule === 'schema/unknown-kind')).toEqual([]);
    const without = validateBundle([item(widget)], { kubeVersion: '1.33', cache });
    expect(without.map((f) => f.rule)).toContain('schema/unknown-kind');
  });

  it('ignores items without a text (documents only the slow reader reads): they are always checked', () => {
    const { cache, stats } = memoryCache();
    validateBundle([{ object: configMap('fine') as KubeObject }], { kubeVersion: '1.33', cache });
    expect(stats).toEqual({ hits: 0, misses: 0, added: 0 });
  });
});

describe('validation cache: the store', () => {
  // These open the store directly: whatever the caller's GITOPS_VALIDATION_CACHE says must not turn it off.
  const setting = process.env.GITOPS_VALIDATION_CACHE;
  beforeAll(() => {
    delete process.env.GITOPS_VALIDATION_CACHE;
  });
  afterAll(() => {
    if (setting !== undefined) process.env.GITOPS_VALIDATION_CACHE = setting;
  });

  /** A stand-in repository: a validator entry that imports a second module. */
  function fakeRoot(helper: string): string {
    const root = temp('gitops-vcache-root-');
    mkdirSync(join(root, 'render/validate'), { recursive: true });
    writeFileSync(join(root, 'render/validate/index.ts'), "import { x } from './helper.ts';\nexport const y = x;\n");
    writeFileSync(join(root, 'render/validate/helper.ts'), helper);
    writeFileSync(join(root, 'render/yaml.ts'), 'export const writer = 1;\n');
    writeFileSync(join(root, 'render/validate/yaml-source.ts'), 'export const reader = 1;\n');
    writeFileSync(join(root, 'package-lock.json'), '{}\n');
    return root;
  }

  /** A stand-in repository, an empty folder for its cache files, and the store over both. */
  function fixture() {
    const root = fakeRoot('export const x = 1;\n');
    const dir = temp('gitops-vcache-');
    return { root, dir, open: () => openValidationCache({ root, dir }), file: () => join(dir, `${validatorsFingerprint(root)}.json`) };
  }

  it('keeps what a run learned for the next run of the same validator, findings included', () => {
    const { open } = fixture();
    const a = open();
    expect(a.cache.get('1.33\0kind: A\n')).toBeUndefined();
    a.cache.set('1.33\0kind: A\n', []);
    const warned = [{ rule: 'policy/latest-tag', path: 'spec.x', message: 'a "quoted" message' }];
    a.cache.set('1.33\0kind: B\n', warned);
    a.save();
    const b = open();
    expect(b.cache.get('1.33\0kind: A\n')).toEqual([]);
    expect(b.cache.get('1.33\0kind: B\n')).toEqual(warned);
    expect(b.cache.get('1.34\0kind: A\n')).toBeUndefined();
    expect(b.stats).toEqual({ hits: 2, misses: 1 });
  });

  it('skips entries of another shape (a damaged or foreign file): those objects are checked again', () => {
    const { open, file, dir } = fixture();
    const a = open();
    a.cache.set('k', []);
    a.save();
    const key = (JSON.parse(readFileSync(file(), 'utf8')) as string[])[0]!;
    mkdirSync(dir, { recursive: true });
    writeFileSync(file(), JSON.stringify([[key, [['rule', 'path']]], 42, [key]]), { mode: 0o600 });
    expect(open().cache.get('k')).toBeUndefined();
    writeFileSync(file(), JSON.stringify([[key, [['rule', 'path', 'message']]]]), { mode: 0o600 });
    expect(open().cache.get('k')).toEqual([{ rule: 'rule', path: 'path', message: 'message' }]);
  });

  it('starts empty when any module the validator imports changes (a new file name, nothing to invalidate)', () => {
    const { root, open } = fixture();
    const before = validatorsFingerprint(root);
    const a = open();
    a.cache.set('k', []);
    a.save();
    writeFileSync(join(root, 'render/validate/helper.ts'), 'export const x = 2;\n');
    expect(validatorsFingerprint(root)).not.toBe(before);
    expect(open().cache.get('k')).toBeUndefined();
    // The installed packages count too.
    writeFileSync(join(root, 'render/validate/helper.ts'), 'export const x = 1;\n');
    expect(validatorsFingerprint(root)).toBe(before);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    expect(validatorsFingerprint(root)).not.toBe(before);
  });

  it("keeps this run's results and a bounded number of older ones", () => {
    const { open, file } = fixture();
    const a = open();
    for (let i = 0; i < 20_010; i++) a.cache.set(`old ${i}`, []);
    a.save();
    const b = open();
    expect(b.cache.get('old 20009')).toEqual([]);
    b.cache.set('new', []);
    b.save();
    const kept = JSON.parse(readFileSync(file(), 'utf8')) as string[];
    // 'new' and 'old 20009' (both used by the last run) plus 20,000 of the rest.
    expect(kept).toHaveLength(20_002);
    const c = open();
    expect([c.cache.get('new'), c.cache.get('old 20009')]).toEqual([[], []]);
  });

  it('follows the imports that load code, however written, and not the type-only ones (models and environment data)', () => {
    const root = fakeRoot('export const x = 1;\n');
    const file = (rel: string, text: string) => writeFileSync(join(root, 'render/validate', rel), text);
    file('index.ts', [
      "import type { Model } from './model.ts';",
      'import {',
      '  x,',
      "  type Y,",
      "} from \"./helper.ts\";",
      "import './side-effect.ts';",
      "export { z } from './reexport.ts';",
      "const lazy = () => import('./lazy.ts');",
      'export const y: Model = x;',
      '',
    ].join('\n'));
    for (const f of ['model.ts', 'side-effect.ts', 'reexport.ts', 'lazy.ts']) file(f, `// ${f}\n`);
    const before = validatorsFingerprint(root);
    file('model.ts', '// an edited model: not part of the validator\n');
    expect(validatorsFingerprint(root)).toBe(before);
    for (const f of ['helper.ts', 'side-effect.ts', 'reexport.ts', 'lazy.ts']) {
      const was = validatorsFingerprint(root);
      file(f, `// ${f}, edited\nexport const x = 1;\n`);
      expect(validatorsFingerprint(root), f).not.toBe(was);
    }
  });

  it('does not read a file others may write to (a planted file in a shared folder)', () => {
    const { open, file } = fixture();
    const a = open();
    a.cache.set('k', []);
    a.save();
    expect(statSync(file()).mode & 0o077).toBe(0);
    chmodSync(file(), 0o666);
    expect(open().cache.get('k')).toBeUndefined();
    chmodSync(file(), 0o644);
    expect(open().cache.get('k')).toEqual([]);
  });

  it('refuses a relative GITOPS_VALIDATION_CACHE as a usage error naming the variable', () => {
    process.env.GITOPS_VALIDATION_CACHE = 'cache';
    try {
      expect(() => openValidationCache()).toThrow(/^GITOPS_VALIDATION_CACHE must be 0 \(off\) or an absolute folder, not "cache"$/);
    } finally {
      delete process.env.GITOPS_VALIDATION_CACHE;
    }
  });

  it('writes nothing when a run learned nothing, and reads a damaged file as empty', () => {
    const { dir, open, file } = fixture();
    const a = open();
    a.cache.get('k');
    a.save();
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file(), '{"not": "a list"');
    const b = open();
    expect(b.cache.get('k')).toBeUndefined();
    b.cache.set('k', []);
    b.save();
    expect(open().cache.get('k')).toEqual([]);
  });
});

describe('validation cache: `validate` of files', () => {
  it('reports the same on a second run, keeps the documents the fast reader read, and never a render text', async () => {
    const dir = temp('gitops-vcache-files-');
    const cacheDir = temp('gitops-vcache-store-');
    const doc = (o: object) => toYaml(o);
    writeFileSync(join(dir, 'clean.yaml'), doc(configMap('fine')));
    writeFileSync(join(dir, 'bad.yaml'), doc(configMap('misspelt', { dta: { a: 'b' } })));
    writeFileSync(join(dir, 'two.yaml'), `${doc(configMap('one'))}---\n# the second\n${doc(configMap('two'))}`);
    // Read by the slow reader (an anchor; a List): no text, so never kept.
    writeFileSync(join(dir, 'anchor.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: anchored, namespace: web}\ndata: &d {a: b}\n');
    writeFileSync(join(dir, 'list.yaml'), `apiVersion: v1\nkind: List\nitems:\n  - ${JSON.stringify(configMap('listed'))}\n`);
    const run = () => runCommand('validate', ['--format', 'json', dir], { env: { GITOPS_VALIDATION_CACHE: cacheDir } });
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('schema/unknown-field');
    const [file] = readdirSync(cacheDir);
    const kept = JSON.parse(readFileSync(join(cacheDir, file!), 'utf8')) as unknown[];
    // clean.yaml, bad.yaml with its finding, and the two documents of two.yaml.
    expect(kept).toHaveLength(4);
    expect(kept.filter((e) => typeof e !== 'string')).toEqual([[expect.any(String), [['schema/unknown-field', 'dta', expect.any(String)]]]]);
    // A render of the same object does not take a file's result (sizes are measured differently).
    const { cache, stats } = memoryCache();
    const store = openValidationCache({ dir: cacheDir });
    validateBundle([item(configMap('fine'))], { kubeVersion: '1.36', cache: { get: (k) => store.cache.get(k) ?? cache.get(k), set: (k, f) => cache.set(k, f) } });
    expect(stats.added).toBe(1);
  });
});

describe('validation cache: the CLI', () => {
  it('a second render takes every object from the cache and writes the same bytes; GITOPS_VALIDATION_CACHE=0 checks all', () => {
    const box = sandbox({ rendered: 'committed' });
    try {
      const cacheDir = temp('gitops-vcache-cli-');
      const render = (setting: string) => {
        const r = spawnSync(process.execPath, cliArgs(box.dir, ['render', '--quiet']), { cwd: box.dir, encoding: 'utf8', env: { ...process.env, GITOPS_RENDER_STATS: '1', GITOPS_VALIDATION_CACHE: setting } });
        expect(r.status, r.stderr).toBe(0);
        const phases = JSON.parse(/^GITOPS_RENDER_PHASES (.*)$/m.exec(r.stderr)![1]!) as { objects: number; validationCache: { hits: number; misses: number } };
        return { ...phases, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('GITOPS_')).join('\n') };
      };
      const first = render(cacheDir);
      expect(first.validationCache.misses).toBeGreaterThan(0);
      expect(readdirSync(cacheDir)).toHaveLength(1);
      const second = render(cacheDir);
      expect(second.validationCache).toEqual({ hits: second.objects, misses: 0 });
      expect(second.stderr).toBe(first.stderr);
      const off = render('0');
      expect(off.validationCache).toEqual({ hits: 0, misses: off.objects });
      expect(off.stderr).toBe(first.stderr);
      // rendered/ is what was committed: all three runs wrote the same bytes.
      const check = spawnSync(process.execPath, cliArgs(box.dir, ['check']), { cwd: box.dir, encoding: 'utf8', env: { ...process.env, GITOPS_VALIDATION_CACHE: cacheDir } });
      expect(check.status, check.stderr).toBe(0);
    } finally {
      box.remove();
    }
  });
});
