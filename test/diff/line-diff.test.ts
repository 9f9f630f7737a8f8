import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../render/diff/line-diff.ts';

describe('unified diff', () => {
  it('produces git-style hunks with context', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
    const b = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n');
    expect(unifiedDiff(a, b, 1)).toBe(['@@ -3,3 +3,3 @@', ' c', '-d', '+D', ' e', '@@ -10,1 +10,2 @@', ' j', '+k'].join('\n'));
  });

  it('handles whole additions, removals and no change', () => {
    expect(unifiedDiff('', 'x\ny\n')).toBe('@@ -0,0 +1,2 @@\n+x\n+y');
    expect(unifiedDiff('x\n', '')).toBe('@@ -1,1 +0,0 @@\n-x');
    expect(unifiedDiff('same\n', 'same\n')).toBe('');
  });

  it('stays fast and small on large objects', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const t0 = performance.now();
    const added = unifiedDiff('', big.join('\n'));
    const changed = unifiedDiff(big.join('\n'), big.map((l, i) => (i % 2 ? `${l}!` : l)).join('\n'));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(added.split('\n')).toHaveLength(20_001);
    expect(changed).toContain('+line 19999!');
  });
});
