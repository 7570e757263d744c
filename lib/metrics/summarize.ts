import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import { quantileSorted } from './quantile.js';
import { tQuantile } from './student-t.js';

/** Descriptive statistics of a sample, with the 95 % confidence interval of its mean. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly median: number;
  /** Type-7 95th percentile (see `quantile`). */
  readonly p95: number;
  /** Sample standard deviation (n − 1 denominator); 0 for n = 1. */
  readonly sd: number;
  /** mean − t(0.975, n − 1)·sd/√n; equals the mean for n = 1. */
  readonly ci95Low: number;
  readonly ci95High: number;
}

/**
 * Summarize a sample. NaN entries are treated as missing and skipped (d3 style), so `n` counts the
 * values actually used. n = 0 gives NaN everywhere; n = 1 gives sd 0 and a CI collapsed onto the
 * mean (a single replicate carries no spread information — the caller sees n and can tell).
 */
export function summarize(values: ArrayLike<number>): Summary {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) xs.push(values[i]!);
  const n = xs.length;
  if (n === 0) {
    return { n: 0, mean: NaN, median: NaN, p95: NaN, sd: NaN, ci95Low: NaN, ci95High: NaN };
  }
  const sorted = Float64Array.from(xs).sort();
  const mean = ssMean(xs);
  const sd = n > 1 ? sampleStandardDeviation(xs) : 0;
  const half = n > 1 ? (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n) : 0;
  return {
    n,
    mean,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    sd,
    ci95Low: mean - half,
    ci95High: mean + half,
  };
}
