// npm run seal -- --env <env> --namespace <ns> --name <secret> (--from-literal k=v | --generate k[:length] | --from-file k=path)…
//   [--scope strict|namespace-wide|cluster-wide] [--replace] [--copy <key>=<namespace>/<secret>/<key>]…
//   (--copy seals the same value into a second Secret: Secrets do not cross namespaces)
// npm run seal -- --env <env> --generate-missing   seal random values for every key a workload needs and nothing provides
// npm run seal -- --env <env> --list               the secret inventory: every Secret, who reads it, what provides it
// npm run seal -- --env <env> --new-key <file>     a new sealing key pair: certificate committed, private key to <file>
//
// Encrypts with environments/<env>.sealing-cert.pem and writes ciphertext only, into
// environments/<env>.sealed.json (atomically). Plaintext lives in memory: never in a file, a
// temp file or the output. Everything is checked before anything is written.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Environment } from '../../environments/types.ts';
import { isDnsLabel, isDnsSubdomain, SEALING_SCOPES, SECRET_KEY, sealedData, sealedDataFile, sealingCertFile, type SealedData, type SealingScope } from '../../environments/sealed.ts';
import type { BuiltEnvironment } from '../build.ts';
import { missingKeys, type SecretInventoryEntry } from '../inventory/index.ts';
import { mergeSealed, newSealingKeyPair, sealCommand, sealingPublicKey, sealValue, serializeSealed, writeFileAtomic } from '../seal/index.ts';
import { RenderError } from '../types.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { REPO_ROOT, selectEnvironments } from './common.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEFAULT_LENGTH = 32;

/** Random, from a CSPRNG, in an alphabet safe in URLs, DSNs, shells and config files. */
export function generateValue(length: number): Buffer {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return Buffer.from(s);
}

interface Value {
  key: string;
  value: Buffer;
  /** For the report: never the value. */
  source: string;
}

export interface SealDeps {
  /**
   * The repository to read the certificate and sealed data from and write to (tests: a copy).
   * Another tree than this checkout has its own sealed data: it is read from there, through the
   * same schema, instead of the one this checkout's environments imported.
   */
  repoDir?: string;
}

