// `npm run wait` against a scripted cluster: the recording fake kubectl answers successive
// `get applications` calls with the next state of the cluster, and a virtual clock replaces real
// time (sleep advances it), so nothing here waits or asserts on the wall clock.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../render/commands/wait.ts';
import { UsageError } from '../../render/commands/args.ts';
import { buildEnvironment } from '../../render/build.ts';
import { environments } from '../../environments/index.ts';
import { fakeKubectl, type FakeKubectl, type Rule } from './fake-kubectl.ts';

const WAVE = 'argocd.argoproj.io/sync-wave';
const GET_APPS = 'get applications.argoproj.io -n argocd -o json';
const savedPath = process.env.PATH;
let fake: FakeKubectl | undefined;
let dirs: string[] = [];

/** dev's Applications as rendered: name → sync wave (the root has none). */
let rendered: Array<{ name: string; wave?: string }>;
let waves: number[];
beforeAll(() => {
  const dev = environments.find((e) => e.name === 'dev')!;
  rendered = buildEnvironment(dev)
    .objects.map((o) => o.object)
    .filter((o) => o.kind === 'Application')
    .map((o) => ({ name: o.metadata!.name!, wave: (o.metadata!.annotations as Record<string, string> | undefined)?.[WAVE] }));
  waves = [...new Set(rendered.map((a) => Number(a.wave ?? 0)))].sort((a, b) => a - b);
});
afterEach(() => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_KUBECTL_DIR;
  fake?.remove();
  fake = undefined;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

interface AppStatus {
  sync?: string;
  health?: string;
  message?: string;
  resources?: unknown[];
  operationState?: unknown;
}

/** The JSON `kubectl get applications -o json` prints for these Applications. */
function cluster(state: (name: string, wave: number) => AppStatus | undefined): string {
  const items = rendered.flatMap(({ name, wave }) => {
    const s = state(name, Number(wave ?? 0));
    if (!s) return [];
    return [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace: 'argocd', ...(wave === undefined ? {} : { annotations: { [WAVE]: wave } }) },
        status: {
          sync: { status: s.sync ?? 'Synced' },
          health: { status: s.health ?? 'Healthy', ...(s.message ? { message: s.message } : {}) },
          resources: s.resources ?? [],
          ...(s.operationState ? { operationState: s.operationState } : {}),
        },
      },
    ];
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

const healthy = () => ({});
/** Waves up to `upTo` Healthy, the next one Progressing, later ones OutOfSync. */
const upToWave = (upTo: number) => (_: string, wave: number) =>
  wave <= upTo ? {} : wave === waves[waves.indexOf(upTo) + 1] ? { sync: 'Synced', health: 'Progressing' } : { sync: 'OutOfSync', health: 'Missing' };

const DEGRADED_WORDPRESS = (name: string) =>
  name === 'wordpress'
    ? {
        health: 'Degraded',
        resources: [
          { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'wordpress', name: 'wordpress', status: 'Synced', health: { status: 'Degraded', message: 'Deployment "wordpress" exceeded its progress deadline' } },
          { version: 'v1', kind: 'Service', namespace: 'wordpress', name: 'wordpress', status: 'Synced', health: { status: 'Healthy' } },
        ],
      }
    : {};

function scripted(states: string[], more: Rule[] = []): FakeKubectl {
  fake = fakeKubectl([
    { when: GET_APPS, sequence: states.map((stdout) => ({ stdout })) },
    { when: 'get events -A -o json', stdout: '{"kind":"List","items":[{"reason":"BackOff"}]}' },
    { when: 'get pods -A -o wide', stdout: 'NAMESPACE NAME READY\nwordpress wordpress-1 0/1\n' },
    { when: 'describe deployment.apps wordpress -n wordpress', stdout: 'Name: wordpress\nConditions: Progressing False ProgressDeadlineExceeded\n' },
    { when: 'statefulset/argocd-application-controller', stdout: 'level=info msg="controller log"\n' },
    { when: 'deployment/argocd-repo-server', exit: 1, stderr: 'error: no pods found' },
    ...more,
  ]);
  process.env.PATH = fake.env.PATH;
  process.env.FAKE_KUBECTL_DIR = fake.dir;
  return fake;
}

async function wait(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let t = 0;
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l), now: () => t, sleep: async (ms) => void (t += ms) });
  return { code, out, err: err.join('\n'), elapsedMs: t };
}

