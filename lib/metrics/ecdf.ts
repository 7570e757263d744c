import { isSortedAscending, sortedCopy } from './quantile.js';

/** One step of an empirical CDF: the fraction of samples ≤ value. */
export interface EcdfPoint {
  readonly value: number;
  readonly fraction: number;
}

/**
 * Empirical CDF as plot-ready points, one per distinct value, thinned to at most `maxPoints` (evenly
 * by rank, always keeping the largest value) so a CDF of a million latencies stays a small figure.
 */
export function ecdf(values: ArrayLike<number>, maxPoints = 500): EcdfPoint[] {
  const xs = isSortedAscending(values) ? values : sortedCopy(values);
  const n = xs.length;
  const steps: EcdfPoint[] = [];
  for (let i = 0; i < n; i++) {
    // The last occurrence of a value carries its CDF step.
    if (i === n - 1 || xs[i + 1] !== xs[i]) steps.push({ value: xs[i]!, fraction: (i + 1) / n });
  }
  if (maxPoints < 2) throw new RangeError(`ecdf: maxPoints must be ≥ 2, got ${maxPoints}`);
  if (steps.length <= maxPoints) return steps;
  const out: EcdfPoint[] = [];
  const stride = (steps.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) out.push(steps[Math.round(k * stride)]!);
  return out;
}
