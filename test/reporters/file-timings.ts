// A vitest reporter that prints one row per test file, slowest first, when the run ends: the next
// slow file shows up in CI's log before it slows everyone down. It reports; it never fails a run.
// `.ci/run` adds it next to the default reporter: `vitest run --reporter=default --reporter=./test/reporters/file-timings.ts`.
import type { Reporter, TestModule } from 'vitest/node';

export interface FileTiming {
  file: string;
  /** Import of the file (collect) plus its tests and hooks, in ms. */
  ms: number;
  tests: number;
  state: string;
  worker: number;
}

/** Rows sorted by duration, slowest first; ties by name so the table is stable. */
export function timingRows(modules: readonly TestModule[]): FileTiming[] {
  return modules
    .map((m) => {
      const d = m.diagnostic();
      return {
        file: m.relativeModuleId,
        ms: d.collectDuration + d.setupDuration + d.duration,
        tests: [...m.children.allTests()].length,
        state: m.state(),
        worker: d.concurrencyId,
      };
    })
    .sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file));
}

export function formatTimings(rows: readonly FileTiming[], wallMs?: number): string {
  const width = Math.max(4, ...rows.map((r) => r.file.length));
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  const lines = [`${'file'.padEnd(width)}  ${'time'.padStart(8)}  tests  worker`];
  for (const r of rows) {
    const mark = r.state === 'passed' || r.state === 'skipped' ? '' : `  (${r.state})`;
    lines.push(`${r.file.padEnd(width)}  ${secs(r.ms)}  ${String(r.tests).padStart(5)}  ${String(r.worker).padStart(6)}${mark}`);
  }
  const total = rows.reduce((n, r) => n + r.ms, 0);
  lines.push(`${'sum of files'.padEnd(width)}  ${secs(total)}${wallMs === undefined ? '' : `  (wall ${(wallMs / 1000).toFixed(1)} s)`}`);
  return `${lines.join('\n')}\n`;
}

export default class FileTimingsReporter implements Reporter {
  private start = performance.now();

  onTestRunStart(): void {
    this.start = performance.now();
  }

  onTestRunEnd(modules: readonly TestModule[]): void {
    if (!modules.length) return;
    process.stdout.write(`\nPer-file timings (slowest first):\n${formatTimings(timingRows(modules), performance.now() - this.start)}\n`);
  }
}
