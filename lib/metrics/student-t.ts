import { gammaln, probit } from 'simple-statistics';
import { regularizedIncompleteBeta } from './incomplete-beta.js';

/*
 * Student's t distribution. simple-statistics has no t quantile, and a confidence interval is only
 * as good as its t value, so the quantile is computed exactly (to ~1e-13) rather than approximated:
 * the tail probability comes from the regularized incomplete beta, P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½),
 * and is inverted by Newton's method kept inside a bisection bracket (so it cannot diverge).
 */

/** P(T > t) for t ≥ 0 — computed directly, so tiny tails keep their relative precision. */
function upperTail(t: number, df: number): number {
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Density of Student's t with `df` degrees of freedom (df > 0, may be fractional). */
export function tPdf(t: number, df: number): number {
  if (!(df > 0) || !Number.isFinite(df) || Number.isNaN(t)) return NaN;
  const lnNorm = gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Cumulative distribution P(T ≤ t) of Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!(df > 0) || !Number.isFinite(df) || Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = upperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile (inverse CDF) of Student's t: the t with P(T ≤ t) = p. `tQuantile(0.975, n − 1)` is the
 * multiplier of a two-sided 95 % confidence interval. p = 0 → −∞, p = 1 → +∞; NaN for p outside
 * [0, 1] or df ≤ 0 / not finite.
 */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0) || !Number.isFinite(df) || !(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Work on the smaller tail q: 1 − p is exact for p ≥ 0.5 (Sterbenz), and tiny p keeps its digits.
  const q = p < 0.5 ? p : 1 - p;
  const t = solveUpperTail(q, df);
  return p < 0.5 ? -t : t;
}

/** The t > 0 with P(T > t) = q, for 0 < q < 0.5. */
function solveUpperTail(q: number, df: number): number {
  // Bracket [lo, hi] with upperTail(lo) > q ≥ upperTail(hi); upperTail falls monotonically in t.
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity;
  }
  // Start from the Cornish–Fisher expansion around the normal quantile (only a starting point).
  const z = probit(1 - q);
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = upperTail(t, df) - q;
    if (f === 0) return t;
    if (f > 0) lo = t;
    else hi = t;
    // Newton step: d/dt upperTail = −pdf.
    let next = t + f / tPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * t || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}