const diagnostics = () => {
  const d = mkdtempSync(join(tmpdir(), 'wait-diag-'));
  dirs.push(d);
  return join(d, 'bundle');
};
const appCalls = () => fake!.calls().filter((c) => c.argv.join(' ') === GET_APPS).length;

describe('npm run wait: a cluster converging wave by wave', () => {
  it('reports each wave and succeeds once every rendered Application is Synced and Healthy', async () => {
    const onlyRoot = cluster((name) => (name === 'root' ? { sync: 'Synced', health: 'Progressing' } : undefined));
    const states = [onlyRoot, ...waves.map((w) => cluster(upToWave(w)))];
    scripted(states);
    const dir = diagnostics();
    const r = await wait('--env', 'dev', '--diagnostics', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(appCalls()).toBe(states.length);
    expect(r.out[0]).toMatch(/waiting up to 20m for \d+ Application\(s\) of dev/);
    expect(r.out.join('\n')).toContain('not created yet: argocd-install');
    // One line per state, each naming the first wave still waiting.
    expect(r.out.some((l) => l.includes(`wave ${waves[1]}: 0/`) && l.includes('Progressing'))).toBe(true);
    expect(r.out.some((l) => l.includes(`wave 1: 0/1 (django-web Synced/Progressing)`))).toBe(true);
    expect(r.out.at(-1)).toMatch(/^every Application is Synced and Healthy \(\d+, after \d+s\)$/);
    expect(existsSync(dir)).toBe(false);
    // Read-only: nothing but gets.
    expect(fake!.calls().every((c) => c.argv[0] === 'get')).toBe(true);
  });

  it('passes --context to every call and retries a failed get', async () => {
    fake = fakeKubectl([{ when: GET_APPS, sequence: [{ exit: 1, stderr: 'Unable to connect to the server' }, { stdout: cluster(healthy) }] }]);
    process.env.PATH = fake.env.PATH;
    process.env.FAKE_KUBECTL_DIR = fake.dir;
    const r = await wait('--env', 'dev', '--context', 'kind-e2e');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('kubectl get applications failed (exit 1: Unable to connect to the server); retrying');
    expect(fake.calls().map((c) => c.argv.slice(0, 2))).toEqual([
      ['--context', 'kind-e2e'],
      ['--context', 'kind-e2e'],
    ]);
  });

  it('waits through a transient Degraded shorter than --degraded-grace', async () => {
    scripted([cluster(DEGRADED_WORDPRESS), cluster(DEGRADED_WORDPRESS), cluster(healthy)]);
    const r = await wait('--env', 'dev', '--degraded-grace', '1m', '--poll-interval', '10s');
    expect(r.code).toBe(0);
  });
});

describe('npm run wait: failures name the stuck Application and leave a diagnostic bundle', () => {
  it('an Application Degraded past the grace: one line naming it and why, exit 1, bundle', async () => {
    scripted([cluster(DEGRADED_WORDPRESS)]);
    const dir = diagnostics();
    const r = await wait('--env', 'dev', '--degraded-grace', '1m', '--poll-interval', '10s', '--diagnostics', dir);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toBe(
      `error: dev: 1 Application(s) stuck Degraded: wordpress (Synced/Degraded: Deployment wordpress/wordpress Degraded: Deployment "wordpress" exceeded its progress deadline) — diagnostics in ${dir}`,
    );
    // Seen Degraded at 0s, 10s … 60s: given up at the first look past one minute.
    expect(appCalls()).toBe(7);

    expect(readdirSync(dir).sort()).toEqual(['applications.json', 'describe', 'events.json', 'logs', 'pods.txt', 'summary.txt']);
    expect(JSON.parse(readFileSync(join(dir, 'applications.json'), 'utf8')).items.length).toBe(rendered.length);
    expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).toMatch(/0\twordpress\tSynced\tDegraded\tDeployment wordpress\/wordpress Degraded.*\n\t  Deployment wordpress\/wordpress: Synced Degraded Deployment "wordpress" exceeded/);
    expect(readFileSync(join(dir, 'events.json'), 'utf8')).toContain('BackOff');
    expect(readFileSync(join(dir, 'pods.txt'), 'utf8')).toContain('wordpress-1 0/1');
    // Only the unhealthy object is described, not its Healthy Service.
    expect(readdirSync(join(dir, 'describe'))).toEqual(['Deployment_wordpress_wordpress.txt']);
    expect(readFileSync(join(dir, 'describe', 'Deployment_wordpress_wordpress.txt'), 'utf8')).toContain('ProgressDeadlineExceeded');
    expect(readFileSync(join(dir, 'logs', 'argocd-application-controller.log'), 'utf8')).toContain('controller log');
    // A log that cannot be read says why instead of failing the bundle.
    expect(readFileSync(join(dir, 'logs', 'argocd-repo-server.log'), 'utf8')).toMatch(/exited 1\nerror: no pods found/);
    const args = fake!.calls().map((c) => c.argv.join(' '));
    expect(args).toContain('describe deployment.apps wordpress -n wordpress');
    expect(args).toContain('logs -n argocd statefulset/argocd-application-controller --all-containers --tail=2000');
    expect(args).toContain('logs -n argocd deployment/argocd-repo-server --all-containers --tail=2000');
  });

  it('a failed sync counts as stuck, with the operation message as the reason', async () => {
    const failing = (name: string) =>
      name === 'metallb' ? { sync: 'OutOfSync', health: 'Missing', operationState: { phase: 'Failed', message: 'one or more objects failed to apply: admission webhook denied' } } : {};
    scripted([cluster(failing)]);
    const r = await wait('--env', 'dev', '--degraded-grace', '0');
    expect(r.code).toBe(1);
    expect(r.err).toContain('1 Application(s) stuck failing to sync: metallb (OutOfSync/Missing: sync Failed: one or more objects failed to apply: admission webhook denied) (pass --diagnostics <dir> for a diagnostic bundle)');
    expect(appCalls()).toBe(1);
  });

  it('a timeout names the first unfinished wave, and only counts the later waves waiting behind it', async () => {
    scripted([cluster(upToWave(waves[2]!))]);
    const r = await wait('--env', 'dev', '--timeout', '1m');
    expect(r.code).toBe(1);
    const next = waves[3]!;
    const inNext = rendered.filter((a) => Number(a.wave ?? 0) === next).map((a) => `${a.name} (Synced/Progressing)`);
    const later = rendered.filter((a) => Number(a.wave ?? 0) > next).length;
    expect(r.err).toBe(`error: dev: timed out after 60s waiting for ${inNext.length + later} Application(s); in wave ${next}: ${inNext.join('; ')} (${later} Application(s) of later waves wait behind it) (pass --diagnostics <dir> for a diagnostic bundle)`);
  });

  it('a timeout names what it waited for and writes the bundle', async () => {
    const stuck = (name: string) => (name === 'pebble' ? { health: 'Progressing', message: 'Waiting for rollout to finish: 0 of 1 updated replicas are available...' } : name === 'velero' ? undefined : {});
    scripted([cluster(stuck)]);
    const dir = diagnostics();
    const r = await wait('--env', 'dev', '--timeout', '2m', '--poll-interval', '30s', '--diagnostics', dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: dev: timed out after 120s waiting for 2 Application(s); in wave -15: pebble (Synced/Progressing: Waiting for rollout to finish: 0 of 1 updated replicas are available...); not created: velero — diagnostics in ${dir}`,
    );
    // Looks at 0, 30, 60, 90 and 120 s: the last look comes at the deadline, not after it.
    expect(appCalls()).toBe(5);
    expect(r.elapsedMs).toBe(120_000);
    expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).toContain('pebble\tSynced\tProgressing');
    expect(existsSync(join(dir, 'events.json'))).toBe(true);
    expect(existsSync(join(dir, 'logs', 'argocd-application-controller.log'))).toBe(true);
  });
});

describe('npm run wait: usage', () => {
  it('needs one environment and real durations', async () => {
    await expect(wait()).rejects.toThrow(UsageError);
    await expect(wait('--env', 'dev,prod')).rejects.toThrow(/one environment/);
    await expect(wait('--env', 'dev', '--timeout', 'soon')).rejects.toThrow(/--timeout "soon" is not a duration/);
    await expect(wait('--env', 'dev', '--poll-interval', '0')).rejects.toThrow(/--poll-interval "0"/);
  });
});
