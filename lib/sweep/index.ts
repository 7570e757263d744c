/** Sweeps: specs, grids, stable ids and seeds, the worker pool, the store, resume, shards, merge. */
export {
  SweepSpecSchema,
  SpecError,
  MAX_SEED,
  validateSpec,
  loadSpec,
  normalizeSpec,
  specHash,
  sweepSpecJsonSchema,
  type SweepSpec,
  type SweepSpecInput,
  type SpecIssue,
} from './spec.js';
export { expandSpec, pointCount, pointId, pointSeed, pointRequest, type SweepPoint } from './grid.js';
export { parseShard, formatShard, resolveShard, inShard, type Shard, type ShardChoice } from './shard.js';
export { toRow, deterministicPart, type SweepRow, type RowStatus, type PointOutcome } from './row.js';
export { readStore, readManifest, MANIFEST_FILE, RUNS_FILE, type SweepManifest, type StoreContents } from './store.js';
export { mergeStores, type MergeResult } from './merge.js';
export { orderPoints, durationsFromRows, type Durations } from './order.js';
export { progressReporter, formatDuration, type SweepProgress, type ProgressReporter, type ReporterOptions } from './progress.js';
export { DEFAULT_RUNNER, type RunnerRef } from './runner.js';
export { sweep, SweepAbortedError, type SweepOptions } from './sweep.js';