export async function run(args: string[], deps: SealDeps = {}): Promise<number> {
  const { values } = parse(SPECS.seal, args);
  if (!values.env) throw new UsageError('seal: --env is required');
  const root = deps.repoDir ?? REPO_ROOT;
  const selected = selectEnvironments([values.env])[0]!;
  const env = root === REPO_ROOT ? selected : { ...selected, sealed: sealedData(JSON.parse(readFileSync(join(root, sealedDataFile(selected.name)), 'utf8')), sealedDataFile(selected.name)) };
  if (values['new-key'] !== undefined) return newKey(env, values['new-key'], root);
  if (values.list) return list(await build(env));
  const certPath = join(root, sealingCertFile(env.name));
  if (values['generate-missing']) return generateMissing(env, certPath, await build(env), root);

  if (!values.namespace) throw new UsageError('seal: --namespace is required');
  if (!values.name) throw new UsageError('seal: --name is required');
  const namespace = values.namespace;
  const name = values.name;
  if (!isDnsLabel(namespace)) throw new UsageError(`seal: --namespace "${namespace}" is not a DNS label (lower-case letters, digits and "-", at most 63)`);
  if (!isDnsSubdomain(name)) throw new UsageError(`seal: --name "${name}" is not a DNS subdomain name (lower-case letters, digits, "-" and ".")`);
  const scope = (values.scope ?? 'strict') as SealingScope;
  if (!SEALING_SCOPES.includes(scope)) throw new UsageError(`seal: --scope must be one of ${SEALING_SCOPES.join(', ')}`);
  const inputs = readValues(values['from-literal'] ?? [], values.generate ?? [], values['from-file'] ?? []);
  if (inputs.length === 0) throw new UsageError('seal: give at least one --from-literal k=v, --generate k[:length] or --from-file k=path');

  const copies = (values.copy ?? []).map((raw) => {
    const m = /^([^=]+)=([^/]+)\/([^/]+)\/([^/]+)$/.exec(raw);
    if (!m) throw new UsageError(`seal: --copy expects <key>=<namespace>/<secret>/<key> (got "${raw}")`);
    const [, from, ns, secret, key] = m as unknown as [string, string, string, string, string];
    if (!inputs.some((v) => v.key === from)) throw new UsageError(`seal: --copy ${raw}: no value for key "${from}" is given`);
    if (!isDnsLabel(ns) || !isDnsSubdomain(secret) || !SECRET_KEY.test(key)) throw new UsageError(`seal: --copy ${raw}: not a namespace/secret/key`);
    return { from, namespace: ns, name: secret, key };
  });

  const publicKey = readCertificate(env, certPath);
  const built = await build(env);
  for (const target of [{ namespace, name }, ...copies]) checkNamespace(built, target.namespace, target.name);
  const targets = [{ namespace, name, data: Object.fromEntries(inputs.map((v) => [v.key, v.value])) }];
  for (const c of copies) {
    let t = targets.find((x) => x.namespace === c.namespace && x.name === c.name);
    if (!t) targets.push((t = { namespace: c.namespace, name: c.name, data: {} }));
    t.data[c.key] = inputs.find((v) => v.key === c.from)!.value;
  }
  let next: SealedData = env.sealed;
  for (const t of targets) {
    const encryptedData = Object.fromEntries(Object.entries(t.data).map(([k, v]) => [k, sealValue(publicKey, v, t.namespace, t.name, scope)]));
    try {
      next = mergeSealed(next, { namespace: t.namespace, name: t.name, scope, encryptedData, replace: t.name === name && t.namespace === namespace && (values.replace ?? false) });
    } catch (e) {
      throw new RenderError({ env: env.name, file: sealedDataFile(env.name), field: `${t.namespace}/${t.name}` }, (e as Error).message);
    }
  }
  writeFileAtomic(join(root, sealedDataFile(env.name)), serializeSealed(next));
  process.stdout.write(`sealed ${namespace}/${name} (${scope}): ${inputs.map((v) => `${v.key} (${v.source})`).join(', ')} → ${sealedDataFile(env.name)}\n`);
  for (const c of copies) process.stdout.write(`sealed ${c.namespace}/${c.name} (${scope}): ${c.key} (same value as ${c.from})\n`);
  for (const t of targets) {
    const readers = built.secrets.entries.find((e) => e.namespace === t.namespace && e.name === t.name);
    if (!readers || readers.readers.length === 0) {
      process.stderr.write(`warning: nothing in env ${env.name} reads Secret ${t.name} in namespace ${t.namespace} yet: the render refuses unread ciphertext\n`);
    }
  }
  return 0;
}

/** Loaded only when needed: bad arguments are refused before every model loads. */
async function build(env: Environment): Promise<BuiltEnvironment> {
  const { buildEnvironment } = await import('../build.ts');
  return buildEnvironment(env);
}

