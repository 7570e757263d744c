export { runScenario, validateRequest, resolveRunParams, overheadPct, checkSeed, MAX_SEED } from './run.js';
export { simulate, type SimulationOutcome } from './simulate.js';
export { COMMON_PARAMS } from './common-params.js';
export { ENGINE_DEFS, getEngine } from './engines.js';
export { DirtySampler } from './dirty-sampler.js';
export { ENGINES, PLANNED_ENGINES, type EngineName, type RunRequest, type RunResult, type SeriesRecord } from './result.js';
