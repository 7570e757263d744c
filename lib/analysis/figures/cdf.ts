import { ecdf } from '../../metrics/index.js';
import {
  frame, scale, VEGA_LITE_SCHEMA, type FigureOptions, type ScaleType, type TopLevelSpec,
} from './common.js';

export interface CdfChartOptions extends FigureOptions {
  readonly xTitle?: string;
  readonly xScale?: ScaleType;
  /** Points per curve after thinning (default 500). */
  readonly maxPoints?: number;
}

/**
 * Empirical CDF of samples (request latencies): one step curve, or one per named series when given
 * a record `{ remus: [...], unprotected: [...] }`. Computed here, so a million samples become a few
 * hundred points in the spec.
 */
export function cdfChart(
  samples: ArrayLike<number> | Readonly<Record<string, ArrayLike<number>>>,
  opts: CdfChartOptions = {},
): TopLevelSpec {
  const named = isArrayLike(samples) ? { '': samples } : samples;
  const multi = !isArrayLike(samples);
  const values = Object.entries(named).flatMap(([series, xs]) =>
    ecdf(xs, opts.maxPoints ?? 500).map((p) => ({ series, value: p.value, fraction: p.fraction })),
  );
  const s = scale(opts.xScale);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...frame(opts),
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: opts.xTitle ?? 'latency (ms)',
        ...(s === undefined ? {} : { scale: s }) },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of samples ≤ x',
        scale: { domain: [0, 1] } },
      ...(multi ? { color: { field: 'series', type: 'nominal' as const, title: null } } : {}),
    },
  };
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}
