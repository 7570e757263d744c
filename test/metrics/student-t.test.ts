import { describe, expect, it } from 'vitest';
import { tCdf, tPdf, tQuantile } from '../../lib/metrics/index.js';

describe('tQuantile(p, df)', () => {
  // Published t-table values (two-sided 95 % → p = 0.975; one-sided 95 % → p = 0.95).
  const table: Array<[number, number, number]> = [
    [1, 0.975, 12.706],
    [2, 0.975, 4.303],
    [5, 0.975, 2.571],
    [10, 0.975, 2.228],
    [30, 0.975, 2.042],
    [120, 0.975, 1.98],
    [1, 0.95, 6.314],
    [2, 0.95, 2.92],
    [5, 0.95, 2.015],
    [10, 0.95, 1.812],
    [30, 0.95, 1.697],
    [120, 0.95, 1.658],
  ];
  it.each(table)('df=%d p=%d matches the t table (%d)', (df, p, expected) => {
    expect(Math.abs(tQuantile(p, df) - expected)).toBeLessThan(5e-4);
  });

  it('matches higher-precision reference values', () => {
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 10);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272456301238, 10);
  });

  it('matches the closed form for df = 4', () => {
    // t = 2·√(q − 1) with q = cos(⅓·arccos √α)/√α, α = 4p(1 − p)  (p > ½).
    for (const p of [0.8, 0.95, 0.995, 0.99999]) {
      const a = 4 * p * (1 - p);
      const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
      expect(tQuantile(p, 4) / (2 * Math.sqrt(q - 1))).toBeCloseTo(1, 9);
    }
  });

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999, 1 - 1e-9]) {
      const cauchy = 1 / Math.tan(Math.PI * (1 - p)); // 1 − p is exact here; tan near π/2 is not
      expect(tQuantile(p, 1) / cauchy).toBeCloseTo(1, 9);
      const q = 1 - p;
      const df2 = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
      expect(tQuantile(p, 2) / df2).toBeCloseTo(1, 9);
    }
  });

  it('is antisymmetric around p = 0.5 and tends to the normal quantile for large df', () => {
    expect(tQuantile(0.5, 7)).toBe(0);
    expect(tQuantile(0.025, 7)).toBeCloseTo(-tQuantile(0.975, 7), 12);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
  });

  it('inverts tCdf, including tiny tails and fractional df', () => {
    for (const df of [0.5, 1, 2.5, 3, 17, 250]) {
      for (const p of [1e-10, 0.01, 0.3, 0.7, 0.99, 0.999999]) {
        const t = tQuantile(p, df);
        expect(Math.abs(tCdf(t, df) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
      }
    }
  });

  it('returns ±Infinity at p = 0 / 1 and NaN for invalid input', () => {
    expect(tQuantile(1, 3)).toBe(Infinity);
    expect(tQuantile(0, 3)).toBe(-Infinity);
    expect(tQuantile(1.2, 3)).toBeNaN();
    expect(tQuantile(0.9, 0)).toBeNaN();
    expect(tQuantile(0.9, Number.NaN)).toBeNaN();
  });
});

describe('tCdf(t, df)', () => {
  it('is ½ at 0 and matches the Cauchy CDF for df = 1', () => {
    expect(tCdf(0, 4)).toBe(0.5);
    for (const t of [-3, -0.5, 0.25, 2, 40]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
    }
  });
});

describe('tPdf(t, df)', () => {
  it('matches the Cauchy density for df = 1', () => {
    for (const t of [0, 1, -2.5]) expect(tPdf(t, 1)).toBeCloseTo(1 / (Math.PI * (1 + t * t)), 14);
  });
});
