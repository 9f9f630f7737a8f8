// Once per `vitest run`, before any worker starts: the dependency bundle the CLI's subprocesses
// load (render/prebundle.mjs). Without it, the first few subprocesses would each build it at once.
import { ensureBundle } from '../../render/prebundle.mjs';

export default async function setup(): Promise<void> {
  await ensureBundle();
}
