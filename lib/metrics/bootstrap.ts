import { RandomStreams } from '../sim/index.js';
import { quantileSorted } from './quantile.js';

/** Resamples of a bootstrap interval unless told otherwise: the percentiles move by < 1 % of the spread. */
export const BOOTSTRAP_RESAMPLES = 10_000;

/** The seed every bootstrap stream derives from (with its name): the intervals depend on nothing else. */
export const BOOTSTRAP_SEED = 1;

/**
 * The 95 % percentile bootstrap interval of the mean: `resamples` samples of n values drawn with
 * replacement from `values`, and the 2.5th and 97.5th percentiles (type 7) of their means. The draws
 * come from the project's seeded random streams (`RandomStreams(BOOTSTRAP_SEED).stream(name)`), so
 * the interval is a function of the values and the name only. It lies within [min, max] of the
 * values: a quantity that cannot be negative gets no negative bound.
 */
export function bootstrapMeanInterval(values: readonly number[], name: string, resamples: number = BOOTSTRAP_RESAMPLES): { low: number; high: number } {
  const n = values.length;
  if (n === 0) return { low: NaN, high: NaN };
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new Error(`bootstrap: bad resample count ${resamples}`);
  const rng = new RandomStreams(BOOTSTRAP_SEED).stream(`bootstrap:${name}`);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[rng.int(n)]!;
    means[r] = sum / n;
  }
  means.sort();
  return { low: quantileSorted(means, 0.025), high: quantileSorted(means, 0.975) };
}
