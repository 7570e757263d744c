import type { Row } from '../rows.js';
import { field, frame, VEGA_LITE_SCHEMA, type FigureOptions, type TopLevelSpec } from './common.js';

export interface RoundsChartOptions extends FigureOptions {
  /** Round number column (default `round`). */
  readonly x?: string;
  /** Amount sent per round (default `sentMiB`). */
  readonly y?: string;
  /** Optional column to colour bars by (e.g. a policy, or `final` for the stop-and-copy round). */
  readonly color?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
}

/** Pre-copy rounds (Clark fig. 10/12 style): one bar per round, the amount it sent. */
export function roundsChart(rounds: readonly Row[], opts: RoundsChartOptions = {}): TopLevelSpec {
  const x = opts.x ?? 'round';
  const y = opts.y ?? 'sentMiB';
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...frame(opts),
    data: { values: [...rounds] },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: field(x), type: 'ordinal', title: opts.xTitle ?? 'round' },
      y: { field: field(y), type: 'quantitative', title: opts.yTitle ?? y },
      ...(opts.color === undefined
        ? {}
        : { color: { field: field(opts.color), type: 'nominal' as const, title: opts.color } }),
    },
  };
}