function readValues(literals: string[], generated: string[], files: string[]): Value[] {
  const out: Value[] = [];
  const add = (flag: string, raw: string, key: string, value: () => Buffer, source: string) => {
    if (!SECRET_KEY.test(key)) throw new UsageError(`seal: ${flag} ${flag === '--from-literal' ? `${key}=…` : raw}: "${key}" is not a Secret key (letters, digits, "-", "_", ".")`);
    if (out.some((v) => v.key === key)) throw new UsageError(`seal: key "${key}" is given twice`);
    out.push({ key, value: value(), source });
  };
  for (const raw of literals) {
    const at = raw.indexOf('=');
    // Never echo the value: only the key part of a malformed argument.
    if (at <= 0) throw new UsageError(`seal: --from-literal expects key=value (got ${at === 0 ? 'an empty key' : 'no "="'})`);
    add('--from-literal', raw, raw.slice(0, at), () => Buffer.from(raw.slice(at + 1)), 'literal');
  }
  for (const raw of generated) {
    const m = /^([^:]+)(?::(\d+))?$/.exec(raw);
    if (!m) throw new UsageError(`seal: --generate expects key[:length] (got "${raw}")`);
    const length = m[2] ? Number(m[2]) : DEFAULT_LENGTH;
    if (length < 8 || length > 4096) throw new UsageError(`seal: --generate ${raw}: length must be 8–4096`);
    add('--generate', raw, m[1]!, () => generateValue(length), `generated, ${length} chars`);
  }
  for (const raw of files) {
    const at = raw.indexOf('=');
    if (at <= 0 || at === raw.length - 1) throw new UsageError(`seal: --from-file expects key=path (got "${raw}")`);
    const path = raw.slice(at + 1);
    add('--from-file', raw, raw.slice(0, at), () => {
      try {
        return readFileSync(path);
      } catch (e) {
        throw new UsageError(`seal: --from-file ${raw}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    }, `file ${path}`);
  }
  return out;
}

function checkNamespace(built: BuiltEnvironment, namespace: string, name: string): void {
  const known = new Set<string>();
  for (const o of built.objects) {
    if (o.object.kind === 'Namespace') known.add(o.object.metadata.name);
    if (o.object.metadata.namespace) known.add(o.object.metadata.namespace);
  }
  for (const c of built.components) known.add(c.namespace);
  if (!known.has(namespace)) {
    throw new UsageError(`seal: env ${built.env.name} has no namespace "${namespace}" for Secret ${name} (namespaces: ${[...known].sort().join(', ')})`);
  }
}

function readCertificate(env: Environment, path: string) {
  const file = sealingCertFile(env.name);
  if (!existsSync(path)) {
    throw new RenderError({ env: env.name, file }, `no sealing certificate: create a key pair with \`npm run seal -- --env ${env.name} --new-key <file outside the repo>\`, or fetch the cluster's with \`kubeseal --fetch-cert > ${file}\``);
  }
  try {
    return sealingPublicKey(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RenderError({ env: env.name, file }, (e as Error).message);
  }
}

/** Random values for every key a workload needs that nothing provides (the lab's first day). */
function generateMissing(env: Environment, certPath: string, built: BuiltEnvironment, root: string): number {
  const publicKey = readCertificate(env, certPath);
  let data = env.sealed;
  const sealed: string[] = [];
  const skipped: string[] = [];
  // Plaintext generated in this run, by namespace/name/key: a key declared `sameAs` another reuses it.
  const generated = new Map<string, Buffer>();
  const valueFor = (e: SecretInventoryEntry, key: string): Buffer | undefined => {
    const src = e.sameAs[key];
    if (!src) {
      const v = generateValue(DEFAULT_LENGTH);
      generated.set(`${e.namespace}/${e.name}/${key}`, v);
      return v;
    }
    return generated.get(`${src.namespace}/${src.name}/${src.key}`);
  };
  // Keys copied from another Secret go last, so their source is generated first.
  const ordered = [...built.secrets.entries].sort((a, b) => Number(Object.keys(a.sameAs).length > 0) - Number(Object.keys(b.sameAs).length > 0));
  for (const e of ordered) {
    const keys = missingKeys(e);
    if (keys.length === 0 && e.provider.kind !== 'none') continue;
    const wanted = e.readers.some((r) => r.blocks === 'start');
    if (!wanted || keys.length === 0) {
      if (e.readers.length) skipped.push(`${e.namespace}/${e.name}: ${sealCommand(env.name, e.namespace, e.name, keys, 'literal')}`);
      continue;
    }
    if (e.provider.kind !== 'none' && e.provider.kind !== 'sealed') continue;
    const scope = e.provider.kind === 'sealed' ? e.provider.scope : 'strict';
    const encryptedData: Record<string, string> = {};
    for (const k of keys) {
      const value = valueFor(e, k);
      if (!value) {
        const src = e.sameAs[k]!;
        skipped.push(`${e.namespace}/${e.name}: key ${k} must equal ${src.namespace}/${src.name} ${src.key}, sealed before: seal both at once with ${sealCommand(env.name, src.namespace, src.name, [src.key], 'generate')} --copy ${src.key}=${e.namespace}/${e.name}/${k}`);
        continue;
      }
      encryptedData[k] = sealValue(publicKey, value, e.namespace, e.name, scope);
    }
    if (Object.keys(encryptedData).length === 0) continue;
    data = mergeSealed(data, { namespace: e.namespace, name: e.name, scope, encryptedData, replace: false });
    sealed.push(`${e.namespace}/${e.name}: ${Object.keys(encryptedData).map((k) => (e.sameAs[k] ? `${k} (= ${e.sameAs[k]!.name} ${e.sameAs[k]!.key})` : k)).join(', ')}`);
  }
  if (sealed.length) writeFileAtomic(join(root, sealedDataFile(env.name)), serializeSealed(data));
  process.stdout.write(sealed.length ? `sealed generated values (${DEFAULT_LENGTH} chars) → ${sealedDataFile(env.name)}:\n${sealed.map((s) => `  ${s}\n`).join('')}` : `env ${env.name}: every key a workload needs is provided\n`);
  if (skipped.length) process.stdout.write(`not generated (an operator brings these values):\n${skipped.map((s) => `  ${s}\n`).join('')}`);
  return 0;
}

function describeProvider(e: SecretInventoryEntry): string {
  const p = e.provider;
  switch (p.kind) {
    case 'sealed': return `SealedSecret (${p.scope}) in ${p.component}`;
    case 'rendered': return `Secret rendered in ${p.component}`;
    case 'runtime': return `runtime: ${p.by}`;
    case 'none': return 'NOTHING';
  }
}

function list(built: BuiltEnvironment): number {
  const { entries } = built.secrets;
  process.stdout.write(`env ${built.env.name}: ${entries.length} Secrets\n`);
  for (const e of entries) {
    const missing = missingKeys(e);
    const readers = [...new Set(e.readers.map((r) => `${r.object}${r.blocks === 'feature' ? ' (feature)' : ''}`))];
    process.stdout.write(
      `${e.namespace}/${e.name}` +
        `${e.keys.length ? ` [${e.keys.join(', ')}]` : ''}` +
        ` ← ${describeProvider(e)}${missing.length && e.provider.kind !== 'none' ? ` (missing keys: ${missing.join(', ')})` : ''}` +
        `${readers.length ? `; read by ${readers.join(', ')}` : ''}\n`,
    );
  }
  return 0;
}

/**
 * A new key pair: the private key and its certificate to `out` (0600, outside the repository) —
 * the one-file form `npm run bootstrap -- --sealing-key` reads — and the certificate committed.
 */
async function newKey(env: Environment, out: string, root: string): Promise<number> {
  const target = resolve(out);
  const inRepo = relative(root, target);
  if (!inRepo.startsWith('..') && !isAbsolute(inRepo)) {
    throw new UsageError(`seal: --new-key ${out}: the private key must live outside the repository (it would risk being committed)`);
  }
  if (existsSync(target)) throw new UsageError(`seal: --new-key ${out}: the file exists (a private key is never overwritten)`);
  if (!existsSync(dirname(target))) throw new UsageError(`seal: --new-key ${out}: no directory ${dirname(target)}`);
  const pair = await newSealingKeyPair(`sealed-secrets ${env.name}`);
  writeFileAtomic(target, pair.keyPem + pair.certPem, 0o600);
  writeFileAtomic(join(root, sealingCertFile(env.name)), pair.certPem);
  process.stdout.write(
    `wrote ${sealingCertFile(env.name)} (commit it) and the private key to ${target} (keep it outside the repository, e.g. in the password manager)\n` +
      `install it in the cluster with: npm run bootstrap -- --env ${env.name} --sealing-key ${target}\n` +
      'values sealed with the previous certificate decrypt only while the controller keeps the previous key: re-seal them (docs/secrets.md, "Rotate the sealing key")\n',
  );
  return 0;
}
