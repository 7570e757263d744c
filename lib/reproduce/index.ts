/**
 * The paper reproduction: experiments as data, run as sweeps, judged against docs/design.md#calibration's
 * calibration rows, written up as REPORT.md with one figure per experiment.
 */
export {
  CALIBRATION_ROWS,
  type CalibrationRow,
  type Check,
  type MeasuredExperiment,
  type ConfigurationExperiment,
  type Experiment,
  type CheckResult,
  type ExperimentOutcome,
  type ReportEntry,
  type ReportInput,
} from './types.js';
export { EXPERIMENTS, selectExperiments } from './experiments/index.js';
export { toleranceOf, isWithin } from './tolerance.js';
export { effectivePlan, sweepSpecFor, storePath, figurePath } from './plan.js';
export { unavailableReason } from './availability.js';
export { evaluateCheck } from './evaluate.js';
export { writeReport, reportModelVersion, verdict } from './report.js';
export { measure } from './measure.js';
export { reproduce, REPORT_FILE, DEFAULT_OUT, DEFAULT_QUICK_OUT, type ReproduceOptions, type ReproduceResult, type ExperimentEvent } from './run.js';
