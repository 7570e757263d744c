import { summarize, type Summary } from '../metrics/index.js';
import type { Cell, Row } from './rows.js';

/** One group of `summarizeBy`: its key values, the metric's name and its summary. */
export type SummaryRow = Record<string, Cell> & Summary & { readonly metric: string };

/**
 * Group rows by the values of `groupKeys` and summarize `metric` in each group (n, mean, median,
 * p95, sd, 95 % CI — see `summarize`). Plain arrays and a Map, linear in the rows: danfojs's
 * groupby is quadratic in the number of groups. Missing or non-numeric metric cells (error runs)
 * are left out of n; booleans count as 0/1 (so `completed` gives a fraction). Groups come out
 * sorted by their keys (numbers numerically, nulls last), independent of the order runs finished.
 */
export function summarizeBy(
  rows: readonly Row[],
  groupKeys: string | readonly string[],
  metric: string,
): SummaryRow[] {
  const keys = typeof groupKeys === 'string' ? [groupKeys] : [...groupKeys];
  const groups = new Map<string, { key: Cell[]; values: number[] }>();
  for (const row of rows) {
    const key = keys.map((k) => row[k] ?? null);
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { key, values: [] }));
    const v = toNumber(row[metric]);
    if (v !== undefined) g.values.push(v);
  }
  const ordered = [...groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  return ordered.map(({ key, values }) => {
    const out: Record<string, Cell> = {};
    keys.forEach((k, i) => (out[k] = key[i]!));
    return { ...out, metric, ...summarize(values) } as SummaryRow;
  });
}

function toNumber(cell: Cell | undefined): number | undefined {
  if (typeof cell === 'number') return Number.isNaN(cell) ? undefined : cell;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  return undefined;
}

function compareKeys(a: readonly Cell[], b: readonly Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareCells(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
