#!/usr/bin/env node
// The only entry point with I/O. `node render/cli.ts <command> [args]`; each command lives in
// render/commands/<command>.ts and exports `run(args): Promise<number>` (the exit code).
import { enableCompileCache } from 'node:module';
import { RenderError } from './types.ts';
import { UsageError } from './commands/args.ts';

const COMMANDS = ['render', 'check', 'validate', 'diff', 'pr-comment', 'migrations', 'promote', 'preview', 'release'] as const;

// Module loading (hundreds of small kubernetes-models files) dominates small renders: let V8
// reuse compiled code across runs (kept in the OS temp dir; safe to delete at any time).
enableCompileCache?.();

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`usage: node render/cli.ts <${COMMANDS.join('|')}> [options]\n`);
    return command ? 0 : 2;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    process.stderr.write(`error: unknown command "${command}" (one of: ${COMMANDS.join(', ')})\n`);
    return 2;
  }
  const mod = (await import(`./commands/${command}.ts`)) as { run(args: string[]): Promise<number> };
  return mod.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // For `npm run bench`: the whole run's time since process start and its peak memory.
    if (process.env.GITOPS_RENDER_STATS) {
      process.stderr.write(`GITOPS_RENDER_STATS ${JSON.stringify({ totalMs: performance.now(), maxRssKiB: process.resourceUsage().maxRSS })}\n`);
    }
  },
  (e: unknown) => {
    if (e instanceof RenderError) {
      process.stderr.write(`error: ${e.describe()}\n`);
      process.exitCode = 1;
    } else if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`internal error (a bug, please report): ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
