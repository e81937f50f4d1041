import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_LIMITS, ELIDED, summariseValue } from '../src/value-summary.js';

describe('summariseValue', () => {
  it('keeps small plain values as they are', () => {
    const value = { term: 3, leader: 'm1', peers: ['m1', 'm2'], ok: true, nothing: null };
    expect(summariseValue(value)).toEqual(value);
  });

  it('truncates long strings, long arrays and wide objects, saying how much was left out', () => {
    const limits = { ...DEFAULT_SUMMARY_LIMITS, stringLengthMax: 4, itemsMax: 2, keysMax: 2 };
    expect(summariseValue('abcdefgh', limits)).toBe(`abcd${ELIDED}(+4 chars)`);
    expect(summariseValue([1, 2, 3, 4, 5], limits)).toEqual([1, 2, `${ELIDED} +3 items`]);
    expect(summariseValue({ a: 1, b: 2, c: 3 }, limits)).toEqual({ a: 1, b: 2, [ELIDED]: '+1 keys' });
  });

  it('stops at the depth limit and on cycles', () => {
    const limits = { ...DEFAULT_SUMMARY_LIMITS, depthMax: 2 };
    expect(summariseValue({ a: { b: { c: 1 } } }, limits)).toEqual({ a: { b: '[Object 1 keys]' } });
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic['self'] = cyclic;
    expect(summariseValue(cyclic)).toEqual({ name: 'x', self: '[Circular]' });
  });

  it('turns functions, actor refs, bytes, maps, dates and bigints into msgpack-safe values', () => {
    const actor = { id: 'pod-7', sessionId: 'x:3', send: () => {}, system: { huge: true } };
    const summary = summariseValue({
      fn: function probe() {},
      actor,
      bytes: new Uint8Array(10),
      map: new Map([['k', 1]]),
      at: new Date(0),
      big: 10n,
      nan: Number.NaN,
      missing: undefined,
    });
    expect(summary).toEqual({
      fn: '[Function probe]',
      actor: '[Actor pod-7]',
      bytes: '[Uint8Array 10 bytes]',
      map: { k: 1 },
      at: '1970-01-01T00:00:00.000Z',
      big: '10n',
      nan: 'NaN',
      missing: null,
    });
    expect(() => encode(summary)).not.toThrow();
  });

  it('bounds the whole summary of a huge value by the node budget', () => {
    const huge = Array.from({ length: 1000 }, (_, i) => ({ i, items: Array.from({ length: 1000 }, (_, j) => `item-${j}`) }));
    const limits = { ...DEFAULT_SUMMARY_LIMITS, itemsMax: 1000, nodesMax: 100 };
    const bytes = encode(summariseValue(huge, limits)).byteLength;
    expect(bytes).toBeLessThan(100 * 20);
    expect(JSON.stringify(summariseValue(huge, limits))).toContain(ELIDED);
  });
});
