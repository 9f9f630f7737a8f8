// Runs (or prints) a bootstrap plan with kubectl. Every call gets `--context` when one is given;
// stdin carries the objects (and the sealing key), so no secret is ever on a command line.
import { spawn } from 'node:child_process';
import type { KubectlCall, Stdin, Step } from './plan.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The process was killed after the deadline. */
  timedOut: boolean;
}

export type Kubectl = (args: string[], stdin: string | undefined, deadlineMs: number) => Promise<KubectlResult>;

/** `kubectl` from PATH (tests put a recording fake first on PATH). */
export const spawnKubectl: Kubectl = (args, stdin, deadlineMs) =>
  new Promise((resolve) => {
    const child = spawn('kubectl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, deadlineMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: e.code === 'ENOENT' ? 'kubectl not found on PATH' : e.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, timedOut });
    });
    // A reader that exits early (an error) closes the pipe: not our failure to report.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });

/** A step that did not complete: the message names it. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

export function withContext(call: KubectlCall, context: string | undefined): string[] {
  return context ? ['--context', context, ...call.args] : [...call.args];
}

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;
const quote = (a: string) => (SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`);

export function commandLine(call: KubectlCall, context: string | undefined): string {
  return ['kubectl', ...withContext(call, context)].map(quote).join(' ');
}

export function describeStdin(stdin: Stdin): string[] {
  if (stdin.kind === 'sealing-key') {
    return [`Secret ${stdin.namespace}/${stdin.name} (kubernetes.io/tls) built in memory from --sealing-key`];
  }
  return stdin.objects.map((o) => o.path);
}

/** The plan as it would run: numbered steps, each kubectl command, what it reads on stdin. */
export function formatPlan(steps: Step[], context: string | undefined): string[] {
  const lines: string[] = [];
  steps.forEach((step, i) => {
    lines.push(`# ${i + 1}/${steps.length} ${step.name}: ${step.title}`);
    for (const call of step.calls) {
      lines.push(commandLine(call, context));
      if (call.stdin) for (const d of describeStdin(call.stdin)) lines.push(`#   < ${d}`);
    }
    lines.push('');
  });
  return lines;
}

export interface RunOptions {
  context: string | undefined;
  timeoutSeconds: number;
  kubectl: Kubectl;
  /** The bytes a call reads on stdin. */
  stdinFor(stdin: Stdin): string;
  out(line: string): void;
  /** Node names the environment declares: the preflight warns about any the cluster lacks. */
  nodes: string[];
}

export async function runPlan(steps: Step[], o: RunOptions): Promise<void> {
  // kubectl enforces --timeout on waits; this deadline only catches a call that hangs otherwise.
  const deadlineMs = (o.timeoutSeconds + 30) * 1000;
  for (const [i, step] of steps.entries()) {
    o.out(`==> ${i + 1}/${steps.length} ${step.name}: ${step.title}`);
    for (const call of step.calls) {
      const line = commandLine(call, o.context);
      o.out(`    ${line}`);
      const r = await o.kubectl(withContext(call, o.context), call.stdin ? o.stdinFor(call.stdin) : undefined, deadlineMs);
      const detail = r.timedOut ? `did not finish within ${o.timeoutSeconds + 30}s` : `exited ${r.code}: ${lastLine(r.stderr) || lastLine(r.stdout) || 'no output'}`;
      if (r.code !== 0 || r.timedOut) {
        if (call.optional) {
          o.out(`    warning: ${detail}`);
          continue;
        }
        throw new BootstrapError(`bootstrap step ${i + 1}/${steps.length} "${step.name}" failed: \`${line}\` ${detail}`);
      }
      if (step.name === 'preflight') {
        const present = new Set(r.stdout.split('\n').map((l) => l.trim().replace(/^node\//, '')).filter(Boolean));
        const missing = o.nodes.filter((n) => !present.has(n));
        if (missing.length) o.out(`    warning: the environment declares node(s) the cluster does not list: ${missing.join(', ')} (not joined yet?)`);
      }
    }
  }
}

function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}
