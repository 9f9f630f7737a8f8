import { accessSync, constants, statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const TMPFS_MAGIC = 0x01021994;

/**
 * The suite creates and deletes tens of thousands of files (sandbox copies of the repository, git
 * repositories, rendered trees). On a VM's ext4 a file created costs up to 0.3 ms (copying one
 * sandbox: 0.1–0.45 s), on tmpfs ~30 µs (30–40 ms). So the run's temp files (os.tmpdir(), which the
 * workers and every subprocess inherit) go to /dev/shm when it is a writable tmpfs with room to
 * spare — unless TMPDIR was chosen already.
 */
function fastTempDir(): void {
  if (process.env.TMPDIR) return;
  try {
    accessSync('/dev/shm', constants.W_OK);
    const fs = statfsSync('/dev/shm');
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= 2 * 1024 ** 3) process.env.TMPDIR = '/dev/shm';
  } catch {
    // no /dev/shm (macOS, Windows) or not ours to write: the system's temp dir
  }
}
fastTempDir();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Generous: a busy shared machine makes things slow, never wrong. No test asserts on time.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // vitest's default is one worker less than the cores: a single worker on a 2-core machine,
    // while most files wait on subprocesses (node, git, postgres) and leave a core idle.
    maxWorkers: Math.max(2, availableParallelism()),
    // A worker runs file after file in one process: Node, vitest and the kubernetes-models modules
    // load once per worker instead of once per file (≈ 1.5 s each). Test files share no mutable
    // state: fixtures live in temp dirs, shared servers are per file (test/helpers/postgres.ts).
    isolate: false,
  },
});
