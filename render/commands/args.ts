// Command-line parsing and help, both generated from ONE declaration per command.
//
// Adding a command (e.g. `seal`):
//   1. Declare it in render/commands/specs.ts:
//        seal: command({
//          name: 'seal', summary: 'one line for `node render/cli.ts --help`',
//          usage: '--env <env> [options] <secret>...',
//          flags: { env: { type: 'string', value: '<env>', description: 'the environment whose key seals' } },
//          positionals: ['<secret>...', 'Secret manifests to seal'],
//          details: 'Exit status: 0 …, 1 …, 2 usage error.',
//        }),
//      Every flag has a type and a description; `short`, `multiple`, `default`, `choices` (allowed
//      values) and `value` (the placeholder shown in help) are optional. No `positionals`: none
//      accepted.
//   2. Write render/commands/seal.ts exporting `run(args: string[]): Promise<number>` (the exit
//      code) that starts with `const { values, positionals } = parse(SPECS.seal, args);` — values
//      are typed from the declaration.
// cli.ts dispatches only declared commands and answers `<command> --help` from the declaration
// (without loading the command); test/render/cli-manners.test.ts checks the help of every one.
// An unknown flag or a value outside `choices` is a UsageError (exit 2) naming the flag.
import { parseArgs } from 'node:util';

/** Wrong flags or values: exit 2 with the message, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` was asked for: cli.ts prints `text` and exits 0. */
export class HelpRequested extends Error {
  readonly text: string;
  constructor(text: string) {
    super('help requested');
    this.name = 'HelpRequested';
    this.text = text;
  }
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** One line: what the flag does (shown by --help). */
  description: string;
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** The value's placeholder in help, e.g. `<ref>`. */
  value?: string;
  /** The only accepted values. */
  choices?: readonly string[];
}

export type Flags = Record<string, FlagSpec>;

export interface CommandSpec<F extends Flags = Flags> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows `npm run <name> --`, e.g. `[options] <file|dir>...`. */
  usage: string;
  flags: F;
  /** [placeholder, description] of the positional arguments; absent: none accepted. */
  positionals?: readonly [string, string];
  /** Paragraphs after the options: exit status, examples. */
  details?: string;
}

/** Declares a command; keeps the flag literals so `parse` can type the values. */
export function command<const F extends Flags>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

type One<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : string;
type Value<S extends FlagSpec> = S extends { multiple: true } ? One<S>[] : One<S>;
export type Values<F extends Flags> = {
  -readonly [K in keyof F]: F[K] extends { default: string | boolean } ? Value<F[K]> : Value<F[K]> | undefined;
};

export interface Parsed<F extends Flags> {
  values: Values<F>;
  positionals: string[];
}

const HELP: FlagSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export function parse<F extends Flags>(spec: CommandSpec<F>, args: string[]): Parsed<F>;
/** The earlier form (flags without descriptions, so a poor --help); new code declares a spec. */
export function parse<const T extends Record<string, Omit<FlagSpec, 'description'>>>(
  command: string, args: string[], options: T, allowPositionals?: boolean,
): Parsed<{ [K in keyof T]: T[K] & { description: string } }>;
export function parse(
  specOrName: CommandSpec | string,
  args: string[],
  options?: Record<string, Omit<FlagSpec, 'description'>>,
  allowPositionals = false,
): Parsed<Flags> {
  const spec: CommandSpec = typeof specOrName === 'string'
    ? {
      name: specOrName,
      summary: '',
      usage: '[options]',
      flags: Object.fromEntries(Object.entries(options ?? {}).map(([k, f]) => [k, { description: '', ...f }])),
      ...(allowPositionals ? { positionals: ['<argument>...', ''] as const } : {}),
    }
    : specOrName;
  const config = Object.fromEntries(
    Object.entries({ ...spec.flags, help: HELP }).map(([k, f]) => [k, {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.default !== undefined ? { default: f.multiple ? [f.default] : f.default } : {}),
    }]),
  ) as Parameters<typeof parseArgs>[0] extends infer C ? C extends { options?: infer O } ? O : never : never;
  let parsed;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: spec.positionals !== undefined, strict: true });
  } catch (e) {
    throw new UsageError(`${spec.name}: ${explain(e as Error & { code?: string }, spec)}; ${helpCommand(spec.name)} lists the options`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) throw new HelpRequested(formatHelp(spec));
  delete values.help;
  for (const [key, flag] of Object.entries(spec.flags)) {
    if (!flag.choices) continue;
    const given = values[key];
    for (const v of Array.isArray(given) ? given : given === undefined ? [] : [given]) {
      if (!flag.choices.includes(v as string)) {
        throw new UsageError(`${spec.name}: --${key} must be one of ${flag.choices.join(', ')} (got "${String(v)}")`);
      }
    }
  }
  return { values: values as Values<Flags>, positionals: parsed.positionals };
}

/** `npm run validate -- --help` */
export function helpCommand(name: string): string {
  const [cmd] = name.split(' ');
  return `\`npm run ${cmd} -- --help\``;
}

/** node:util's messages, shortened to the flag at fault (with a guess at what was meant). */
function explain(e: Error & { code?: string }, spec: CommandSpec): string {
  const flag = /'(?:-\w, )?(-{1,2}[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const guess = flag ? closest(flag.replace(/^-+/, ''), Object.keys(spec.flags)) : undefined;
      return `unknown option ${flag ?? e.message}${guess ? ` (did you mean --${guess}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (flag && /argument missing/.test(e.message)) return `${flag} needs a value`;
      if (flag && /does not take an argument/.test(e.message)) return `${flag} takes no value`;
      return e.message.split('. ')[0]!;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''} (this command takes options only)`.replace('  ', ' ');
    default:
      return e.message.split('. ')[0]!;
  }
}

/** The declared flag nearest to a misspelt one (edit distance ≤ 2), if any. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** The --help text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const [cmd, ...sub] = spec.name.split(' ');
  const lines = [`usage: npm run ${cmd} -- ${[...sub, spec.usage].join(' ')}`, ''];
  if (spec.summary) lines.push(spec.summary, '');
  const rows: [string, string][] = [];
  if (spec.positionals) {
    lines.push('arguments:');
    lines.push(...table([[spec.positionals[0], spec.positionals[1]]]), '');
  }
  for (const [name, f] of Object.entries({ ...spec.flags, help: HELP })) {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ` ${f.value ?? '<value>'}` : ''}`;
    const extra = [
      f.choices ? `one of: ${f.choices.join(', ')}` : '',
      f.default !== undefined && f.default !== false ? `default: ${String(f.default)}` : '',
      f.multiple ? 'repeatable' : '',
    ].filter(Boolean);
    rows.push([left, `${f.description}${extra.length ? ` (${extra.join('; ')})` : ''}`]);
  }
  lines.push('options:', ...table(rows));
  if (spec.details) lines.push('', spec.details.trimEnd());
  return `${lines.join('\n')}\n`;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows.map(([l, r]) => (l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${r}` : `  ${l.padEnd(width)}${r}`));
}
