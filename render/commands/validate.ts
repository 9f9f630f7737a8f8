// npm run validate -- [--kube-version 1.33] [--inventory file] [--format text|json|sarif]
//                     [--strict-policy] <file|dir>...
// Validates arbitrary manifests as ONE bundle, the way Argo CD receives an Application's
// manifests. Exit 0: no error-level finding; 1: at least one; 2: usage or unreadable input.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative, sep } from 'node:path';
import { UsageError, parse } from './args.ts';
import { hasErrors, validateBundle, type BundleItem, type Finding } from '../validate/index.ts';
import { lineOf, parseInventory, parseYamlSource, type SourceDocument } from '../validate/yaml-source.ts';
import { formatJson, formatSarif, formatText, type Format } from '../validate/report.ts';
import type { KubeObject } from '../types.ts';
import type { Environment } from '../../environments/types.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest Kubernetes minor whose schemas the installed kubernetes-models carry. */
export const LATEST_KUBE_VERSION = '1.36';

const USAGE = `usage: npm run validate -- [options] <file|dir>...
  --kube-version <x.y>   target Kubernetes version (default: the environment's for rendered/<env>/, else ${LATEST_KUBE_VERSION})
  --inventory <file>     objects that already exist in the cluster (multi-document YAML, YAML/JSON array, or kind: List); repeatable
  --format <f>           text (default), json or sarif
  --strict-policy        policy findings are errors (default: the environment's setting for rendered/<env>)
Exit status: 0 no errors, 1 errors found, 2 usage error or unreadable input.`;

const MANIFEST = /\.(ya?ml|json)$/i;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('validate', args, {
    'kube-version': { type: 'string' },
    inventory: { type: 'string', multiple: true },
    format: { type: 'string', default: 'text' },
    'strict-policy': { type: 'boolean' },
    help: { type: 'boolean', short: 'h', default: false },
  }, true);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const format = values.format as string;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`validate: --format must be text, json or sarif (got "${format}")`);
  if (positionals.length === 0) throw new UsageError(`validate: give at least one file or directory\n${USAGE}`);
  const explicitVersion = values['kube-version'];
  if (explicitVersion !== undefined && !/^\d+\.\d+$/.test(explicitVersion)) {
    throw new UsageError(`validate: --kube-version must look like 1.33 (got "${explicitVersion}")`);
  }

  const files = positionals.flatMap((p) => manifestFiles(p));
  const items: BundleItem[] = [];
  const documents = new Map<BundleItem, SourceDocument>();
  const yamlFindings: Finding[] = [];
  for (const file of files) {
    const parsed = parseYamlSource(readText(file), displayPath(file));
    items.push(...parsed.items);
    yamlFindings.push(...parsed.findings);
    for (const d of parsed.documents) documents.set(d.item, d);
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
  // A bundle that is one environment's rendered output is checked exactly as `render` checks it:
  // that environment's Kubernetes version, policy strictness, and what its cluster already has.
  const env = await environmentOf(files);
  const kubeVersion = explicitVersion ?? env?.cluster.kubernetesVersion ?? LATEST_KUBE_VERSION;
  if (env) inventory.push(...(await environmentInventory(env)));

  const findings = validateBundle(items, {
    kubeVersion,
    inventory,
    strictPolicy: values['strict-policy'] || env?.strictPolicy,
    ...(env ? { repoURL: env.gitops.repoURL, repoPaths: renderedFolders(env.name) } : {}),
  });
  const itemsByLocation = new Map<string, SourceDocument>();
  for (const [item, d] of documents) itemsByLocation.set(`${item.file}:${item.line}`, d);
  for (const f of findings) {
    const d = itemsByLocation.get(`${f.file}:${f.line}`);
    if (d && f.path) f.line = lineOf(d, f.path) ?? f.line;
  }
  const fileOrder = new Map(files.map((f, i) => [displayPath(f), i]));
  const all = [...yamlFindings, ...findings].sort(
    (a, b) =>
      (fileOrder.get(a.file ?? '') ?? 0) - (fileOrder.get(b.file ?? '') ?? 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );

  if (format === 'json') process.stdout.write(formatJson(all));
  else if (format === 'sarif') process.stdout.write(formatSarif(all, '0.1.0'));
  else process.stdout.write(formatText(all, { objects: items.length, files: files.length }, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR));
  return hasErrors(all) ? 1 : 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`validate: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
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

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return (rel.startsWith('..') ? file : rel).split(sep).join('/');
}

/** The environment whose rendered/<env>/ holds every file, if they all come from one. */
async function environmentOf(files: string[]): Promise<Environment | undefined> {
  const envs = new Set<string>();
  for (const f of files) {
    const m = /(?:^|\/)rendered\/([^/]+)\//.exec(displayPath(f));
    if (!m) return undefined;
    envs.add(m[1]!);
  }
  if (envs.size !== 1) return undefined;
  const { environments } = await import('../../environments/index.ts');
  return environments.find((e) => e.name === [...envs][0]);
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
