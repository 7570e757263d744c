import type { SweepPoint } from './grid.js';

/** Earlier wall times by point id (e.g. from a previous store's rows). */
export type Durations = ReadonlyMap<string, number>;

export function durationsFromRows(rows: Iterable<{ id: string; wallMs: number; status?: string }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) if (typeof r.wallMs === 'number' && Number.isFinite(r.wallMs)) m.set(r.id, r.wallMs);
  return m;
}

/**
 * Longest first, so the last point to finish is a short one and workers do not idle at the end.
 * A point's estimate is its own earlier time, else the mean time of its grid combination's other
 * replicates. Points with no estimate go first in index order (they may be long); the rest follow
 * longest first, ties by index — the order never depends on anything but its inputs.
 */
export function orderPoints(
  points: readonly SweepPoint[],
  durations: Durations,
  replicates: number,
  /** Every point of the sweep (finished ones too): their times inform their combination's mean. */
  all: readonly SweepPoint[] = points,
): SweepPoint[] {
  if (durations.size === 0) return [...points].sort((a, b) => a.index - b.index);
  const comboSum = new Map<number, { sum: number; n: number }>();
  const comboOf = (p: SweepPoint): number => Math.floor(p.index / replicates);
  for (const p of all) {
    const d = durations.get(p.id);
    if (d === undefined) continue;
    const c = comboSum.get(comboOf(p)) ?? { sum: 0, n: 0 };
    comboSum.set(comboOf(p), { sum: c.sum + d, n: c.n + 1 });
  }
  const estimate = (p: SweepPoint): number | undefined => {
    const own = durations.get(p.id);
    if (own !== undefined) return own;
    const c = comboSum.get(comboOf(p));
    return c === undefined ? undefined : c.sum / c.n;
  };
  const est = new Map(points.map((p) => [p.id, estimate(p)]));
  return [...points].sort((a, b) => {
    const ea = est.get(a.id);
    const eb = est.get(b.id);
    if (ea === undefined || eb === undefined) {
      if (ea !== eb) return ea === undefined ? -1 : 1;
      return a.index - b.index;
    }
    return eb - ea || a.index - b.index;
  });
}
