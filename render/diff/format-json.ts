// Machine-readable report (for other tools and tests); values are already redacted.
import type { DiffReport } from './model.ts';

export function formatJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
