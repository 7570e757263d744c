import { describe, expect, it } from 'vitest';
import { digestOf, isOrderedRequest } from '../../lib/replication/index.js';

describe('digestOf', () => {
  it('is equal for equal bodies, whatever the key order', () => {
    expect(digestOf({ a: 1, b: new Uint8Array([1, 2, 3]) })).toBe(digestOf({ b: new Uint8Array([1, 2, 3]), a: 1 }));
  });

  it('changes with any field or byte', () => {
    const base = { found: true, version: 7, value: new Uint8Array(100).fill(9) };
    const d = digestOf(base);
    const flipped = new Uint8Array(100).fill(9);
    flipped[57] = 8;
    for (const other of [{ ...base, found: false }, { ...base, version: 8 }, { ...base, value: flipped }, { ...base, extra: 0 }, [base], 'x'])
      expect(digestOf(other)).not.toBe(d);
    expect(digestOf('1')).not.toBe(digestOf(1));
  });

  it('recognises an ordered request', () => {
    expect(isOrderedRequest({ position: 3, request: {} })).toBe(true);
    expect(isOrderedRequest({ op: 'read' })).toBe(false);
  });
});
