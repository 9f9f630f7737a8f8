// One throwaway PostgreSQL per test file, started on first use and stopped after the file's last
// test. Each check creates its own database on it (render/migrations/check.ts), so cases and
// workers never share state; what costs is the start (initdb template copy + server start), paid
// once instead of once per case.
import { afterAll } from 'vitest';
import { startServer, type RunningServer } from '../../render/migrations/server.ts';

let running: Promise<RunningServer> | undefined;

/** The file's server; the first call registers its stop with afterAll (call it at the top level). */
export function sharedPostgres(): () => Promise<RunningServer> {
  afterAll(async () => {
    const server = running;
    running = undefined;
    await (await server?.catch(() => undefined))?.stop();
  });
  return () => (running ??= startServer());
}
