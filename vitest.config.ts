import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

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
