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
import { validateBundle, type BundleItem, type ValidationCache } from '../../render/validate/index.ts';
import { openValidationCache, validatorsFingerprint } from '../../render/validation-cache.ts';
import { toYaml } from '../../render/yaml.ts';
import type { KubeObject } from '../../render/types.ts';
import { cliArgs, sandbox } from '../helpers/sandbox.ts';
import { runCommand } from '../helpers/run-command.ts';

/** An in-memory cache that counts what the validator asks of it. */
function memoryCache() {
  const keys = new Set<string>();
  const stats = { hits: 0, misses: 0, added: 0 };
  const cache: ValidationCache = {
    has(key) {
      if (keys.has(key)) stats.hits++;
      else stats.misses++;
      return keys.has(key);
    },
    add(key) {
      stats.added++;
      keys.add(key);
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

  it('never keeps an object with a finding, of any per-object layer: each is reported again on the next run', () => {
    const bad = [
      configMap('typed-wrong', { data: { a: 1 } }), // schema/invalid
      configMap('misspelt', { dta: { a: 'b' } }), // schema/unknown-field
      configMap('Upper_Case'), // server-side name format
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } }, // policy warnings
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'web' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'rate(x[5m' }] }] } }, // PromQL
      { apiVersion: 'v1', kind: 'Nonsense', metadata: { name: 'x' } }, // schema/unknown-kind
    ];
    const items = [item(configMap('fine')), ...bad.map(item)];
    const { cache, keys } = memoryCache();
    const plain = validateBundle(items, { kubeVersion: '1.33' });
    const first = validateBundle(items, { kubeVersion: '1.33', cache });
    const second = validateBundle(items, { kubeVersion: '1.33', cache });
    expect(first).toEqual(plain);
    expect(second).toEqual(plain);
    const rulesOf = (name: string) => new Set(plain.filter((f) => f.name === name).map((f) => f.rule));
    for (const o of bad) expect(rulesOf(o.metadata.name).size, o.metadata.name).toBeGreaterThan(0);
    expect(rulesOf('r')).toContain('schema/promql');
    expect([...rulesOf('web')].some((r) => r.startsWith('policy/'))).toBe(true);
    // Only the clean ConfigMap was kept.
    expect(keys.size).toBe(1);
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

  it('keeps what a run learned for the next run of the same validator', () => {
    const { open } = fixture();
    const a = open();
    expect(a.cache.has('1.33\0kind: A\n')).toBe(false);
    a.cache.add('1.33\0kind: A\n');
    a.save();
    const b = open();
    expect(b.cache.has('1.33\0kind: A\n')).toBe(true);
    expect(b.cache.has('1.34\0kind: A\n')).toBe(false);
    expect(b.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('starts empty when any module the validator imports changes (a new file name, nothing to invalidate)', () => {
    const { root, open } = fixture();
    const before = validatorsFingerprint(root);
    const a = open();
    a.cache.add('k');
    a.save();
    writeFileSync(join(root, 'render/validate/helper.ts'), 'export const x = 2;\n');
    expect(validatorsFingerprint(root)).not.toBe(before);
    expect(open().cache.has('k')).toBe(false);
    // The installed packages count too.
    writeFileSync(join(root, 'render/validate/helper.ts'), 'export const x = 1;\n');
    expect(validatorsFingerprint(root)).toBe(before);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    expect(validatorsFingerprint(root)).not.toBe(before);
  });

  it("keeps this run's results and a bounded number of older ones", () => {
    const { open, file } = fixture();
    const a = open();
    for (let i = 0; i < 20_010; i++) a.cache.add(`old ${i}`);
    a.save();
    const b = open();
    expect(b.cache.has('old 20009')).toBe(true);
    b.cache.add('new');
    b.save();
    const kept = JSON.parse(readFileSync(file(), 'utf8')) as string[];
    // 'new' and 'old 20009' (both used by the last run) plus 20,000 of the rest.
    expect(kept).toHaveLength(20_002);
    const c = open();
    expect(c.cache.has('new') && c.cache.has('old 20009')).toBe(true);
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
    a.cache.add('k');
    a.save();
    expect(statSync(file()).mode & 0o077).toBe(0);
    chmodSync(file(), 0o666);
    expect(open().cache.has('k')).toBe(false);
    chmodSync(file(), 0o644);
    expect(open().cache.has('k')).toBe(true);
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
    a.cache.has('k');
    a.save();
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file(), '{"not": "a list"');
    const b = open();
    expect(b.cache.has('k')).toBe(false);
    b.cache.add('k');
    b.save();
    expect(open().cache.has('k')).toBe(true);
  });
});

describe('validation cache: `validate` of files', () => {
  it('reports the same on a second run, keeps only clean documents the fast reader read, and never a render text', async () => {
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
    const kept = JSON.parse(readFileSync(join(cacheDir, file!), 'utf8')) as string[];
    // clean.yaml and the two documents of two.yaml.
    expect(kept).toHaveLength(3);
    // A render of the same object does not take a file's result (sizes are measured differently).
    const { cache, stats } = memoryCache();
    const store = openValidationCache({ dir: cacheDir });
    validateBundle([item(configMap('fine'))], { kubeVersion: '1.36', cache: { has: (k) => store.cache.has(k) || cache.has(k), add: (k) => cache.add(k) } });
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
