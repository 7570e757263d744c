import { describe, expect, it } from 'vitest';
import { ecdf } from '../../lib/metrics/index.js';

describe('ecdf(values, maxPoints)', () => {
  it('gives one step per distinct value with the fraction ≤ it', () => {
    expect(ecdf([3, 1, 2, 2])).toEqual([
      { value: 1, fraction: 0.25 },
      { value: 2, fraction: 0.75 },
      { value: 3, fraction: 1 },
    ]);
  });

  it('thins to maxPoints, keeping both ends', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const pts = ecdf(xs, 100);
    expect(pts).toHaveLength(100);
    expect(pts[0]).toEqual({ value: 0, fraction: 1e-4 });
    expect(pts[99]).toEqual({ value: 9999, fraction: 1 });
  });
});
