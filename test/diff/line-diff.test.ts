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

  // Size, not speed: a test never asserts on time (the machine may be busy); a quadratic diff on
  // 20,000 lines would still show up as this case hanging into its timeout.
  it('stays small on large objects', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const added = unifiedDiff('', big.join('\n'));
    const changed = unifiedDiff(big.join('\n'), big.map((l, i) => (i % 2 ? `${l}!` : l)).join('\n'));
    expect(added.split('\n')).toHaveLength(20_001);
    expect(changed).toContain('+line 19999!');
    // each line at most once per side, plus hunk headers
    expect(changed.split('\n').length).toBeLessThan(3 * big.length);
  });
});
