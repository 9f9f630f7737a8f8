// The benchmark must keep working as the repository changes (it patches a copy of the catalog
// and environments). Not a timing test: it only checks the run completes and reports sensibly.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/sandbox.ts';

describe('npm run bench', () => {
  it('renders a small synthetic repository and reports objects, time, memory and phases as JSON', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'render/bench.ts'), '--apps', '3', '--runs', '1', '--format', 'json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { phasesMs: Record<string, number> };
    expect(out.apps).toBe(3);
    expect(out.environments).toBe(3);
    // 3 envs × 3 apps × (ConfigMap, Deployment, Service, Ingress, HPA) + the platform.
    expect(out.objects as number).toBeGreaterThan(3 * 3 * 5);
    expect(out.wallMs as number).toBeGreaterThan(0);
    expect(out.peakMiB as number).toBeGreaterThan(0);
    expect(Object.keys(out.phasesMs).sort()).toEqual(['buildMs', 'loadMs', 'serializeMs', 'validateMs', 'writeMs']);
  });
});
