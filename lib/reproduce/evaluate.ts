import { appliesTo } from '../sweep/index.js';
import type { Cell, Row } from '../analysis/rows.js';
import { BOOTSTRAP_RESAMPLES, bootstrapMeanInterval, summarize, type Summary } from '../metrics/index.js';
import type { ParamValue } from '../params/index.js';
import type { SweepRow } from '../sweep/index.js';
import { isWithin, toleranceOf } from './tolerance.js';
import type { Check, CheckResult, FailedPoint, MeasuredExperiment, MetricGroup } from './types.js';

/** Columns that are bookkeeping, not parameters, in a store row. */
const ROW_META = new Set(['id', 'index', 'replicate', 'seed', 'status', 'error', 'wallMs']);

/** The ok rows with the experiment's derived columns added. */
export function okRows(exp: MeasuredExperiment, rows: readonly SweepRow[]): Row[] {
  return rows
    .filter((r) => r.status === 'ok')
    .map((r) => {
      const row = r as unknown as Row;
      if (exp.derive === undefined) return row;
      const extra: Record<string, Cell> = {};
      for (const [k, v] of Object.entries(exp.derive(row))) if (v !== undefined && Number.isFinite(v)) extra[k] = v;
      return { ...row, ...extra };
    });
}

/** Rows that errored or timed out, with the parameters that make them findable. */
export function failedPoints(exp: MeasuredExperiment, rows: readonly SweepRow[]): FailedPoint[] {
  const keys = new Set([...Object.keys(exp.sweep.grid ?? {}), ...Object.keys(exp.quick.grid ?? {})]);
  return rows
    .filter((r) => r.status !== 'ok')
    .map((r) => {
      const params: Record<string, ParamValue> = {};
      for (const [k, v] of Object.entries(r)) if (!ROW_META.has(k) && keys.has(k) && v !== null && v !== undefined) params[k] = v;
      return { index: r.index, replicate: r.replicate, params, status: r.status as 'error' | 'timeout', error: r.error ?? '' };
    });
}

function numeric(cell: Cell | undefined): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  return undefined;
}

function matches(row: Row, where: Readonly<Record<string, ParamValue>> | undefined): boolean {
  if (where === undefined) return true;
  return Object.entries(where).every(([k, v]) => row[k] === v);
}

/** Whether some point of the plan has the check's `where` values (else it is not in this run). */
function inPlan(check: Check, fixed: Readonly<Record<string, ParamValue>>, grid: Readonly<Record<string, readonly ParamValue[]>>): boolean {
  return Object.entries(check.where ?? {}).every(([k, v]) => (k in grid ? grid[k]!.includes(v) : k in fixed ? fixed[k] === v : true));
}

/**
 * Mean and 95 % interval of a metric's values. The interval is Student t, except for a quantity that
 * cannot be negative whose t interval would reach below zero (a skewed sample: mostly zeros and a
 * few large values): that one is the seeded percentile bootstrap of the mean, which stays within
 * the values' range. `name` (metric and point) names the bootstrap's random stream.
 */
export function intervalSummary(values: readonly number[], signed: boolean, name: string): { summary: Summary; bootstrap?: number } {
  const summary = summarize(values);
  if (signed || summary.n < 2 || !(summary.ci95Low < 0) || values.some((v) => v < 0)) return { summary };
  const { low, high } = bootstrapMeanInterval(values, name, BOOTSTRAP_RESAMPLES);
  return { summary: { ...summary, ci95Low: low, ci95High: high }, bootstrap: BOOTSTRAP_RESAMPLES };
}

/** A stable name for a metric at a point: the bootstrap stream of its interval. */
function pointName(metric: string, where: Readonly<Record<string, ParamValue | null>> | undefined): string {
  const w = where ?? {};
  return `${metric}@${Object.keys(w)
    .sort()
    .map((k) => `${k}=${String(w[k])}`)
    .join(',')}`;
}

/** Judge one check on the rows (mean against the published value, within its tolerance). */
export function evaluateCheck(
  check: Check,
  rows: readonly Row[],
  plan: { readonly params: Readonly<Record<string, ParamValue>>; readonly grid: Readonly<Record<string, readonly ParamValue[]>> },
): CheckResult {
  const tolerance = toleranceOf(check.published, check.tolerance);
  if (!inPlan(check, plan.params, plan.grid)) return { check, tolerance, status: 'skipped', note: 'point not in this run' };
  const values: number[] = [];
  for (const r of rows) {
    if (!matches(r, check.where)) continue;
    const v = numeric(r[check.metric]);
    if (v !== undefined) values.push(v);
  }
  if (values.length === 0)
    return { check, tolerance, status: 'no-value', note: rows.some((r) => matches(r, check.where)) ? `the runs report no \`${check.metric}\`` : 'no run of this point finished' };
  const { summary, bootstrap } = intervalSummary(values, check.signed === true, pointName(check.metric, check.where));
  const status = isWithin(summary.mean, check.published, tolerance) ? 'within' : 'outside';
  return { check, summary, tolerance, status, ...(bootstrap === undefined ? {} : { bootstrap }) };
}

/** Every shown metric summarized per grid point (grid keys in sorted order, values as listed). */
export function metricGroups(exp: MeasuredExperiment, rows: readonly Row[], grid: Readonly<Record<string, readonly ParamValue[]>>): MetricGroup[] {
  const keys = Object.keys(grid).sort();
  const combos: Record<string, ParamValue>[] = [{}];
  for (const k of keys) combos.splice(0, combos.length, ...combos.flatMap((c) => grid[k]!.map((v) => ({ ...c, [k]: v }))));
  const out: MetricGroup[] = [];
  // With the engine as a dimension, a point keeps only its engine's keys (as the sweep ran it).
  const seen = new Set<string>();
  for (const full of combos) {
    const combo = 'engine' in grid ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'engine' || appliesTo(k, String(full.engine)))) : full;
    const id = JSON.stringify(combo);
    if (seen.has(id)) continue;
    seen.add(id);
    const at = rows.filter((r) => matches(r, combo));
    for (const shown of exp.show) {
      const values = at.map((r) => numeric(r[shown.metric])).filter((v): v is number => v !== undefined);
      const { summary, bootstrap } = intervalSummary(values, shown.signed === true || shown.kind === 'fraction', pointName(shown.metric, combo));
      out.push({ shown, key: combo, summary, ...(bootstrap === undefined ? {} : { bootstrap }) });
    }
  }
  return out;
}
