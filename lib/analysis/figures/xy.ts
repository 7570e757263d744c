import type { Row } from '../rows.js';
import {
  field, frame, scale, VEGA_LITE_SCHEMA, type FigureOptions, type ScaleType, type TopLevelSpec,
} from './common.js';

export interface XyChartOptions extends FigureOptions {
  readonly x: string;
  readonly y: string;
  /** One series per value of this column. */
  readonly color?: string;
  /** `point` (scatter, default), `line`, or `linepoint`. */
  readonly mark?: 'point' | 'line' | 'linepoint';
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly xScale?: ScaleType;
  readonly yScale?: ScaleType;
}

/** A generic scatter or line plot of two columns — for everything without its own builder. */
export function xyChart(rows: readonly Row[], opts: XyChartOptions): TopLevelSpec {
  const kind = opts.mark ?? 'point';
  const xs = scale(opts.xScale);
  const ys = scale(opts.yScale);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...frame(opts),
    data: { values: [...rows] },
    mark: kind === 'point'
      ? { type: 'point', tooltip: true }
      : { type: 'line', point: kind === 'linepoint', tooltip: true },
    encoding: {
      x: { field: field(opts.x), type: 'quantitative', title: opts.xTitle ?? opts.x,
        ...(xs === undefined ? {} : { scale: xs }) },
      y: { field: field(opts.y), type: 'quantitative', title: opts.yTitle ?? opts.y,
        ...(ys === undefined ? {} : { scale: ys }) },
      ...(opts.color === undefined
        ? {}
        : { color: { field: field(opts.color), type: 'nominal' as const, title: opts.color } }),
    },
  };
}
