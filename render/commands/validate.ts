// npm run validate -- [options] <file|dir>... (flags: specs.ts). Validates arbitrary manifests
// the way Argo CD receives an Application's: files under rendered/<env>/ (or a folder named
// after an environment) form one bundle per environment, the other files one bundle. A subset of
// files is an open bundle: references to objects not in it are one note, unless --closed (or the
// bundle is a whole rendered/<env>/ folder, which render checks closed too).
// Exit 0: no error-level finding; 1: at least one; 2: usage error, or input that is unreadable,
// binary, not YAML, or holds no manifest at all.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError, parse } from './args.ts';
import { SPECS } from './specs.ts';
import { hasErrors, validateBundle, type BundleItem, type Finding, type ValidationCache } from '../validate/index.ts';
import { openValidationCache } from '../validation-cache.ts';
import { lineOf, parseInventory, parseYamlSource, type ParsedSource, type SourceDocument } from '../validate/yaml-source.ts';
import { formatJson, formatSarif, formatText } from '../validate/report.ts';
import type { KubeObject } from '../types.ts';
import type { Environment } from '../../environments/types.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest Kubernetes minor whose schemas the installed kubernetes-models carry. */
export const LATEST_KUBE_VERSION = '1.36';

const MANIFEST = /\.(ya?ml|json)$/i;

interface Bundle {
  /** `rendered/dev`, `out/prod`, or '' for the files outside any environment folder. */
  prefix: string;
  /** The environment whose settings apply (files under rendered/<env>/ only). */
  env?: Environment;
  /** A given path covers the whole environment folder. */
  whole: boolean;
  files: string[];
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(SPECS.validate, args);
  const format = values.format;
  if (positionals.length === 0) throw new UsageError('validate: give at least one file or directory (`npm run validate -- --help` shows the options)');
  const explicitVersion = values['kube-version'];
  if (explicitVersion !== undefined && !/^\d+\.\d+$/.test(explicitVersion)) {
    throw new UsageError(`validate: --kube-version must look like 1.33 (got "${explicitVersion}")`);
  }

  const files = [...new Set(positionals.flatMap((p) => manifestFiles(p)))];
  if (files.length === 0) throw new UsageError(`validate: no manifests (.yaml, .yml or .json files) in ${positionals.join(', ')}`);
  const parsed = new Map<string, ParsedSource>();
  for (const file of files) parsed.set(file, readManifest(file));
  // A document too large to parse is an object all the same (reported schema/too-large).
  const objects = [...parsed.values()].reduce((n, p) => n + p.items.length + p.findings.filter((f) => f.rule === 'schema/too-large').length, 0);
  if (objects === 0) {
    const what = files.length === 1 ? `${displayPath(files[0]!)}: the file is empty` : `the ${files.length} files: they are empty`;
    throw new UsageError(`validate: no Kubernetes object in ${what} (only comments, blank lines or empty documents)`);
  }

