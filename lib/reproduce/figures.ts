/**
 * Figure builders for the report: the analysis library's charts, fed with the experiment's rows
 * and, where the paper printed numbers, the published values as their own series.
 */
import { ciLineChart, roundsChart, timelineChart, type ScaleType, type TopLevelSpec } from '../analysis/figures/index.js';
import type { Row } from '../analysis/rows.js';
import { summarizeBy } from '../analysis/summarize-by.js';
import type { ParamValue } from '../params/index.js';
import type { RunResult, SeriesRecord } from '../scenario/result.js';
import { summarize } from '../metrics/index.js';

export interface CiSeries {
  readonly metric: string;
  readonly label: string;
}

export interface PublishedSeries {
  readonly label: string;
  readonly points: readonly (readonly [x: number, y: number])[];
}

export interface CiAgainstOptions {
  readonly x: string;
  readonly series: readonly CiSeries[];
  readonly published?: readonly PublishedSeries[];
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly xScale?: ScaleType;
  readonly yScale?: ScaleType;
}

/** Metrics against a swept parameter with 95 % bands; published points as lines without a band. */
export function ciAgainst(rows: readonly Row[], o: CiAgainstOptions): TopLevelSpec {
  const values: Row[] = [];
  for (const s of o.series)
    for (const g of summarizeBy(rows, o.x, s.metric))
      if (g.n > 0) values.push({ x: g[o.x] ?? null, series: s.label, mean: g.mean, ci95Low: g.ci95Low, ci95High: g.ci95High });
  for (const p of o.published ?? []) for (const [x, y] of p.points) values.push({ x, series: p.label, mean: y, ci95Low: y, ci95High: y });
  return ciLineChart(values, {
    x: 'x',
    color: 'series',
    title: o.title,
    xTitle: o.xTitle,
    yTitle: o.yTitle,
    ...(o.xScale === undefined ? {} : { xScale: o.xScale }),
    ...(o.yScale === undefined ? {} : { yScale: o.yScale }),
  });
}

function num(r: SeriesRecord, k: string): number | undefined {
  const v = r[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The pre-copy rounds of one run as MiB per round. The engine's round records name the amount
 * `sentMiB`, or give `bytes` or `pages`: any of them will do.
 */
export function roundsMiB(run: RunResult | undefined): number[] {
  const pageKiB = typeof run?.params['vm.pageKiB'] === 'number' ? (run.params['vm.pageKiB'] as number) : 4;
  return (run?.series.rounds ?? []).map((r) => {
    const mib = num(r, 'sentMiB');
    if (mib !== undefined) return mib;
    const bytes = num(r, 'bytes');
    if (bytes !== undefined) return bytes / 2 ** 20;
    const pages = num(r, 'pages');
    return pages === undefined ? NaN : (pages * pageKiB) / 1024;
  });
}

/** Bars per pre-copy round, simulated beside published (Clark fig. 10–12 style). */
export function roundsAgainst(run: RunResult | undefined, published: readonly number[], title: string): TopLevelSpec {
  const rows: Row[] = [];
  roundsMiB(run).forEach((v, i) => {
    if (Number.isFinite(v)) rows.push({ round: i + 1, sentMiB: v, source: 'simulated' });
  });
  published.forEach((v, i) => rows.push({ round: i + 1, sentMiB: v, source: 'published' }));
  const spec = roundsChart(rows, { color: 'source', title, yTitle: 'MiB sent in the round' }) as TopLevelSpec & { encoding: Record<string, unknown> };
  // Side by side rather than stacked: the two sources are alternatives, not parts of a whole.
  return { ...spec, encoding: { ...spec.encoding, xOffset: { field: 'source' } } } as TopLevelSpec;
}

export interface Bar {
  readonly label: string;
  readonly metric: string;
  readonly where?: Readonly<Record<string, ParamValue>>;
}

/** One bar per (metric, point): the mean over replicates (the CI is in the report's table). */
export function meanBars(rows: readonly Row[], bars: readonly Bar[], title: string, yTitle: string): TopLevelSpec {
  const values: Row[] = [];
  for (const b of bars) {
    const xs = rows
      .filter((r) => Object.entries(b.where ?? {}).every(([k, v]) => r[k] === v))
      .map((r) => r[b.metric])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const s = summarize(xs);
    if (s.n > 0) values.push({ case: b.label, mean: s.mean });
  }
  const spec = roundsChart(values, { x: 'case', y: 'mean', title, xTitle: '', yTitle }) as TopLevelSpec & { encoding: { x: object } };
  // Bars in the order given (SPEC's run order, none → xor-rle → hybrid), not alphabetical.
  return { ...spec, encoding: { ...spec.encoding, x: { ...spec.encoding.x, sort: null } } } as TopLevelSpec;
}

/**
 * A failover per replicate on a time axis: the crash (a point) and the failover that follows it
 * (a span of `failoverMs`: detection by timeout, loading the checkpoint, resuming).
 */
export function failoverTimeline(rows: readonly Row[], title: string): TopLevelSpec {
  const events: Row[] = [];
  for (const r of rows) {
    const at = r['faults.primaryCrashAtS'];
    const ms = r.failoverMs;
    if (typeof at !== 'number') continue;
    const lane = `replicate ${String(r.replicate)}`;
    events.push({ lane, event: 'primary crash', timeS: at });
    if (typeof ms === 'number' && Number.isFinite(ms)) events.push({ lane, event: 'failover', timeS: at, endS: at + ms / 1000 });
  }
  return timelineChart(events, { title, end: 'endS', lane: 'lane' });
}
