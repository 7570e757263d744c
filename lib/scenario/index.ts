export { runScenario, validateRequest, resolveRunParams, overheadPct } from './run.js';
export { simulate, buildRun, type SimulationOutcome, type BuiltRun } from './simulate.js';
export { COMMON_PARAMS } from './common-params.js';
export { ENGINE_DEFS, getEngine } from './engines.js';
export { ENGINES, PLANNED_ENGINES, type EngineName, type RunRequest, type RunResult, type EngineRunResult, type RunResultOf, type RunMetrics, type SeriesRecord } from './result.js';
