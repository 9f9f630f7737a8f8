// A CLI command run inside the test process: `render/commands/<name>.ts`'s `run()` with stdout and
// stderr captured and errors turned into exit codes the way render/cli.ts does (a RenderError is
// exit 1 with `error: …`, a UsageError exit 2). Loading the models once per test file instead of
// once per case is what keeps the suite fast; the exit code and streams of the real process stay
// covered by a few subprocess tests per command.
import { RenderError } from '../../render/types.ts';
import { UsageError } from '../../render/commands/args.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

/**
 * Runs `command` with `args` in `cwd` (default: the current directory). Not re-entrant: cases that
 * call it must not run concurrently within a file (the streams are the process's own).
 */
export async function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; deps?: object; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  const mod = (await import(`../../render/commands/${command}.ts`)) as { run(args: string[], deps?: object): Promise<number> };
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const capture = (append: (s: string) => void): Write =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as Write;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  const before = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  // Variables the command reads (GITHUB_TOKEN…), set for this run only, as a subprocess's env would.
  const savedEnv = Object.entries(options.env ?? {}).map(([k]) => [k, process.env[k]] as const);
  Object.assign(process.env, options.env);
  try {
    const code = await mod.run(args, options.deps);
    return { code, stdout, stderr };
  } catch (e) {
    if (e instanceof RenderError) return { code: 1, stdout, stderr: `${stderr}error: ${e.describe()}\n` };
    if (e instanceof UsageError) return { code: 2, stdout, stderr: `${stderr}error: ${e.message}\n` };
    throw e;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.chdir(before);
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
