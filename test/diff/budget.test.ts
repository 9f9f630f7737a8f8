// The comment must fit GitHub's 65,536-character limit however large the change is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSides, formatMarkdown, readRenderedAtRef, GITHUB_COMMENT_LIMIT, type DiffReport } from '../../render/diff/index.ts';
import { gitFixture, type GitFixture } from './git-fixture.ts';
import { configMap, pvc } from './objects.ts';

let repo: GitFixture;
let report: DiffReport;

beforeAll(() => {
  repo = gitFixture();
  const files = (version: string) => {
    const t: Record<string, unknown> = {};
    for (let app = 0; app < 30; app++) {
      for (let i = 0; i < 15; i++) {
        const data: Record<string, string> = {};
        for (let k = 0; k < 20; k++) data[`key-${k}`] = `value-${version}-${app}-${i}-${k}-${'x'.repeat(40)}`;
        t[`prod/app-${String(app).padStart(2, '0')}/configmap-c${i}.yaml`] = configMap(`c${i}`, `app-${app}`, data);
      }
    }
    t['prod/app-29/persistentvolumeclaim-data.yaml'] = pvc('data', 'app-29', { storageClassName: version === 'a' ? 'nfs' : 'fast' });
    return t;
  };
  const a = repo.commitRendered(files('a'), 'a');
  const b = repo.commitRendered(files('b'), 'b');
  report = compareSides(readRenderedAtRef(repo.dir, a), readRenderedAtRef(repo.dir, b), { facts: () => ({ strictPolicy: true }) });
});
afterAll(() => repo.cleanup());

describe('comment budget', () => {
  it('stays under the limit with the summary, collapsible sections cut at object boundaries and a note', () => {
    const md = formatMarkdown(report, { fullDiffUrl: 'https://github.com/o/r/actions/runs/42' });
    const full = formatMarkdown(report, { maxChars: Number.MAX_SAFE_INTEGER });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 3);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // Summary always there, risks first even though the risky app comes last.
    expect(md).toContain('| prod | 30 | 0 | 0 | 451 |');
    expect(md).toMatch(/🛑 breaks sync \| prod › app-29 \| `PersistentVolumeClaim\/app-29\/data`/);
    // Sections are well-formed: every <details> closed, every code fence closed.
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
    // Cut at object boundaries: every shown object has its complete hunk.
    const shown = md.match(/^#### ConfigMap\/\S+ changed$/gm) ?? [];
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(450);
    expect(md).toMatch(/_…\d+ more objects? in this application not shown \(see the full diff\)\._/);
    expect(md).toContain('This comment is cut to fit GitHub\'s 65,536-character limit');
    expect(md).toContain('[this workflow run](https://github.com/o/r/actions/runs/42)');
  });

  it('honours smaller budgets too', () => {
    for (const max of [3000, 10_000, 30_000]) {
      const md = formatMarkdown(report, { maxChars: max });
      expect(md.length).toBeLessThanOrEqual(max);
      expect(md).toContain('## Rendered manifests diff');
      expect(md.split('<details>').length).toBe(md.split('</details>').length);
    }
  });
});
