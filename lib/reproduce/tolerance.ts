import type { Published, Tolerance } from './types.js';

/** A range's midpoint, or the value itself: what ratios and percentages refer to. */
export function centre(p: Published): number {
  return typeof p === 'number' ? p : (p[0] + p[1]) / 2;
}

/** The tolerance in the check's unit: the largest of pct % of the centre, abs, 5 % of full scale. */
export function toleranceOf(p: Published, t: Tolerance): number {
  return Math.max(((t.pct ?? 0) / 100) * Math.abs(centre(p)), t.abs ?? 0, 0.05 * (t.fullScale ?? 0));
}

/** Within when the value lies within `tol` of the published value or range. */
export function isWithin(value: number, p: Published, tol: number): boolean {
  if (!Number.isFinite(value)) return false;
  const [lo, hi] = typeof p === 'number' ? [p, p] : p;
  return value >= lo - tol && value <= hi + tol;
}

/** simulated ÷ published (range midpoint); undefined where the published value is 0. */
export function ratioOf(value: number, p: Published): number | undefined {
  const c = centre(p);
  return c === 0 || !Number.isFinite(value) ? undefined : value / c;
}

/** How the tolerance was formed, for the report: `±10 %`, `±2`, `5 % of 350`. */
export function describeTolerance(t: Tolerance, unit: string): string {
  const parts: string[] = [];
  if (t.pct !== undefined) parts.push(`±${t.pct} %`);
  if (t.abs !== undefined) parts.push(`±${t.abs}${unit === '' ? '' : ` ${unit}`}`);
  if (t.fullScale !== undefined) parts.push(`5 % of ${t.fullScale}${unit === '' ? '' : ` ${unit}`} full scale`);
  return parts.length === 1 ? parts[0]! : `larger of ${parts.join(', ')}`;
}
