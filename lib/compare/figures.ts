import { VEGA_LITE_SCHEMA, type TopLevelSpec } from '../analysis/index.js';
import type { CompareResult } from './compare.js';

/** Cost per protection: CPU-seconds and memory-GiB-seconds, one bar each. */
export function compareCostChart(result: CompareResult): TopLevelSpec {
  const values = result.rows.flatMap((r) => [
    { protection: r.protection, resource: 'CPU-seconds', value: r.cpuSeconds },
    { protection: r.protection, resource: 'memory GiB-seconds', value: r.memoryGiBSeconds },
  ]);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${result.workload}: what each protection costs`,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'protection', type: 'nominal', sort: null, title: null },
      y: { field: 'value', type: 'quantitative', title: null },
      xOffset: { field: 'resource' },
      color: { field: 'resource', type: 'nominal', title: null },
    },
    width: 420,
    height: 220,
  } as TopLevelSpec;
}

/** Cost against nines, one point per protection (only protections with a dependability estimate). */
export function compareNinesChart(result: CompareResult): TopLevelSpec {
  const values = result.rows
    .filter((r) => r.dependability !== undefined)
    .map((r) => ({ protection: r.protection, cpuSeconds: r.cpuSeconds, nines: r.dependability!.nines ?? 9, unbounded: r.dependability!.nines === null }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${result.workload}: cost against nines (9 drawn for no outage measured)`,
    data: { values },
    layer: [
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { x: { field: 'cpuSeconds', type: 'quantitative', title: 'CPU-seconds' }, y: { field: 'nines', type: 'quantitative', title: 'nines of availability' }, shape: { field: 'unbounded', type: 'nominal', title: 'no outage' } } },
      { mark: { type: 'text', dx: 8, align: 'left' }, encoding: { x: { field: 'cpuSeconds', type: 'quantitative' }, y: { field: 'nines', type: 'quantitative' }, text: { field: 'protection' } } },
    ],
    width: 420,
    height: 260,
  } as TopLevelSpec;
}
