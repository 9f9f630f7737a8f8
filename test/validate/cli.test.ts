// The validate command as users run it: a subprocess, exit codes 0/1/2, JSON and SARIF shapes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.ts';

const CLI = fileURLToPath(new URL('../../render/cli.ts', import.meta.url));

/** The real process, for the exit codes and streams a user sees (a few cases). */
function spawnCli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, 'validate', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command's run() in this process (the schemas load once per file): same codes, same streams. */
const run = (args: string[], cwd: string) => runCommand('validate', args, { cwd, env: { NO_COLOR: '1' } });

const deployment = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: ${image}
          securityContext: {readOnlyRootFilesystem: true}
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 32Mi}}
          readinessProbe: {tcpSocket: {port: 8080}}
${extra}`;

const service = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: web}
spec:
  storageClassName: nfs-client
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
  mkdirSync(join(dir, 'good/nested'), { recursive: true });
  writeFileSync(join(dir, 'good/deployment.yaml'), deployment('registry.example.org/web:1.0.0'));
  writeFileSync(join(dir, 'good/nested/service.yml'), service);
  writeFileSync(join(dir, 'good/README.md'), '# not a manifest\n');
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad/all.yaml'), `${deployment('web', '          imagePullPolice: Always\n')}---\n${service}---\n${claim}`);
  writeFileSync(join(dir, 'inventory.yaml'), 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: nfs-client}}\n');
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify([{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs-client' } }]));
  writeFileSync(join(dir, 'broken-inventory.yaml'), 'items: [\n');
});

describe('npm run validate', () => {
  it('exits 0 on a clean directory (recursively, .yaml/.yml only) and says so', async () => {
    const r = spawnCli(['good'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 objects in 2 files: no findings');
  });

  it('exits 1 with findings grouped by file, each with line, object, path and rule', async () => {
    const r = spawnCli(['bad', '--inventory', 'inventory.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^bad\/all\.yaml$/m);
    expect(r.stdout).toMatch(/\s21\s+error\s+Deployment\/web\/web spec\.template\.spec\.containers\[0\]\.imagePullPolice: unknown field .*schema\/unknown-field/);
    expect(r.stdout).toContain('policy/image-tag');
    expect(r.stdout).not.toContain('ref/storage-class');
  });

  it('resolves references through the inventory (a YAML List or a JSON array)', async () => {
    expect((await run(['bad', '--format', 'json', '--closed'], dir)).stdout).toContain('ref/storage-class');
    expect((await run(['bad', '--format', 'json'], dir)).stdout).toMatch(/ref\/outside-bundle[\s\S]*StorageClass nfs-client/);
    const resolved = (await run(['bad', '--format', 'json', '--closed', '--inventory', 'inventory.json'], dir)).stdout;
    expect(resolved).not.toContain('ref/storage-class');
    expect(resolved).not.toContain('ref/outside-bundle');
  });

  it('--format json prints an array of findings with the documented fields', async () => {
    const r = await run(['bad', '--format', 'json', '--inventory', 'inventory.yaml'], dir);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(Object.keys(f).sort()).toEqual(['apiVersion', 'file', 'kind', 'line', 'message', 'name', 'namespace', 'path', 'rule', 'severity']);
    }
    expect(findings).toContainEqual({
      file: 'bad/all.yaml', line: 21, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'web',
      rule: 'schema/unknown-field', severity: 'error', path: 'spec.template.spec.containers[0].imagePullPolice',
      message: expect.stringContaining('imagePullPolice') as unknown as string,
    });
    const tag = findings.find((f) => f.rule === 'policy/image-tag');
    expect(tag).toMatchObject({ severity: 'warning', line: 16 });
  });

  it('--strict-policy turns policy warnings into errors', async () => {
    const r = await run(['good', '--strict-policy'], dir);
    expect(r.code).toBe(0);
    writeFileSync(join(dir, 'latest.yaml'), deployment('registry.example.org/web:latest'));
    expect((await run(['latest.yaml'], dir)).code).toBe(0);
    expect((await run(['latest.yaml', '--strict-policy'], dir)).code).toBe(1);
  });

  it('--format sarif prints SARIF 2.1.0 with rules and located results', async () => {
    const r = await run(['bad', '--format', 'sarif', '--inventory', 'inventory.yaml'], dir);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: Record<string, any>[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.rules.map((x) => x.id)).toContain('schema/unknown-field');
    const result = run0.results.find((x) => x.ruleId === 'schema/unknown-field')!;
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'bad/all.yaml' }, region: { startLine: 21 } });
    expect(run0.tool.driver.rules[result.ruleIndex].id).toBe('schema/unknown-field');
  });

  it('--kube-version decides removed APIs', async () => {
    // The HPA's default CPU metric needs the metrics API: metrics-server's APIService comes along.
    writeFileSync(join(dir, 'hpa.yaml'), 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: web}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web, apiVersion: apps/v1}\n  maxReplicas: 2\n' +
      '---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\nspec: {group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, service: {name: metrics-server, namespace: kube-system}}\n');
    writeFileSync(join(dir, 'good/hpa-target.yaml'), '');
    const removed = await run(['hpa.yaml', 'good', '--kube-version', '1.26', '--format', 'json'], dir);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain('api/removed');
    const old = await run(['hpa.yaml', 'good', '--kube-version', '1.23', '--format', 'json'], dir);
    expect(old.stdout).not.toContain('api/removed');
    expect(old.stdout).toContain('api/deprecated');
    expect(old.code).toBe(0);
  });

  it('exits 2 with a message and no stack trace on usage errors and unreadable input', async () => {
    const usage = [[], ['missing-dir'], ['good', '--format', 'xml'], ['good', '--kube-version', 'latest'], ['good', '--bogus'], ['good', '--inventory', 'nope.yaml'], ['good', '--inventory', 'broken-inventory.yaml']];
    // The real process for one usage error and one unreadable input; the rest in this process (an
    // error that is not a usage error would throw there instead of becoming exit 2).
    const real = new Set(['--bogus', 'broken-inventory.yaml']);
    for (const args of usage) {
      const r = args.some((a) => real.has(a)) ? spawnCli(args, dir) : await run(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^error: /);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  it('reports YAML-level problems with their line', async () => {
    writeFileSync(join(dir, 'yaml11.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: web}\ndata:\n  a: "1"\n  a: "2"\n  enabled: on\n  mode: 0644\n');
    const findings = JSON.parse((await run(['yaml11.yaml', '--format', 'json'], dir)).stdout) as { rule: string; line: number; path: string }[];
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'yaml/duplicate-key', line: 6 }));
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'yaml/yaml11-boolean', line: 7, path: 'data.enabled' }));
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'schema/invalid', line: 7, path: 'data.enabled' }));
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'yaml/yaml11-octal', line: 8, path: 'data.mode', message: expect.stringContaining('420') }));
  });
});
