// Runs the real squawk binary (npm `squawk-cli`; the binary ships in its platform package,
// `@squawk-cli/<os>-<arch>`, no download step) and maps its findings onto our statements.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Finding, MigrationSource } from './types.ts';
import type { Statement } from './statements.ts';

// Style rules, and rules our own parser rules or the dynamic check decide better (they know the
// running release's queries and which type changes rewrite).
export const SQUAWK_EXCLUDED = [
  'prefer-robust-stmts',
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-text-field',
  'prefer-timestamptz',
  'ban-char-field',
  'require-statement-timeout',
  'changing-column-type',
  'renaming-column',
  'renaming-table',
  'ban-drop-column',
  'ban-drop-table',
  'adding-required-field',
] as const;

interface SquawkViolation {
  line: number;
  level: string;
  message: string;
  help?: string;
  rule_name: string;
}

/**
 * The squawk binary of this platform's `@squawk-cli/<os>-<arch>` package (an optional
 * dependency: npm installs only the one matching the machine), else `squawk` on PATH.
 * We depend on the platform package rather than the `squawk-cli` wrapper because the wrapper's
 * lockfile entries name every platform's package and `npm ci` refuses a lockfile that lacks one.
 */
export function squawkBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@squawk-cli/${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? 'squawk.exe' : 'squawk');
  } catch {
    const onPath = spawnSync('squawk', ['--version'], { encoding: 'utf8' });
    if (!onPath.error && onPath.status === 0) return 'squawk';
    throw new Error(`squawk is not available: install ${pkg} (npm) or put squawk on PATH`);
  }
}

export function runSquawk(migration: MigrationSource, statements: Statement[], opts: { pgVersion: number; runnerLockTimeout?: string }): Finding[] {
  const excluded: string[] = [...SQUAWK_EXCLUDED];
  // The runner's session timeout is in force for every statement; the dynamic check proves it.
  if (opts.runnerLockTimeout) excluded.push('require-lock-timeout');
  const r = spawnSync(
    squawkBinary(),
    ['--reporter', 'json', `--pg-version=${opts.pgVersion}.0`, `--exclude=${excluded.join(',')}`, '--stdin-filepath', `${migration.name}.sql`],
    { input: migration.sql, encoding: 'utf8' },
  );
  if (r.error) throw r.error;
  let violations: SquawkViolation[];
  try {
    violations = JSON.parse(r.stdout || '[]') as SquawkViolation[];
  } catch {
    throw new Error(`squawk failed (exit ${r.status}): ${r.stderr}`);
  }
  return violations.map((v) => {
    // squawk lines are 0-based; point at the statement that contains the line.
    const line = v.line + 1;
    let st = statements[0];
    for (const s of statements) if (s.line <= line) st = s;
    return {
      rule: `squawk/${v.rule_name}`,
      severity: 'error',
      migration: migration.name,
      statement: st ? { index: st.index, line: st.line, sql: st.sql } : undefined,
      message: v.message,
      fix: v.help ?? 'See https://squawkhq.com/docs/rules',
    } satisfies Finding;
  });
}