  const inventory: KubeObject[] = [];
  for (const file of values.inventory ?? []) {
    try {
      inventory.push(...parseInventory(readText(file), displayPath(file)));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`validate: inventory ${(e as Error).message}`);
    }
  }

  const bundles = await bundlesOf(files, positionals);
  // Documents of files have keys of their own: their sizes are measured on the document, a
  // render's on the text it writes, so the same text may not mean the same result.
  const store = openValidationCache();
  const cache: ValidationCache = { get: (key) => store.cache.get(`file\0${key}`), set: (key, findings) => store.cache.set(`file\0${key}`, findings) };
  const all: Finding[] = [];
  for (const p of parsed.values()) all.push(...p.findings);
  for (const bundle of bundles) {
    const items: BundleItem[] = [];
    const documents = new Map<string, SourceDocument>();
    for (const file of bundle.files) {
      const p = parsed.get(file)!;
      items.push(...p.items);
      for (const d of p.documents) documents.set(`${d.item.file}:${d.item.line}`, d);
    }
    // A bundle that is one environment's rendered output is checked as `render` checks it: that
    // environment's Kubernetes version, policy strictness, and what its cluster already has.
    const env = bundle.env;
    const findings = validateBundle(items, {
      cache,
      kubeVersion: explicitVersion ?? env?.cluster.kubernetesVersion ?? LATEST_KUBE_VERSION,
      inventory: env ? [...inventory, ...(await environmentInventory(env))] : inventory,
      strictPolicy: values['strict-policy'] || env?.strictPolicy,
      closed: Boolean(values.closed) || (bundle.whole && env !== undefined),
      ...(bundles.length > 1 ? { label: bundle.prefix || '(files outside environment folders)' } : {}),
      ...(env ? { repoURL: env.gitops.repoURL, repoPaths: renderedFolders(env.name) } : {}),
    });
    for (const f of findings) {
      const d = documents.get(`${f.file}:${f.line}`);
      if (d && f.path) f.line = lineOf(d, f.path) ?? f.line;
    }
    all.push(...findings);
  }
  store.save();

  const fileOrder = new Map(files.map((f, i) => [displayPath(f), i]));
  all.sort(
    (a, b) =>
      (fileOrder.get(a.file ?? '') ?? files.length) - (fileOrder.get(b.file ?? '') ?? files.length) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );

  if (format === 'json') process.stdout.write(formatJson(all));
  else if (format === 'sarif') process.stdout.write(formatSarif(all, '0.1.0'));
  else {
    const summary = { objects, files: files.length, bundles: bundles.map((b) => b.prefix || 'other files') };
    process.stdout.write(formatText(all, summary, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR));
  }
  return hasErrors(all) ? 1 : 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`validate: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A manifest file, parsed; input that is not YAML text at all is a usage error (exit 2). */
function readManifest(file: string): ParsedSource {
  const shown = displayPath(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`validate: cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let text: string;
  try {
    if (bytes.includes(0)) throw new Error('NUL byte');
    text = UTF8.decode(bytes);
  } catch {
    throw new UsageError(`validate: ${shown} is a binary file (NUL bytes or invalid UTF-8), not YAML`);
  }
  const parsed = parseYamlSource(text.replace(/^\uFEFF/, ''), shown);
  if (parsed.items.length === 0) {
    const syntax = parsed.findings.find((f) => f.rule === 'yaml/syntax');
    if (syntax) throw new UsageError(`validate: ${shown} is not YAML: ${syntax.line ? `line ${syntax.line}: ` : ''}${syntax.message}`);
  } else if (parsed.items.every((i) => i.object === null || typeof i.object !== 'object')) {
    throw new UsageError(`validate: ${shown} is not a YAML manifest: plain text, no mapping with apiVersion and kind`);
  }
  return parsed;
}

function manifestFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new UsageError(`validate: cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (st.isFile()) return [path];
  if (!st.isDirectory()) throw new UsageError(`validate: ${path} is neither a file nor a directory`);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && MANIFEST.test(entry.name)) out.push(full);
    }
  };
  walk(path);
  return out;
}

/**
 * Files grouped by environment folder: `rendered/<x>/` (and `rendered/previews/<pr>/`), or any
 * folder named after an environment. An environment's settings apply under rendered/ only.
 */
async function bundlesOf(files: string[], given: string[]): Promise<Bundle[]> {
  const { environments } = await import('../../environments/index.ts');
  const names = new Set(environments.map((e) => e.name));
  const roots = given.map((p) => absolute(p));
  const byFolder = new Map<string, Bundle>();
  for (const file of files) {
    const segments = absolute(file).split('/');
    let cut = -1;
    let env: Environment | undefined;
    const r = segments.lastIndexOf('rendered', segments.length - 3);
    if (r >= 0) {
      cut = segments[r + 1] === 'previews' && segments.length > r + 3 ? r + 3 : r + 2;
      env = environments.find((e) => e.name === segments[r + 1]);
    } else {
      // Only below a folder given on the command line: /home/dev/… is nobody's environment.
      const root = roots.filter((x) => absolute(file).startsWith(`${x}/`)).sort((a, b) => b.length - a.length)[0];
      const from = root ? root.split('/').length : segments.length;
      const i = segments.slice(0, -1).findLastIndex((s, k) => k >= from && names.has(s));
      if (i >= 0) cut = i + 1;
    }
    const folder = cut < 0 ? '' : segments.slice(0, cut).join('/');
    let bundle = byFolder.get(folder);
    if (!bundle) {
      const whole = folder !== '' && roots.some((root) => folder === root || folder.startsWith(`${root}/`));
      bundle = { prefix: folder === '' ? '' : displayPath(folder), env, whole, files: [] };
      byFolder.set(folder, bundle);
    }
    bundle.files.push(file);
  }
  return [...byFolder.values()].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

function absolute(path: string): string {
  return resolve(path).split(sep).join('/');
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return (rel.startsWith('..') ? file : rel).split(sep).join('/');
}

/** The cluster's own objects and what the environment's components create at runtime. */
async function environmentInventory(env: Environment): Promise<KubeObject[]> {
  const [{ buildEnvironment }, { clusterInventory }] = await Promise.all([import('../build.ts'), import('../pipeline.ts')]);
  return [...clusterInventory(), ...buildEnvironment(env).components.flatMap((c) => c.runtimeObjects ?? [])];
}

/** `rendered/<env>/<component>` folders that exist, for Argo CD Application paths. */
function renderedFolders(env: string): Set<string> {
  const dir = join(REPO_ROOT, 'rendered', env);
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `rendered/${env}/${d.name}`));
}
