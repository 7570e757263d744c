/** Sweeps: specs, grids, stable ids and seeds, the worker pool, the store, resume, shards, merge. */
export {
  SpecError,
  validateSpec,
  loadSpec,
  specHash,
  sweepSpecJsonSchema,
  type SweepSpec,
  type SweepSpecInput,
} from './spec.js';
export { canonicalJson } from './canonical.js';
export { appliesTo, expandSpec, pointCount, pointId, pointSeed, pointRequest, type SweepPoint } from './grid.js';
export { parseShard, formatShard, resolveShard, inShard, type Shard } from './shard.js';
export { deterministicPart, type SweepRow } from './row.js';
export { readStore, readManifest, ensureWritableDir, MANIFEST_FILE, RUNS_FILE, LOCK_FILE, type SweepManifest } from './store.js';
export { mergeStores } from './merge.js';
export { progressReporter, formatDuration, type SweepProgress, type ProgressReporter } from './progress.js';
export { DEFAULT_RUNNER, type RunnerRef } from './runner.js';
export { sweep, SweepAbortedError, type SweepOptions } from './sweep.js';
