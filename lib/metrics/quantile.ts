/**
 * Quantiles by linear interpolation between order statistics — Hyndman & Fan type 7, the default
 * of R, NumPy and d3: h = (n − 1)·p, q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * simple-statistics' own `quantile` uses a different (nearest-rank-like) definition, hence this file.
 */

/** Type-7 quantile of already ascending-sorted values. NaN when empty or p outside [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return NaN;
  if (n === 1) return sorted[0]!;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1]!;
  const frac = h - lo;
  const a = sorted[lo]!;
  return frac === 0 ? a : a + frac * (sorted[lo + 1]! - a);
}

/** True when `values` is ascending (so it can be used without copying). */
export function isSortedAscending(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1]! > values[i]!) return false;
  return true;
}

/** Ascending copy as a Float64Array (numeric sort, unlike Array.prototype.sort). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Type-7 quantile of values in any order (sorted or not; the input is never mutated).
 * Values must be numbers without NaN; use `summarize` for data with missing values.
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(isSortedAscending(values) ? values : sortedCopy(values), p);
}
