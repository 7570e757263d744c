import type { Row } from '../rows.js';
import {
  field, frame, isFiniteNumber, scale, VEGA_LITE_SCHEMA,
  type FigureOptions, type ScaleType, type TopLevelSpec,
} from './common.js';

export interface CiLineChartOptions extends FigureOptions {
  /** The swept parameter on the x axis, e.g. `remus.checkpointsPerS`. */
  readonly x: string;
  /** Centre line (default `mean`), band low/high (default `ci95Low` / `ci95High`). */
  readonly y?: string;
  readonly low?: string;
  readonly high?: string;
  /** One line per value of this column (e.g. a policy or workload). */
  readonly color?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly xScale?: ScaleType;
  readonly yScale?: ScaleType;
}

/**
 * A metric against a parameter with its 95 % confidence band — made for `summarizeBy` output
 * (overhead vs checkpoint rate, downtime vs dirty rate, pause vs dirty pages). Groups without data
 * (n = 0, mean NaN) are dropped rather than drawn at zero.
 */
export function ciLineChart(rows: readonly Row[], opts: CiLineChartOptions): TopLevelSpec {
  const y = opts.y ?? 'mean';
  const low = opts.low ?? 'ci95Low';
  const high = opts.high ?? 'ci95High';
  const values = rows.filter((r) => isFiniteNumber(r[y]) && isFiniteNumber(r[opts.x]));
  const x = { field: field(opts.x), type: 'quantitative' as const, title: opts.xTitle ?? opts.x,
    ...withScale(opts.xScale) };
  const color = opts.color === undefined
    ? {}
    : { color: { field: field(opts.color), type: 'nominal' as const, title: opts.color } };
  const yTitle = opts.yTitle ?? y;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...frame(opts),
    data: { values },
    layer: [
      {
        mark: { type: 'errorband', opacity: 0.25 },
        encoding: {
          x,
          y: { field: field(low), type: 'quantitative', title: yTitle, ...withScale(opts.yScale) },
          y2: { field: field(high) },
          ...color,
        },
      },
      {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x,
          y: { field: field(y), type: 'quantitative', title: yTitle, ...withScale(opts.yScale) },
          ...color,
        },
      },
    ],
  };
}

function withScale(type: ScaleType | undefined): { scale?: NonNullable<ReturnType<typeof scale>> } {
  const s = scale(type);
  return s === undefined ? {} : { scale: s };
}
