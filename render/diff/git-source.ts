// Reads the committed rendered/ tree of a git ref straight from the object store: no checkout,
// no working-tree changes, one `git cat-file --batch` for every file.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { RenderError, type KubeObject } from '../types.ts';
import { UsageError } from '../commands/args.ts';
import type { RenderedSide, SideObject } from './model.ts';
import { fastDocuments } from '../fast-yaml.ts';

const RENDERED = 'rendered/';
const PREVIEWS = 'previews';

function git(repoDir: string, args: string[], input?: Buffer): Buffer {
  const r = spawnSync('git', args, { cwd: repoDir, input, maxBuffer: 1 << 30 });
  if (r.error) throw new UsageError(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new UsageError(`git ${args.join(' ')} failed: ${r.stderr.toString().trim()}`);
  }
  return r.stdout;
}

/** Full commit SHA of a ref; a usage error when the ref does not exist. */
export function resolveCommit(repoDir: string, ref: string): string {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoDir });
  if (r.status !== 0) {
    throw new UsageError(`"${ref}" is not a commit in ${repoDir} (fetch it first, e.g. actions/checkout with fetch-depth: 0)`);
  }
  return r.stdout.toString().trim();
}

/**
 * Every object under rendered/ at `ref`. A ref without rendered/ gives an empty side. Labelled
 * `main (1a2b3c4d5e6f)`: the ref as typed plus the commit it resolved to (the short SHA alone
 * when the ref is one).
 */
export function readRenderedAtRef(repoDir: string, ref: string): RenderedSide {
  const sha = resolveCommit(repoDir, ref);
  const short = sha.slice(0, 12);
  const label = ref.startsWith(short) || short.startsWith(ref) ? short : `${ref} (${short})`;
  const listing = git(repoDir, ['ls-tree', '-r', '-z', '--name-only', sha, '--', RENDERED]).toString('utf8');
  const paths = listing.split('\0').filter((p) => p.startsWith(RENDERED) && /\.ya?ml$/.test(p)).sort();
  if (paths.length === 0) return { label, hasRendered: false, objects: [] };

  const request = Buffer.from(paths.map((p) => `${sha}:${p}\n`).join(''), 'utf8');
  const out = git(repoDir, ['cat-file', '--batch'], request);
  const objects: SideObject[] = [];
  let at = 0;
  for (const path of paths) {
    const headerEnd = out.indexOf(0x0a, at);
    const header = out.subarray(at, headerEnd).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!Number.isFinite(size)) throw new RenderError({ file: path }, `git cat-file could not read ${sha}:${path} (${header})`);
    const text = out.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8');
    at = headerEnd + 1 + size + 1;
    objects.push(...parseRenderedFile(path.slice(RENDERED.length), text));
  }
  return { label, hasRendered: true, objects };
}

/**
 * Parsed files by path and content. The two sides of a diff share almost every file (a promotion
 * changes one environment's few), and so do the diffs a command makes in a row: each file is
 * parsed once. The objects are frozen, since both sides hold the same ones.
 */
const parsed = new Map<string, SideObject[]>();
const PARSED_LIMIT = 50_000;

/** `<env>/<component>/<file>.yaml` → its objects (one per document). */
export function parseRenderedFile(relPath: string, text: string): SideObject[] {
  const key = `${relPath}\0${createHash('sha1').update(text).digest('base64')}`;
  const known = parsed.get(key);
  if (known) return known;
  const objects = parseRenderedText(relPath, text);
  for (const o of objects) deepFreeze(o.object);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(key, objects);
  return objects;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function parseRenderedText(relPath: string, text: string): SideObject[] {
  const [env, component, ...rest] = relPath.split('/');
  // Files directly under rendered/ or rendered/<env>/ (indexes, READMEs) are not synced objects,
  // and rendered/previews/ holds pull request previews (published on their own branch), not an environment.
  if (!env || !component || rest.length === 0 || env === PREVIEWS) return [];
  const result: SideObject[] = [];
  const values = fastDocuments(text) ?? slowDocuments(text, { env, component, file: `rendered/${relPath}` });
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (!isKubeObject(value)) {
      throw new RenderError({ env, component, file: `rendered/${relPath}` }, 'not a Kubernetes object (apiVersion, kind and metadata.name are required)');
    }
    result.push({ env, component, path: relPath, object: value });
  }
  return result;
}

function slowDocuments(text: string, where: { env: string; component: string; file: string }): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      throw new RenderError({ ...where, line: e.linePos?.[0]?.line }, `invalid YAML: ${e.message}`);
    }
    return doc.toJS() as unknown;
  });
}

function isKubeObject(v: unknown): v is KubeObject {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof meta === 'object' && meta !== null && typeof meta.name === 'string';
}
