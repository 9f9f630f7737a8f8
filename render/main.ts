// The CLI itself, loaded by render/cli.ts once the loader hooks are in place. Each command is
// declared (summary, flags) in render/commands/specs.ts and lives in render/commands/<command>.ts,
// which exports `run(args): Promise<number>` (the exit code).
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DataError } from '../environments/schema/check.ts';
import { lineOfField } from './data-location.ts';
import { RenderError } from './types.ts';
import { HelpRequested, UsageError, formatHelp } from './commands/args.ts';
import { COMMANDS, SPECS, commandList, type CommandName } from './commands/specs.ts';

// `npm run validate -- --format json | head -1`: the reader is gone, and so is any reason to go on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h') {
    (command ? process.stdout : process.stderr).write(commandList());
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-V') {
    // From package.json, read as text: answered before any model or schema loads.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    process.stdout.write(`${pkg.name} ${pkg.version} (node ${process.version})\n`);
    return 0;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    process.stderr.write(`error: unknown command "${command}" (one of: ${COMMANDS.join(', ')}; \`node render/cli.ts --help\` describes them)\n`);
    return 2;
  }
  const spec = SPECS[command as CommandName];
  // Answered from the declaration, without loading the command and its models.
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(formatHelp(spec));
    return 0;
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
    if (e instanceof DataError) locate(e);
    if (e instanceof RenderError) {
      process.stderr.write(`error: ${e.describe()}\n`);
      process.exitCode = 1;
    } else if (e instanceof HelpRequested) {
      process.stdout.write(e.text);
      process.exitCode = 0;
    } else if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${describeUnexpected(e)}\n`);
      process.exitCode = 1;
    }
  },
);

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Adds the line of the field to an environment data error, when the file is there to read. */
function locate(e: DataError): void {
  const { file, field, line } = e.where;
  if (!file || !field || line !== undefined) return;
  const path = join(ROOT, file);
  if (!existsSync(path)) return;
  e.where.line = lineOfField(readFileSync(path, 'utf8'), field);
}
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/**
 * Anything else is most often a mistake in the TypeScript sources that type stripping lets
 * through (a misspelt field, a missing value): say where it happened in *our* files and how to
 * find the cause, and keep the stack for GITOPS_DEBUG=1.
 */
function describeUnexpected(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  if (process.env.GITOPS_DEBUG) return `error: ${err.stack ?? err.message}`;
  const code = (err as { code?: string }).code;
  // A file the user named (or a folder we write to) that is missing or not writable.
  const io = err as { syscall?: string; path?: string };
  if (code && FILE_ERRORS[code] && io.path) {
    const shown = relative(process.cwd(), io.path);
    return `error: ${shown && !shown.startsWith('..') ? shown : io.path}: ${FILE_ERRORS[code]}`;
  }
  // Syntax errors lead their stack with `file:///…/x.ts:28`, the source line and a caret.
  const lead = /^(file:\/\/\S+):(\d+)\n([\s\S]*?)\n\n/.exec(err.stack ?? '');
  if (lead) {
    return `error: ${relative(ROOT, fileURLToPath(lead[1]!))}:${lead[2]}: ${err.message}\n${lead[3]}\n(a source file does not load: fix it at the place shown)`;
  }
  const frame = (err.stack ?? '')
    .split('\n')
    .map((l) => /\((file:\/\/[^)]+?):(\d+):\d+\)$|at (file:\/\/\S+?):(\d+):\d+$/.exec(l.trim()))
    .find((m) => m && !(m[1] ?? m[3])!.includes('/node_modules/'));
  const where = frame ? `${relative(ROOT, fileURLToPath((frame[1] ?? frame[3])!))}:${frame[2] ?? frame[4]}: ` : '';
  const syntax = err instanceof SyntaxError || (code !== undefined && /TYPESCRIPT_SYNTAX|MODULE_NOT_FOUND/.test(code));
  if (syntax) return `error: ${where}${err.message}\n(a source file does not load: fix it at the place shown)`;
  // JavaScript's own errors in our code mean data of the wrong shape reached a model.
  if (err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError) {
    return `error: ${where}${err.message}\n(the sources are probably not type-correct: \`npm run typecheck\` shows where; GITOPS_DEBUG=1 prints the stack)`;
  }
  return `error: ${err.message}`;
}
