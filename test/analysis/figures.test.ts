import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import {
  cdfChart, ciLineChart, field, roundsChart, timelineChart, xyChart, type TopLevelSpec,
} from '../../lib/analysis/index.js';

/** A spec is usable when vega-lite compiles it to a Vega spec without throwing. */
function compiles(spec: TopLevelSpec): void {
  expect(() => compile(spec)).not.toThrow();
}

describe('field(name)', () => {
  it('escapes the dots of parameter keys so vega-lite does not read a nested path', () => {
    expect(field('remus.epochMs')).toBe('remus\\.epochMs');
    expect(field('plain')).toBe('plain');
  });
});

describe('roundsChart(rounds, opts)', () => {
  it('draws one ordinal bar per round', () => {
    const spec = roundsChart([{ round: 1, sentMiB: 56.3 }, { round: 2, sentMiB: 20.4 }], { title: 'C1' });
    compiles(spec);
    expect(spec).toMatchObject({ mark: { type: 'bar' }, encoding: { x: { type: 'ordinal' } }, title: 'C1' });
  });
});

describe('ciLineChart(rows, opts)', () => {
  it('layers a CI band under the mean line and drops groups without data', () => {
    const rows = [
      { 'remus.checkpointsPerS': 10, mean: 20, ci95Low: 18, ci95High: 22 },
      { 'remus.checkpointsPerS': 20, mean: Number.NaN, ci95Low: Number.NaN, ci95High: Number.NaN },
    ];
    const spec = ciLineChart(rows, { x: 'remus.checkpointsPerS', yTitle: 'overhead (%)', xScale: 'log' });
    compiles(spec);
    const s = spec as { layer: Array<{ mark: { type: string } }>; data: { values: unknown[] } };
    expect(s.layer.map((l) => l.mark.type)).toEqual(['errorband', 'line']);
    expect(s.data.values).toHaveLength(1);
  });
});

describe('cdfChart(samples, opts)', () => {
  it('plots one step curve per named series', () => {
    const spec = cdfChart({ remus: [1, 2, 3], none: Float64Array.from([1, 1]) });
    compiles(spec);
    const values = (spec as { data: { values: Array<{ series: string }> } }).data.values;
    expect(new Set(values.map((v) => v.series))).toEqual(new Set(['remus', 'none']));
  });
});

describe('timelineChart(events, opts)', () => {
  it('puts spans and instants on a time axis', () => {
    const spec = timelineChart(
      [{ timeS: 1, event: 'crash' }, { timeS: 2, endS: 3, event: 'failover' }],
      { end: 'endS' },
    );
    compiles(spec);
    const layers = (spec as { layer: Array<{ data: { values: unknown[] } }> }).layer;
    expect(layers.map((l) => l.data.values.length)).toEqual([1, 1]);
  });
});

describe('xyChart(rows, opts)', () => {
  it('supports scatter, line and line with points', () => {
    for (const mark of ['point', 'line', 'linepoint'] as const) {
      compiles(xyChart([{ a: 1, b: 2, g: 'x' }], { x: 'a', y: 'b', color: 'g', mark, yScale: 'log' }));
    }
  });
});
