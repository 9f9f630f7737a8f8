// Models build plain objects (platform/kinds.ts); a value left out of the environment data reaches
// them as `undefined`. The build drops such keys at every depth, as the kubernetes-models classes
// did, so the validator sees an absent field — and copies only what it has to.
import { describe, expect, it } from 'vitest';
import { definedOnly } from '../../render/build.ts';

describe('definedOnly', () => {
  it('drops undefined-valued keys at any depth, keeping key order and array items', () => {
    const o = { a: 1, b: undefined, c: { d: undefined, e: [{ f: undefined, g: 2 }, undefined, 3] }, h: 'x' };
    const out = definedOnly(o);
    expect(out).toStrictEqual({ a: 1, c: { e: [{ g: 2 }, undefined, 3] }, h: 'x' });
    expect(Object.keys(out as object)).toEqual(['a', 'c', 'h']);
    // The model's own objects are left as they were.
    expect('b' in o).toBe(true);
  });

  it('returns objects without undefined keys as they are (copy on write)', () => {
    const inner = { x: 1 };
    const o = { inner, list: [inner], other: { y: undefined } };
    const out = definedOnly(o) as typeof o;
    expect(out).not.toBe(o);
    expect(out.inner).toBe(inner);
    expect(out.list).toBe(o.list);
    const clean = { a: { b: [1, { c: 2 }] } };
    expect(definedOnly(clean)).toBe(clean);
  });

  it('leaves non-plain values (dates, class instances) alone', () => {
    class Thing {
      x = undefined;
    }
    const t = new Thing();
    const d = new Date(0);
    expect(definedOnly({ t, d })).toStrictEqual({ t, d });
  });
});
