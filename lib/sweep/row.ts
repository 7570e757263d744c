import type { ParamValue } from '../params/index.js';
import type { SweepPoint } from './grid.js';

export type RowStatus = 'ok' | 'error' | 'timeout';

/**
 * One line of runs.jsonl (docs/design.md#sweep-specs-and-stores): id, index, replicate, seed, status, error (when not ok),
 * wallMs, then every parameter under its dotted key, every metric under its name and every
 * invariant as `inv.<name>` — flat, ready for a dataframe.
 */
export interface SweepRow {
  readonly id: string;
  readonly index: number;
  readonly replicate: number;
  readonly seed: number;
  readonly status: RowStatus;
  readonly error?: string;
  readonly wallMs: number;
  readonly [column: string]: ParamValue | null | undefined;
}

/** What a worker (or the pool, for a timeout or a crashed worker) reports for one point. */
export type PointOutcome =
  | {
      readonly status: 'ok';
      readonly wallMs: number;
      readonly params: Readonly<Record<string, ParamValue>>;
      readonly metrics: Readonly<Record<string, number | boolean>>;
      readonly invariants: Readonly<Record<string, boolean>>;
    }
  | { readonly status: 'error' | 'timeout'; readonly wallMs: number; readonly error: string };

function sortedEntries<T>(o: Readonly<Record<string, T>>): [string, T][] {
  return Object.keys(o)
    .sort()
    .map((k) => [k, o[k]!]);
}

/** Wall time kept to a microsecond: enough, and short lines. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Assemble a row with a fixed key order, so the same outcome always serialises to the same
 * bytes. Parameters: the point's own plus, for a finished run, the resolved ones (defaults
 * filled in). The row's `wallMs` is the pool's measurement; the result's own `wallMs` metric is
 * the same quantity and is not repeated.
 */
export function toRow(point: SweepPoint, outcome: PointOutcome): SweepRow {
  const row: Record<string, ParamValue | null> = {
    id: point.id,
    index: point.index,
    replicate: point.replicate,
    seed: point.seed,
    status: outcome.status,
  };
  if (outcome.status !== 'ok') row.error = outcome.error;
  row.wallMs = roundMs(outcome.wallMs);
  const params = outcome.status === 'ok' ? { ...point.params, ...outcome.params } : point.params;
  for (const [k, v] of sortedEntries(params)) row[k] = v;
  if (outcome.status === 'ok') {
    for (const [k, v] of sortedEntries(outcome.metrics)) {
      if (k === 'wallMs' || k in row) continue;
      // JSON has no NaN or Infinity: write null rather than let stringify do it silently.
      row[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
    }
    for (const [k, v] of sortedEntries(outcome.invariants)) row[`inv.${k}`] = v;
  }
  return row as unknown as SweepRow;
}

/** A row without its wall time: the part that must be byte-identical across runs. */
export function deterministicPart(row: SweepRow): Omit<SweepRow, 'wallMs'> {
  const { wallMs: _w, ...rest } = row;
  return rest;
}
