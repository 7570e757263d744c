/**
 * vmft's public API: what a notebook, a script or a new workload needs, exported by name
 * (built: dist/lib/index.js; README.md, "The library", lists it by group). Everything else is
 * reached through its own module inside the repository.
 * Layers, top to bottom (docs/design.md, "Layers"): cli → reproduce, compare → analysis; sweep; scenario;
 * engines → faults, workloads; replication; net → vm, metrics; sim, params.
 */
export { MODEL_VERSION, TOOLKIT_VERSION } from './version.js';

// Running one configuration.
export {
  runScenario,
  validateRequest,
  resolveRunParams,
  simulate,
  COMMON_PARAMS,
  type RunRequest,
  type RunResult,
  type EngineRunResult,
  type RunResultOf,
  type RunMetrics,
  type SeriesRecord,
  type SimulationOutcome,
} from './scenario/index.js';

// The engines and their registry.
export { ENGINES, ENGINE_DEFS, getEngine, type EngineName } from './scenario/index.js';
export type { EngineDef, EngineContext, EngineInstance, EngineReport, EngineGuest, RunLayout } from './engines/engine.js';
export { HOST_PROFILES, HOST_PROFILE_NAMES, type HostCosts, type HostProfile, type HostProfileName } from './engines/host-profiles.js';

// The workloads, their registry, and what it takes to write one.
export {
  WORKLOADS,
  getWorkload,
  workloadNames,
  defineWorkload,
  THROUGHPUT_METRICS,
  WritePattern,
  LOCALITIES,
  type WorkloadPreset,
  type WorkloadDefinition,
  type GuestDefinition,
  type ClientDefinition,
  type GuestInstance,
  type GuestEnv,
  type ClientPopulation,
  type ClientEnv,
  type Locality,
} from '../workloads/index.js';
export { Simulation, Signal, type Nanos, type RandomStream } from './sim/index.js';
export { PageMemory, type VM, type Host } from './vm/index.js';

// Parameters and bad input.
export {
  InputError,
  isInputError,
  describeAllowed,
  numberParam,
  booleanParam,
  enumParam,
  stringParam,
  type Params,
  type ParamValue,
  type ParamSpec,
  type ParamInput,
} from './params/index.js';

// Faults.
export { faultSchedule, FAULT_KINDS, FAULT_CLASSES, BYZANTINE_KINDS, type FaultKind, type FaultClass, type ByzantineKind, type ScheduledFault } from './faults/index.js';

// Sweeps.
export {
  sweep,
  SweepAbortedError,
  SpecError,
  validateSpec,
  loadSpec,
  expandSpec,
  pointCount,
  readStore,
  mergeStores,
  progressReporter,
  type SweepProgress,
  type SweepManifest,
  type SweepSpec,
  type SweepSpecInput,
  type SweepRow,
  type SweepOptions,
  type SweepPoint,
  type Shard,
  type RunnerRef,
} from './sweep/index.js';

// Statistics.
export { quantile, summarize, bootstrapMeanInterval, ecdf, type Summary, type EcdfPoint } from './metrics/index.js';

// Analysis: rows, DataFrames, figures, rendering, notebook display.
export {
  rowsToDataFrame,
  summarizeBy,
  readRuns,
  loadRuns,
  roundsChart,
  ciLineChart,
  cdfChart,
  timelineChart,
  xyChart,
  render,
  renderSvg,
  svgToPng,
  saveFigure,
  show,
  showTable,
  type Cell,
  type Row,
  type DataFrame,
  type SummaryRow,
  type FigureOptions,
  type ScaleType,
  type TopLevelSpec,
  type RoundsChartOptions,
  type CiLineChartOptions,
  type CdfChartOptions,
  type TimelineChartOptions,
  type XyChartOptions,
  type FigureFormat,
  type RenderOptions,
} from './analysis/index.js';

// Every protection side by side (vmft compare).
export {
  compare,
  compareText,
  compareMarkdown,
  compareCostChart,
  compareNinesChart,
  dependability,
  validateFaultLoad,
  loadFaultLoad,
  protections,
  type CompareOptions,
  type CompareResult,
  type CompareRow,
  type Dependability,
  type MeasuredFault,
  type FaultLoad,
  type FaultLoadInput,
  type LoadFault,
  type FaultRate,
  type Outcome,
  type NotApplicable,
} from './compare/index.js';

// The paper reproduction (vmft reproduce).
export {
  reproduce,
  EXPERIMENTS,
  selectExperiments,
  CALIBRATION_ROWS,
  REPORT_FILE,
  DEFAULT_OUT,
  DEFAULT_QUICK_OUT,
  type ReproduceOptions,
  type ReproduceResult,
  type ExperimentEvent,
  type Experiment,
  type ExperimentOutcome,
  type CalibrationRow,
  type CheckResult,
} from './reproduce/index.js';
