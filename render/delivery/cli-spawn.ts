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
  // As the npm scripts run it: the strip cache first, so that not even the entry file starts Node's type stripper.
  const r = spawnSync(process.execPath, ['--import', join(repoDir, 'render', 'strip-cache.mjs'), join(repoDir, 'render', 'cli.ts'), ...args], { cwd: repoDir, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status ?? 70, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `render --env <env>`; a RenderError carrying the render's own messages when it fails. */
export function rerender(repoDir: string, envs: readonly string[]): void {
  const r = runCli(repoDir, ['render', '--quiet', ...envs.flatMap((e) => ['--env', e])]);
  if (r.code !== 0) throw new RenderError({ env: envs.join(',') }, `re-render failed after the version change:\n${r.stderr.trim()}`);
}
