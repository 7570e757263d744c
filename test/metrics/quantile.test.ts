import { describe, expect, it } from 'vitest';
import { quantile, quantileSorted } from '../../lib/metrics/index.js';

describe('quantile(values, p)', () => {
  // Reference values: R's quantile(x, type = 7) / numpy.quantile defaults.
  const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];

  it('interpolates linearly between order statistics (type 7)', () => {
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(9);
    expect(quantile(x, 0.5)).toBeCloseTo(3.5, 12);
    expect(quantile(x, 0.25)).toBeCloseTo(2.25, 12);
    expect(quantile(x, 0.75)).toBeCloseTo(5, 12);
    expect(quantile(x, 0.9)).toBeCloseTo(6.3, 12);
    expect(quantile(x, 0.95)).toBeCloseTo(7.65, 12);
  });

  it('handles 1..5 evenly spaced values exactly', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });

  it('does not mutate its input and accepts typed arrays', () => {
    const copy = x.slice();
    quantile(x, 0.3);
    expect(x).toEqual(copy);
    expect(quantile(Float64Array.from([10, 0]), 0.5)).toBe(5);
  });

  it('returns NaN for empty input or p outside [0, 1], the value itself for n = 1', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, 2], -0.1)).toBeNaN();
    expect(quantile([1, 2], 1.1)).toBeNaN();
    expect(quantile([7], 0.99)).toBe(7);
  });
});

describe('quantileSorted(sorted, p)', () => {
  it('agrees with quantile on sorted data', () => {
    const s = [1, 2, 4, 8, 16, 32];
    for (const p of [0, 0.1, 0.33, 0.5, 0.77, 1]) expect(quantileSorted(s, p)).toBe(quantile(s, p));
  });
});
