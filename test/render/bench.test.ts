// The benchmark must keep working as the repository changes (it patches a copy of the catalog
// and environments). Not a timing test: it only checks the run completes and reports sensibly.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/sandbox.ts';

describe('npm run bench', () => {
  it('reports start-up, a small synthetic render (objects, time, memory, phases) and a --vs ratio as JSON', () => {
    // `true` stands in for a peer: what is checked is that it runs pair by pair and yields a ratio.
    // No warm-up runs: this checks the report, not the figures.
    const r = spawnSync(process.execPath, ['--import', join(REPO, 'render/strip-cache.mjs'), join(REPO, 'render/bench.ts'), '--apps', '3', '--runs', '1', '--warmup', '0', '--format', 'json', '--vs', 'test "$BENCH_APPS" = 3'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { startup, sizes, validateYaml } = JSON.parse(r.stdout) as { startup: Record<string, number>; sizes: (Record<string, unknown> & { phasesMs: Record<string, number>; vs: Record<string, unknown> })[]; validateYaml: Record<string, number> };
    expect(Object.keys(startup).sort()).toEqual(['helpMs', 'nodeMs', 'realObjects', 'realRenderBareMs', 'realRenderFirstLineMs', 'realRenderMs', 'realRenderUncachedMs', 'versionMs']);
    expect(startup.realObjects).toBeGreaterThan(100);
    expect(sizes).toHaveLength(1);
    const out = sizes[0]!;
    expect(out.apps).toBe(3);
    expect(out.environments).toBe(3);
    // 3 envs × 3 apps × (ConfigMap, Deployment, Service, Ingress, HPA) + the platform.
    expect(out.objects as number).toBeGreaterThan(3 * 3 * 5);
    expect(out.wallMs as number).toBeGreaterThan(0);
    expect(out.peakMiB as number).toBeGreaterThan(0);
    expect(Object.keys(out.phasesMs).sort()).toEqual(['buildMs', 'loadMs', 'serializeMs', 'validateMs', 'writeMs']);
    expect(out.vs.ratio as number).toBeGreaterThan(0);
    // `validate` of one YAML file of the validator benchmark's objects (3 envs × W × 5), as a whole process.
    expect(validateYaml.objects).toBe(3 * 3 * 5);
    expect(validateYaml.status).toBe(0);
    expect(validateYaml.wallMs).toBeGreaterThan(0);
    expect(validateYaml.peakMiB).toBeGreaterThan(0);
  });

  it('answers --help and refuses a malformed size', () => {
    const help = spawnSync(process.execPath, [join(REPO, 'render/bench.ts'), '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--vs <command>');
    const bad = spawnSync(process.execPath, [join(REPO, 'render/bench.ts'), '--apps', '10,x'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: bench: --apps/);
  });
});
