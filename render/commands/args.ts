// Small, strict argument parsing shared by the commands (node:util parseArgs underneath).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Wrong flags or values: exit 2 with the message, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}
