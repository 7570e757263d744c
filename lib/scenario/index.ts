export { runScenario, validateRequest, resolveRunParams, overheadPct, checkSeed } from './run.js';
export { simulate, type SimulationOutcome } from './simulate.js';
export { COMMON_PARAMS } from './common-params.js';
export { ENGINE_DEFS, getEngine } from './engines.js';
export { ENGINES, PLANNED_ENGINES, type EngineName, type RunRequest, type RunResult, type SeriesRecord } from './result.js';
