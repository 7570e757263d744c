import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_HEX_CHARS, digestBytes, digestPages } from '../../lib/vm/index.js';

describe('digestBytes', () => {
  it('is SHA-256 over length-prefixed parts, truncated to 128 bits', () => {
    const a = new Uint8Array([1, 2, 3]);
    const expected = createHash('sha256')
      .update(new Uint8Array([3, 0, 0, 0]))
      .update(a)
      .digest('hex')
      .slice(0, DIGEST_HEX_CHARS);
    expect(digestBytes(a)).toBe(expected);
    expect(digestBytes(a)).toHaveLength(32);
  });

  it('separates parts: ["ab","c"] and ["a","bc"] differ', () => {
    const e = new TextEncoder();
    expect(digestBytes(e.encode('ab'), e.encode('c'))).not.toBe(digestBytes(e.encode('a'), e.encode('bc')));
  });
});

describe('digestPages', () => {
  const pb = 8;
  const bytes = new Uint8Array(16).map((_, i) => i);

  it('is deterministic and covers page numbers and bytes', () => {
    const d = digestPages(Int32Array.of(2, 5), bytes, pb);
    expect(digestPages(Int32Array.of(2, 5), bytes.slice(), pb)).toBe(d);
    expect(digestPages(Int32Array.of(2, 6), bytes, pb)).not.toBe(d);
    const flipped = bytes.slice();
    flipped[11]! ^= 1;
    expect(digestPages(Int32Array.of(2, 5), flipped, pb)).not.toBe(d);
    expect(digestPages(Int32Array.of(2), bytes.subarray(0, 8), pb)).not.toBe(d);
  });

  it('encodes page numbers little-endian, whatever the host order', () => {
    const numbers = new Uint8Array([0x04, 0x03, 0x02, 0x01]);
    expect(digestPages(Int32Array.of(0x01020304), bytes.subarray(0, 8), pb)).toBe(digestBytes(numbers, bytes.subarray(0, 8)));
  });

  it('refuses a payload of the wrong length', () => {
    expect(() => digestPages(Int32Array.of(1, 2), bytes.subarray(0, 8), pb)).toThrow(/needs 16 bytes, got 8/);
  });
});
