// Waits until every Argo CD Application of a cluster is Synced and Healthy, reporting progress
// wave by wave; when an Application stays Degraded (or its sync fails) or time runs out, writes a
// diagnostic bundle and fails with one line naming the stuck Application(s) and why. kubectl does
// all cluster I/O (the same injectable runner as the bootstrap), the clock and sleep are injected
// so that tests play a scripted cluster without waiting.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kubectl } from './run.ts';
import { byText } from '../text-order.ts';

export const ARGOCD_NAMESPACE = 'argocd';
const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** How many unhealthy objects the bundle describes at most (a broken CRD can mark hundreds). */
const MAX_DESCRIBE = 60;
const LOG_TAIL = '2000';

export interface AppResource {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  status?: string;
  health?: string;
  message?: string;
}

export interface AppState {
  name: string;
  wave: number;
  sync: string;
  health: string;
  /** Why it is not there yet: the first of health message, unhealthy object, failed sync, condition. */
  reason: string;
  syncFailed: boolean;
  resources: AppResource[];
}

export interface WaitOptions {
  kubectl: Kubectl;
  context?: string;
  timeoutSeconds: number;
  pollSeconds: number;
  /** How long an Application may stay Degraded (or its sync Failed) before the wait gives up. */
  degradedGraceSeconds: number;
  /** Application names the environment renders: the wait also waits for them to exist. */
  expected: string[];
  /** Where the diagnostic bundle goes on failure (none written when undefined). */
  diagnosticsDir?: string;
  out(line: string): void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class WaitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitError';
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The Applications of `kubectl get applications.argoproj.io -o json`, as the wait reads them. */
export function parseApplications(json: string): AppState[] {
  let list: Json;
  try {
    list = obj(JSON.parse(json));
  } catch {
    throw new WaitError(`kubectl get applications did not print JSON: ${json.slice(0, 120)}`);
  }
  return arr(list.items)
    .map((item) => {
      const meta = obj(obj(item).metadata);
      const status = obj(obj(item).status);
      const wave = Number.parseInt(str(obj(meta.annotations)[WAVE_ANNOTATION]) || '0', 10);
      const health = obj(status.health);
      const op = obj(status.operationState);
      const resources: AppResource[] = arr(status.resources).map((r) => {
        const o = obj(r);
        const h = obj(o.health);
        return {
          group: str(o.group),
          kind: str(o.kind),
          namespace: str(o.namespace),
          name: str(o.name),
          status: str(o.status) || undefined,
          health: str(h.status) || undefined,
          message: str(h.message) || undefined,
        };
      });
      const syncFailed = ['Failed', 'Error'].includes(str(op.phase));
      const sync = str(obj(status.sync).status) || 'Unknown';
      const healthStatus = str(health.status) || 'Unknown';
      const bad = resources.find((r) => r.health !== undefined && r.health !== 'Healthy');
      const condition = arr(status.conditions).map(obj).find((c) => /Error|Warning/.test(str(c.type)));
      const reason =
        str(health.message) ||
        (syncFailed ? `sync ${str(op.phase)}: ${str(op.message)}` : '') ||
        (bad ? `${bad.kind} ${bad.namespace ? `${bad.namespace}/` : ''}${bad.name} ${bad.health}${bad.message ? `: ${bad.message}` : ''}` : '') ||
        (condition ? `${str(condition.type)}: ${str(condition.message)}` : '') ||
        (sync !== 'Synced' ? (str(op.message) || sync) : '');
      return { name: str(meta.name), wave: Number.isFinite(wave) ? wave : 0, sync, health: healthStatus, reason: oneLine(reason), syncFailed, resources };
    })
    .sort((a, b) => a.wave - b.wave || byText(a.name, b.name));
}

const done = (a: AppState) => a.sync === 'Synced' && a.health === 'Healthy';
const describeApp = (a: AppState) => `${a.name} (${a.sync}/${a.health}${a.reason ? `: ${a.reason}` : ''})`;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

/** One progress line per wave that is not done yet, plus the count of done waves. */
export function progress(apps: AppState[], missing: string[]): string {
  const waves = [...new Set(apps.map((a) => a.wave))].sort((a, b) => a - b);
  const parts: string[] = [];
  let doneWaves = 0;
  for (const w of waves) {
    const inWave = apps.filter((a) => a.wave === w);
    const ok = inWave.filter(done).length;
    if (ok === inWave.length) {
      doneWaves++;
      continue;
    }
    const waiting = inWave.filter((a) => !done(a)).map((a) => `${a.name} ${a.sync}/${a.health}`);
    parts.push(`wave ${w}: ${ok}/${inWave.length} (${waiting.join(', ')})`);
  }
  const head = `${apps.filter(done).length}/${apps.length} Applications Synced+Healthy, ${doneWaves}/${waves.length} waves done`;
  const absent = missing.length ? `; not created yet: ${missing.join(', ')}` : '';
  return `${head}${parts.length ? `; ${parts[0]}` : ''}${absent}`;
}

export async function waitForApplications(o: WaitOptions): Promise<void> {
  const now = o.now ?? (() => Date.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ctx = o.context ? ['--context', o.context] : [];
  const callDeadline = 60_000;
  const start = now();
  const deadline = start + o.timeoutSeconds * 1000;
  const degradedSince = new Map<string, number>();
  let last = '';
  let lastJson = '';
  let apps: AppState[] = [];
  const elapsed = () => `${Math.round((now() - start) / 1000)}s`;

  for (;;) {
    const r = await o.kubectl([...ctx, 'get', 'applications.argoproj.io', '-n', ARGOCD_NAMESPACE, '-o', 'json'], undefined, callDeadline);
    if (r.code === 0 && !r.timedOut) {
      lastJson = r.stdout;
      apps = parseApplications(r.stdout);
      const present = new Set(apps.map((a) => a.name));
      const missing = o.expected.filter((n) => !present.has(n));
      const line = progress(apps, missing);
      if (line !== last) o.out(`[${elapsed()}] ${line}`);
      last = line;
      if (apps.length > 0 && missing.length === 0 && apps.every(done)) {
        o.out(`every Application is Synced and Healthy (${apps.length}, after ${elapsed()})`);
        return;
      }
      const t = now();
      for (const a of apps) {
        if (a.health === 'Degraded' || a.syncFailed) {
          if (!degradedSince.has(a.name)) degradedSince.set(a.name, t);
        } else degradedSince.delete(a.name);
      }
      const stuck = apps.filter((a) => degradedSince.has(a.name) && t - degradedSince.get(a.name)! >= o.degradedGraceSeconds * 1000);
      if (stuck.length > 0) {
        const where = await bundle(o, ctx, lastJson, apps);
        throw new WaitError(`${stuck.length} Application(s) stuck ${stuck.some((a) => a.health === 'Degraded') ? 'Degraded' : 'failing to sync'}: ${stuck.map(describeApp).join('; ')}${where}`);
      }
    } else {
      o.out(`[${elapsed()}] kubectl get applications failed (${r.timedOut ? 'timed out' : `exit ${r.code}: ${oneLine(r.stderr) || 'no output'}`}); retrying`);
    }
    if (now() >= deadline) {
      const present = new Set(apps.map((a) => a.name));
      const missing = o.expected.filter((n) => !present.has(n));
      const where = await bundle(o, ctx, lastJson, apps);
      throw new WaitError(`timed out after ${o.timeoutSeconds}s ${blockers(apps, missing)}${where}`);
    }
    await sleep(Math.min(o.pollSeconds * 1000, Math.max(0, deadline - now())));
  }
}

/**
 * Who holds the sync up: the Applications of the first wave not done (later waves only wait for
 * it, so they are counted, not listed), and the rendered Applications not created yet.
 */
function blockers(apps: AppState[], missing: string[]): string {
  const waiting = apps.filter((a) => !done(a));
  if (waiting.length === 0 && missing.length === 0) return 'with no Application listed (is Argo CD running?)';
  const parts: string[] = [];
  if (waiting.length > 0) {
    const first = Math.min(...waiting.map((a) => a.wave));
    const stuck = waiting.filter((a) => a.wave === first);
    const later = waiting.length - stuck.length;
    parts.push(`in wave ${first}: ${stuck.map(describeApp).join('; ')}${later ? ` (${later} Application(s) of later waves wait behind it)` : ''}`);
  }
  if (missing.length > 0) parts.push(`not created: ${missing.join(', ')}`);
  return `waiting for ${waiting.length + missing.length} Application(s); ${parts.join('; ')}`;
}

/** Writes the diagnostic bundle; returns the message suffix that points at it. */
async function bundle(o: WaitOptions, ctx: string[], appsJson: string, apps: AppState[]): Promise<string> {
  if (!o.diagnosticsDir) return ' (pass --diagnostics <dir> for a diagnostic bundle)';
  const dir = o.diagnosticsDir;
  mkdirSync(join(dir, 'describe'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const run = async (args: string[]) => {
    const r = await o.kubectl([...ctx, ...args], undefined, 120_000);
    return r.code === 0 && !r.timedOut ? r.stdout : `# kubectl ${args.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code}`}\n${r.stderr}${r.stdout}`;
  };
  writeFileSync(join(dir, 'applications.json'), appsJson || '{}\n');
  writeFileSync(join(dir, 'summary.txt'), summary(apps));
  writeFileSync(join(dir, 'events.json'), await run(['get', 'events', '-A', '-o', 'json']));
  writeFileSync(join(dir, 'pods.txt'), await run(['get', 'pods', '-A', '-o', 'wide']));
  const unhealthy = apps
    .filter((a) => !done(a))
    .flatMap((a) => a.resources.filter((r) => (r.health !== undefined && r.health !== 'Healthy') || r.status === 'OutOfSync'))
    .filter((r, i, all) => all.findIndex((x) => x.group === r.group && x.kind === r.kind && x.namespace === r.namespace && x.name === r.name) === i);
  for (const r of unhealthy.slice(0, MAX_DESCRIBE)) {
    const type = r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
    const args = ['describe', type, r.name, ...(r.namespace ? ['-n', r.namespace] : [])];
    const file = `${[r.kind, r.namespace, r.name].filter(Boolean).join('_')}.txt`.replace(/[^A-Za-z0-9_.-]/g, '-');
    writeFileSync(join(dir, 'describe', file), await run(args));
  }
  if (unhealthy.length > MAX_DESCRIBE) writeFileSync(join(dir, 'describe', 'TRUNCATED.txt'), `${unhealthy.length - MAX_DESCRIBE} more unhealthy object(s) not described\n`);
  for (const [file, target] of [
    ['argocd-application-controller.log', 'statefulset/argocd-application-controller'],
    ['argocd-repo-server.log', 'deployment/argocd-repo-server'],
  ] as const) {
    writeFileSync(join(dir, 'logs', file), await run(['logs', '-n', ARGOCD_NAMESPACE, target, '--all-containers', `--tail=${LOG_TAIL}`]));
  }
  return ` — diagnostics in ${dir}`;
}

export function summary(apps: AppState[]): string {
  const lines = ['wave\tapplication\tsync\thealth\treason'];
  for (const a of apps) {
    lines.push(`${a.wave}\t${a.name}\t${a.sync}\t${a.health}\t${a.reason}`);
    for (const r of a.resources.filter((x) => (x.health !== undefined && x.health !== 'Healthy') || x.status === 'OutOfSync')) {
      lines.push(`\t  ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.status ?? ''} ${r.health ?? ''}${r.message ? ` ${oneLine(r.message)}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
