/**
 * The paper reproduction: experiments as data, run as sweeps, judged against docs/design.md#calibration's
 * calibration rows, written up as REPORT.md with one figure per experiment.
 */
export {
  CALIBRATION_ROWS,
  type CalibrationRow,
  type Tolerance,
  type Published,
  type Check,
  type SweepPlan,
  type QuickPlan,
  type Shown,
  type FigureContext,
  type RunnerKind,
  type MeasuredExperiment,
  type ConfigurationExperiment,
  type Experiment,
  type CheckResult,
  type MetricGroup,
  type FailedPoint,
  type ExperimentOutcome,
  type ReportEntry,
  type ReportInput,
} from './types.js';
export { EXPERIMENTS, selectExperiments } from './experiments/index.js';
export { toleranceOf, isWithin, ratioOf, describeTolerance } from './tolerance.js';
export { effectivePlan, sweepSpecFor, storePath, figurePath } from './plan.js';
export { unavailableReason } from './availability.js';
export { evaluateCheck } from './evaluate.js';
export { programPeaks, runWithSeriesPeaks, WWS_PEAK } from './series-peaks.js';
export { writeReport, reportModelVersion, verdict, defaultExplanation, type RowVerdict } from './report.js';
export { measure, type MeasureOptions } from './measure.js';
export { reproduce, REPORT_FILE, DEFAULT_OUT, DEFAULT_QUICK_OUT, type ReproduceOptions, type ReproduceResult, type ExperimentEvent } from './run.js';
