// The suite's own rules: it never asserts on time (a shared machine under load is slow, not
// wrong), it uses both cores of a 2-core machine, and CI prints which file took how long.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import config from '../../vitest.config.ts';
import { formatTimings, timingRows } from '../reporters/file-timings.ts';
import { REPO } from '../helpers/sandbox.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the test suite', () => {
  it('has no wall-clock assertion: no upper bound on a duration anywhere in test/', () => {
    const DURATION = /(ms|Ms|millis|seconds|duration|elapsed|startup|wall|time)\b/i;
    const offenders: string[] = [];
    for (const file of sources(join(REPO, 'test'))) {
      if (file === import.meta.filename) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const bound = /expect\((.*)\)\.(?:not\.)?toBeLessThan(?:OrEqual)?\(/.exec(line);
          if (bound && DURATION.test(bound[1]!)) offenders.push(`${relative(REPO, file)}:${i + 1}: ${line.trim()}`);
          if (/performance\.now\(\)|Date\.now\(\)/.test(line) && /expect\(/.test(line)) offenders.push(`${relative(REPO, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('runs on at least two workers, with timeouts generous enough for a loaded machine', () => {
    const test = config.test!;
    expect(test.maxWorkers).toBeGreaterThanOrEqual(2);
    expect(test.testTimeout).toBeGreaterThanOrEqual(120_000);
    expect(test.hookTimeout).toBeGreaterThanOrEqual(120_000);
  });

  it('CI prints the per-file timing table and vitest\'s own summary, and fails when the tests fail', () => {
    const ci = readFileSync(join(REPO, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^set -euo pipefail$/m);
    const last = ci.trim().split('\n').at(-1)!;
    // The last command: its exit code is the script's.
    expect(last).toMatch(/^npm test -- .*--reporter=\.\/test\/reporters\/file-timings\.ts/);
    expect(last).toContain('--reporter=default');
  });
});

describe('the per-file timing table', () => {
  const mod = (file: string, ms: { collect: number; tests: number }, tests: number, state = 'passed', worker = 1) =>
    ({
      relativeModuleId: file,
      state: () => state,
      children: { allTests: () => Array.from({ length: tests }).values() },
      diagnostic: () => ({ collectDuration: ms.collect, setupDuration: 0, duration: ms.tests, concurrencyId: worker }),
    }) as unknown as TestModule;

  it('lists every file, slowest first, with its time, tests, worker and a failed state', () => {
    const rows = timingRows([
      mod('test/a.test.ts', { collect: 100, tests: 900 }, 3),
      mod('test/slow.test.ts', { collect: 2000, tests: 31_000 }, 12, 'failed', 2),
      mod('test/b.test.ts', { collect: 50, tests: 950 }, 1),
    ]);
    expect(rows.map((r) => r.file)).toEqual(['test/slow.test.ts', 'test/a.test.ts', 'test/b.test.ts']);
    const table = formatTimings(rows, 34_000).split('\n');
    expect(table[0]).toMatch(/^file\s+time\s+tests\s+worker$/);
    expect(table[1]).toMatch(/^test\/slow\.test\.ts\s+33\.0 s\s+12\s+2 {2}\(failed\)$/);
    expect(table[2]).toMatch(/^test\/a\.test\.ts\s+1\.0 s\s+3\s+1$/);
    expect(table[4]).toMatch(/^sum of files\s+35\.0 s {2}\(wall 34\.0 s\)$/);
  });
});
