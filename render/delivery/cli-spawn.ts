// Re-rendering after a versions file changed must happen in a fresh process: this one has the
// old JSON imported (ES module cache). The same CLI a person runs, in the same repository.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RenderError } from '../types.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(repoDir: string, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(repoDir, 'render', 'cli.ts'), ...args], { cwd: repoDir, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status ?? 70, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `render --env <env>`; a RenderError carrying the render's own messages when it fails. */
export function rerender(repoDir: string, envs: readonly string[]): void {
  const r = runCli(repoDir, ['render', '--quiet', ...envs.flatMap((e) => ['--env', e])]);
  if (r.code !== 0) throw new RenderError({ env: envs.join(',') }, `re-render failed after the version change:\n${r.stderr.trim()}`);
}

/** The semantic diff (render/diff) of `base` against `head` (a ref, or the working tree). */
export function semanticDiff(repoDir: string, base: string, options: { head?: string; format: 'text' | 'markdown'; maxChars?: number }): string {
  const args = ['diff', '--base', base, '--format', options.format, '--repo-dir', repoDir];
  if (options.head) args.push('--head', options.head);
  if (options.maxChars) args.push('--max-chars', String(options.maxChars));
  const r = runCli(repoDir, args);
  if (r.code !== 0) throw new RenderError({}, `semantic diff failed:\n${r.stderr.trim()}`);
  return r.stdout;
}
