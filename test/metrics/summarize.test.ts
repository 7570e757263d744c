import { describe, expect, it } from 'vitest';
import { summarize } from '../../lib/metrics/index.js';

describe('summarize(values)', () => {
  it('computes mean, median, p95, sample sd and the t-based 95 % CI', () => {
    // Hand computation: mean 5, deviations² 9,1,1,9 → sum 20, sample var 20/3, sd 2.5820;
    // t(0.975, 3) = 3.182446; half-width = 3.182446·2.5820/2 = 4.1085205.
    const s = summarize([2, 4, 6, 8]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(5);
    expect(s.median).toBe(5);
    expect(s.p95).toBeCloseTo(7.7, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(s.ci95Low).toBeCloseTo(5 - 4.1085205, 5);
    expect(s.ci95High).toBeCloseTo(5 + 4.1085205, 5);
  });

  it('uses t(0.975, 1) = 12.706 for two values', () => {
    // mean 11, sd = √2, half-width = 12.7062·√2/√2 = 12.7062.
    const s = summarize([10, 12]);
    expect(s.ci95High - s.mean).toBeCloseTo(12.706205, 5);
  });

  it('collapses the CI onto the mean for n = 1', () => {
    expect(summarize([3.5])).toEqual({
      n: 1, mean: 3.5, median: 3.5, p95: 3.5, sd: 0, ci95Low: 3.5, ci95High: 3.5,
    });
  });

  it('returns NaNs for n = 0 and skips NaN entries as missing', () => {
    const e = summarize([]);
    expect(e.n).toBe(0);
    for (const k of ['mean', 'median', 'p95', 'sd', 'ci95Low', 'ci95High'] as const) {
      expect(e[k]).toBeNaN();
    }
    expect(summarize([1, Number.NaN, 3]).mean).toBe(2);
    expect(summarize([1, Number.NaN, 3]).n).toBe(2);
  });
});
