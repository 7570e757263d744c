import type { Summary } from '../../lib/metrics/index.js';
import { summarize } from '../../lib/metrics/index.js';
import type { CheckResult, ConfigurationExperiment, MeasuredExperiment } from '../../lib/reproduce/index.js';
import { toleranceOf } from '../../lib/reproduce/index.js';

/** A measured calibration experiment with one check, for report tests. */
export function calibrationExperiment(row: 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'C8' | 'C10', published: number, explanation?: string): MeasuredExperiment {
  return {
    kind: 'measured',
    id: `exp-${row.toLowerCase()}`,
    title: `Experiment for ${row}`,
    paperFigure: 'Paper fig. 1',
    calibration: row,
    setup: `setup of ${row}`,
    sweep: { engine: 'unprotected', workload: 'synthetic', replicates: 3 },
    quick: { replicates: 2 },
    show: [{ metric: 'm', label: 'the metric', unit: 'ms' }],
    checks: [{ label: 'the metric', metric: 'm', unit: 'ms', published, tolerance: { pct: 10, why: 'a test tolerance' } }],
    ...(explanation === undefined ? {} : { explanation }),
  };
}

export const summaryOf = (xs: number[]): Summary => summarize(xs);

/** The check result the evaluator would produce for these values. */
export function checkResult(exp: MeasuredExperiment, values: number[]): CheckResult {
  const check = exp.checks![0]!;
  const summary = summarize(values);
  const tolerance = toleranceOf(check.published, check.tolerance);
  const within = Math.abs(summary.mean - (check.published as number)) <= tolerance;
  return { check, summary, tolerance, status: within ? 'within' : 'outside' };
}

export const otherExperiment: MeasuredExperiment = {
  kind: 'measured',
  id: 'other',
  title: 'Another experiment',
  paperFigure: 'Paper fig. 9',
  setup: 'something else',
  sweep: { engine: 'remus', workload: 'nonexistent', replicates: 2 },
  quick: {},
  show: [{ metric: 'x', label: 'x', unit: '' }],
};

export const configuration: ConfigurationExperiment = {
  kind: 'configuration',
  id: 'testbed',
  title: 'The testbed',
  paperFigure: 'setup',
  calibration: 'C9',
  setup: 'host and links',
  published: 'one shared core, gigabit NICs',
  resolveWith: [['unprotected', 'synthetic']],
  expect: { 'host.sharedCpu': true },
};
