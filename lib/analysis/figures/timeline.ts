import type { Row } from '../rows.js';
import { field, frame, isFiniteNumber, VEGA_LITE_SCHEMA, type FigureOptions, type TopLevelSpec } from './common.js';

export interface TimelineChartOptions extends FigureOptions {
  /** Event time column (default `timeS`). */
  readonly time?: string;
  /** Optional end-time column: rows with it are drawn as spans (downtime, outage, a round). */
  readonly end?: string;
  /** Event kind column (default `event`): colours the marks. */
  readonly label?: string;
  /** Row of the chart each event sits on (default: the label), e.g. `host` or `client`. */
  readonly lane?: string;
  readonly xTitle?: string;
}

/**
 * Events on a time axis — a failover or migration timeline: instantaneous events as points, events
 * with an end as bars, one lane per kind (or per `lane` value).
 */
export function timelineChart(events: readonly Row[], opts: TimelineChartOptions = {}): TopLevelSpec {
  const time = opts.time ?? 'timeS';
  const label = opts.label ?? 'event';
  const lane = opts.lane ?? label;
  const end = opts.end;
  const spans = end === undefined ? [] : events.filter((e) => isFiniteNumber(e[end]));
  const points = end === undefined ? [...events] : events.filter((e) => !isFiniteNumber(e[end]));
  const x = { field: field(time), type: 'quantitative' as const, title: opts.xTitle ?? 'time (s)' };
  const y = { field: field(lane), type: 'nominal' as const, title: null };
  const color = { field: field(label), type: 'nominal' as const, title: label };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...frame(opts),
    layer: [
      {
        data: { values: spans },
        mark: { type: 'bar', tooltip: true, height: 10 },
        encoding: { x, x2: { field: field(end ?? time) }, y, color },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60, tooltip: true },
        encoding: { x, y, color },
      },
    ],
  };
}
