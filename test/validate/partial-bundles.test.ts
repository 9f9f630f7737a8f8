// `npm run validate` on part of the tree (issue 13): a subset of files is an open bundle, each
// environment folder is its own bundle, and input that is not manifests is a usage error (exit 2).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.ts';
import { run as runValidate } from '../../render/commands/validate.ts';
import { UsageError } from '../../render/commands/args.ts';
import { environments } from '../../environments/index.ts';
/** Every environment the repository renders (a new one must not break these tests). */
const ENV_NAMES = environments.map((e) => e.name);

const CLI = fileURLToPath(new URL('../../render/cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Row { file: string | null; rule: string; severity: string; message: string; kind: string | null; name: string | null }

/** The real process, for the exit code and streams a user sees. */
function spawnCli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, 'validate', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The command's run() in this process (the schemas load once per file): same codes, same streams. */
const run = (args: string[], cwd: string) => runCommand('validate', args, { cwd, env: { NO_COLOR: '1' } });
const json = async (args: string[], cwd: string) => {
  const r = await run([...args, '--format', 'json'], cwd);
  return { ...r, rows: r.code === 2 ? [] : (JSON.parse(r.stdout) as Row[]) };
};

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: registry.example.org/web:1.0.0
          envFrom: [{configMapRef: {name: web-config}}]
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 32Mi}}
          readinessProbe: {tcpSocket: {port: 8080}}
          securityContext: {readOnlyRootFilesystem: true}
