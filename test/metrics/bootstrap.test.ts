import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_RESAMPLES, bootstrapMeanInterval, summarize } from '../../lib/metrics/index.js';

describe('bootstrapMeanInterval (95 % percentile bootstrap of the mean, seeded)', () => {
  const skewed = [0, 0, 0, 0, 12];

  it('is deterministic: the same values and name give the same interval', () => {
    expect(bootstrapMeanInterval(skewed, 'a')).toEqual(bootstrapMeanInterval(skewed, 'a'));
  });

  it('draws from a stream named by its caller: another name, other draws', () => {
    const a = bootstrapMeanInterval([1, 5, 2, 8, 3, 9, 4], 'a', 200);
    const b = bootstrapMeanInterval([1, 5, 2, 8, 3, 9, 4], 'b', 200);
    expect(a).not.toEqual(b);
  });

  it('stays within the values’ range, so a non-negative quantity gets no negative bound where Student t gives one', () => {
    expect(summarize(skewed).ci95Low).toBeLessThan(0);
    const { low, high } = bootstrapMeanInterval(skewed, 'skewed');
    expect(low).toBe(0); // (4/5)^5 = 33 % of resamples are all zeros
    expect(high).toBeGreaterThan(2.4);
    expect(high).toBeLessThanOrEqual(12);
  });

  it('holds the mean, and narrows as n grows', () => {
    const xs = Array.from({ length: 40 }, (_, i) => (i * 37) % 11);
    const m = summarize(xs).mean;
    const wide = bootstrapMeanInterval(xs.slice(0, 10), 'n');
    const narrow = bootstrapMeanInterval(xs, 'n');
    expect(narrow.low).toBeLessThan(m);
    expect(narrow.high).toBeGreaterThan(m);
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
    // Close to the normal approximation for 40 values: ±1.96·sd/√n.
    const half = (1.96 * summarize(xs).sd) / Math.sqrt(xs.length);
    expect(narrow.high - narrow.low).toBeGreaterThan(1.6 * half);
    expect(narrow.high - narrow.low).toBeLessThan(2.4 * half);
  });

  it('collapses onto constant values and onto a single value; nothing gives NaN', () => {
    expect(bootstrapMeanInterval([7, 7, 7], 'c')).toEqual({ low: 7, high: 7 });
    expect(bootstrapMeanInterval([3], 'one')).toEqual({ low: 3, high: 3 });
    const none = bootstrapMeanInterval([], 'none');
    expect(Number.isNaN(none.low) && Number.isNaN(none.high)).toBe(true);
  });

  it('of two values, the percentiles of {a, (a+b)/2, b} drawn ¼ ½ ¼: the two values', () => {
    expect(bootstrapMeanInterval([80, 104], 'two')).toEqual({ low: 80, high: 104 });
  });

  it('refuses a resample count that is not a positive integer', () => {
    expect(() => bootstrapMeanInterval([1, 2], 'x', 0)).toThrow(/bad resample count 0/);
    expect(() => bootstrapMeanInterval([1, 2], 'x', 1.5)).toThrow(/bad resample count/);
    expect(BOOTSTRAP_RESAMPLES).toBe(10_000);
  });
});