`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: web}\ndata: {GREETING: hello}\n';
const serviceAccount = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: web}\n';
const claim = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: web}\nspec:\n  storageClassName: nfs-client\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-partial-'));
  mkdirSync(join(dir, 'app/web'), { recursive: true });
  mkdirSync(join(dir, 'app/config'), { recursive: true });
  writeFileSync(join(dir, 'app/web/deployment.yaml'), deployment);
  writeFileSync(join(dir, 'app/web/claim.yaml'), claim);
  writeFileSync(join(dir, 'app/config/configmap.yaml'), configMap);
  writeFileSync(join(dir, 'app/config/serviceaccount.yaml'), serviceAccount);
  mkdirSync(join(dir, 'empty-dir'));
  mkdirSync(join(dir, 'docs-only'));
  writeFileSync(join(dir, 'docs-only/README.md'), '# not a manifest\n');
  writeFileSync(join(dir, 'empty.yaml'), '# nothing here\n---\n');
  writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n', 'latin1'));
  writeFileSync(join(dir, 'template.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }\n  labels: [\n');
  writeFileSync(join(dir, 'notes.yaml'), 'just some words\n');
});

describe('validate on a subset of the files', () => {
  it('one file: references to objects in files not given are one note, exit 0', async () => {
    const r = await json(['app/web/deployment.yaml'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ rule: 'ref/outside-bundle', severity: 'note', file: null });
    expect(r.rows[0]!.message).toMatch(/^not checked: outside the bundle: 2 references to 2 objects not in the given files — ConfigMap web\/web-config, ServiceAccount web\/web\./);
    const text = await run(['app/web/deployment.yaml'], dir);
    expect(text.stdout).toMatch(/note +not checked: outside the bundle/);
    expect(text.stdout).toMatch(/✔ 1 object in 1 file: no errors or warnings, 1 note/);
  });

  it('one component folder: the same, once for all its references', async () => {
    const r = await json(['app/web'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.rows.map((f) => f.rule)).toEqual(['ref/outside-bundle']);
    expect(r.rows[0]!.message).toContain('3 references to 3 objects');
    expect(r.rows[0]!.message).toContain('StorageClass nfs-client');
  });

  it('--closed: each reference to an absent object is an error again', async () => {
    const r = await json(['app/web', '--closed'], dir);
    expect(r.code).toBe(1);
    expect(r.rows.map((f) => f.rule).sort()).toEqual(['ref/configmap', 'ref/service-account', 'ref/storage-class']);
    expect(r.rows.every((f) => f.severity === 'error')).toBe(true);
  });

  it('the folders together resolve each other; what is still absent stays a note', async () => {
    const r = await json(['app'], dir);
    expect(r.code).toBe(0);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.message).toMatch(/1 reference to 1 object .* StorageClass nfs-client\./);
  });

  it('a rendered component folder of this repository passes, with a note for what other components provide', async () => {
    const r = await json(['rendered/dev/wordpress'], REPO);
    expect(r.code, r.stderr).toBe(0);
    expect(r.rows.filter((f) => f.severity !== 'note')).toEqual([]);
  });

  it('rendered/ holding two environments is validated per environment: no cross-environment duplicates', async () => {
    const r = await run(['rendered'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('ref/duplicate');
    const names = [...ENV_NAMES].sort();
    expect(r.stdout).toMatch(new RegExp(`✔ \\d+ objects in \\d+ files as ${names.length} bundles: ${names.map((n) => `rendered/${n}`).join(', ')}: no findings`));
  });

  it('folders named after an environment are separate bundles anywhere', async () => {
    for (const env of ['dev', 'prod']) {
      mkdirSync(join(dir, `out/${env}/config`), { recursive: true });
      writeFileSync(join(dir, `out/${env}/config/configmap.yaml`), configMap);
    }
    const r = await json(['out'], dir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.rows).toEqual([]);
    // The same two files as one bundle are a duplicate.
    writeFileSync(join(dir, 'out/copy.yaml'), configMap);
    const dup = await json(['out/dev/config/configmap.yaml', 'out/copy.yaml'], dir);
    expect(dup.rows.map((f) => f.rule)).toEqual(['ref/duplicate']);
  });
});

describe('validate refuses input that is not manifests (exit 2)', () => {
  const cases: [string, string[], RegExp][] = [
    ['a binary file', ['binary.yaml'], /binary\.yaml is a binary file \(NUL bytes or invalid UTF-8\), not YAML/],
    ['a file that is not UTF-8', ['latin1.yaml'], /latin1\.yaml is a binary file/],
    ['a file that is not YAML', ['template.yaml'], /template\.yaml is not YAML: line \d+: /],
    ['plain text', ['notes.yaml'], /notes\.yaml is not a YAML manifest: plain text/],
    ['an empty file', ['empty.yaml'], /no Kubernetes object in empty\.yaml: the file is empty/],
    ['an empty directory', ['empty-dir'], /no manifests \(\.yaml, \.yml or \.json files\) in empty-dir/],
    ['a directory without manifests', ['docs-only'], /no manifests .* in docs-only/],
  ];
  // In-process (the CLI maps UsageError to exit 2): one subprocess proves the exit code.
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        await expect(runValidate(args)).rejects.toThrow(UsageError);
        await expect(runValidate(args)).rejects.toThrow(message);
      } finally {
        process.chdir(cwd);
      }
    });
  }

  it('exits 2 with the message only, no stack trace', async () => {
    const r = spawnCli(['binary.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: validate: binary.yaml is a binary file (NUL bytes or invalid UTF-8), not YAML\n');
  });
});

describe('size limits as the cluster enforces them', () => {
  it('a ConfigMap with more than 1 MiB of data is an error naming file and object', async () => {
    const value = 'x'.repeat(1024);
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: big, namespace: web}', 'data:'];
    for (let i = 0; i < 1025; i++) lines.push(`  k${i}: ${value}`);
    writeFileSync(join(dir, 'big.yaml'), `${lines.join('\n')}\n`);
    const r = await json(['big.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.rows).toContainEqual(expect.objectContaining({ file: 'big.yaml', rule: 'schema/too-large', kind: 'ConfigMap', name: 'big' }));
    expect(r.rows.find((f) => f.rule === 'schema/too-large')!.message).toMatch(/1,049,600 bytes: the API server accepts at most 1,048,576 \(1 MiB\)/);
  });

  it('an object over 1.5 MiB of JSON is an error; a document over 4 MiB is not even parsed', async () => {
    const entries = Array.from({ length: 1700 }, (_, i) => `        - {name: V${i}, value: "${'v'.repeat(960)}"}`);
    writeFileSync(join(dir, 'huge-pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: huge, namespace: web}\nspec:\n  containers:\n    - name: c\n      image: registry.example.org/c:1\n      env:\n${entries.join('\n')}\n`);
    const pod = await json(['huge-pod.yaml'], dir);
    expect(pod.rows).toContainEqual(expect.objectContaining({ rule: 'schema/too-large', kind: 'Pod', name: 'huge', message: expect.stringMatching(/as JSON: etcd stores at most 1,572,864/) as unknown as string }));
    const lines = ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: giant', '  namespace: web', 'data:'];
    const value = 'y'.repeat(1000);
    for (let i = 0; i < 4400; i++) lines.push(`  k${i}: ${value}`);
    writeFileSync(join(dir, 'giant.yaml'), `${configMap}${lines.join('\n')}\n---\n${serviceAccount}`);
    const giant = await json(['giant.yaml'], dir);
    expect(giant.code).toBe(1);
    expect(giant.rows).toContainEqual(expect.objectContaining({ file: 'giant.yaml', rule: 'schema/too-large', kind: 'ConfigMap', name: 'giant', line: 5 }));
    expect(giant.rows.find((f) => f.rule === 'schema/too-large')!.message).toMatch(/not read further/);
    // Alone in its file, it is still an object that fails (exit 1), not an empty input (exit 2).
    writeFileSync(join(dir, 'giant-alone.yaml'), `${lines.slice(1).join('\n')}\n`);
    const alone = await json(['giant-alone.yaml'], dir);
    expect(alone.code, alone.stderr).toBe(1);
    expect(alone.rows).toEqual([expect.objectContaining({ rule: 'schema/too-large', kind: 'ConfigMap', name: 'giant', line: 1 })]);
  });
});
