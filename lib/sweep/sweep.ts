import { availableParallelism } from 'node:os';
import { InputError, isInputError } from '../params/index.js';
import type { RunRequest } from '../scenario/result.js';
import { MODEL_VERSION, TOOLKIT_VERSION } from '../version.js';
import { expandSpec, pointRequest, type SweepPoint } from './grid.js';
import { durationsFromRows, orderPoints, type Durations } from './order.js';
import { PointPool } from './pool.js';
import type { SweepProgress } from './progress.js';
import { toRow, type SweepRow } from './row.js';
import { resolveRunner, type ResolvedRunner, type RunnerRef } from './runner.js';
import { formatShard, inShard, parseShard, type Shard } from './shard.js';
import { loadSpec, normalizeSpec, specHash, validateSpec, type SweepSpec, type SweepSpecInput } from './spec.js';
import { readStore, StoreWriter, type SweepManifest } from './store.js';

export interface SweepOptions {
  /** Store folder (runs.jsonl + sweep.json). Without it rows are only returned. */
  readonly out?: string;
  /** Worker threads; default `os.availableParallelism()`. */
  readonly workers?: number;
  readonly onProgress?: (p: SweepProgress) => void;
  /** Stops the sweep: running points are cancelled (they rerun on resume); finished rows stay. */
  readonly signal?: AbortSignal;
  /** Run one shard only: `{ index, count }` or `"i/n"`. See `resolveShard` for the environment. */
  readonly shard?: Shard | string;
  /** The function each point runs; default the compiled `runScenario`. */
  readonly runner?: RunnerRef;
  /** Earlier wall times by point id, for longest-first ordering. */
  readonly durations?: Durations | Readonly<Record<string, number>>;
  /** A previous store whose rows' wall times order this sweep longest-first. */
  readonly durationsFrom?: string;
  /**
   * Check every point's request before anything runs, with the runner module's
   * `validateRequest(req)` export when it has one (default true): a bad parameter is then an
   * InputError up front instead of an error row per point.
   */
  readonly preflight?: boolean;
}

/** The promise of an aborted sweep rejects with this; `rows` holds what finished (store rows too). */
export class SweepAbortedError extends Error {
  constructor(readonly rows: SweepRow[]) {
    super(`sweep aborted after ${rows.length} finished point${rows.length === 1 ? '' : 's'}; rerun it into the same store to resume`);
    this.name = 'AbortError';
  }
}

function toSpec(spec: SweepSpecInput | SweepSpec | string): SweepSpec {
  return typeof spec === 'string' ? loadSpec(spec) : validateSpec(spec);
}

function workerCount(w: number | undefined): number {
  if (w === undefined) return availableParallelism();
  if (!Number.isInteger(w) || w < 1) throw new InputError('workers', `${JSON.stringify(w)} is not a worker count`, 'an integer ≥ 1');
  return w;
}

async function preflight(runner: ResolvedRunner, requests: readonly RunRequest[]): Promise<void> {
  const mod = (await import(runner.href)) as Record<string, unknown>;
  // `validateRequest(req)` is the contract; the scenario runner's `resolveRunParams(engine,
  // workload, params)` checks the same names and ranges, so it serves until that export exists.
  const resolve = mod.resolveRunParams;
  const validate =
    typeof mod.validateRequest === 'function'
      ? (mod.validateRequest as (req: RunRequest) => unknown)
      : typeof resolve === 'function'
        ? (req: RunRequest) => resolve(req.engine, req.workload, req.params)
        : undefined;
  if (validate === undefined) return;
  const problems = new Map<string, InputError>();
  for (const req of requests) {
    try {
      validate(req);
    } catch (e) {
      if (!isInputError(e)) throw e;
      if (!problems.has(e.message)) problems.set(e.message, e);
    }
  }
  if (problems.size === 0) return;
  const all = [...problems.values()];
  const err = new InputError(all[0]!.field, all[0]!.message.slice(all[0]!.field.length + 2), all[0]!.allowed);
  err.message = `bad sweep spec (nothing was run):\n${all.map((e) => `  ${e.message}`).join('\n')}`;
  throw err;
}

function toDurations(opts: SweepOptions): Map<string, number> {
  const m = new Map<string, number>();
  if (opts.durationsFrom !== undefined) for (const [k, v] of durationsFromRows(readStore(opts.durationsFrom).rows)) m.set(k, v);
  const d = opts.durations;
  if (d !== undefined) for (const [k, v] of d instanceof Map ? d : Object.entries(d)) m.set(k, v);
  return m;
}

/**
 * Run a sweep: expand the spec, skip the ids already in the store, run the rest in a worker
 * pool (longest first when durations are known) and append each row the moment it finishes.
 * Resolves to this shard's rows (earlier ones from the store included), sorted by index.
 * Usable from a script or a notebook cell alike.
 */
export async function sweep(specInput: SweepSpecInput | SweepSpec | string, opts: SweepOptions = {}): Promise<SweepRow[]> {
  const spec = toSpec(specInput);
  const workers = workerCount(opts.workers);
  const shard = typeof opts.shard === 'string' ? parseShard(opts.shard, 'shard') : opts.shard === undefined ? undefined : parseShard(formatShard(opts.shard), 'shard');
  const all = expandSpec(spec);
  const mine = all.filter((p) => inShard(p.index, shard));
  const runner = resolveRunner(opts.runner);
  // The workers start (and load the runner) while this thread checks the points and opens the store.
  const pool = mine.length > 0 && !(opts.signal?.aborted ?? false) ? new PointPool(Math.min(workers, mine.length), runner) : undefined;
  try {
    return await sweepWith(spec, all, mine, shard, runner, pool, opts);
  } finally {
    await pool?.destroy();
  }
}

async function sweepWith(
  spec: SweepSpec,
  all: readonly SweepPoint[],
  mine: readonly SweepPoint[],
  shard: Shard | undefined,
  runner: ResolvedRunner,
  pool: PointPool | undefined,
  opts: SweepOptions,
): Promise<SweepRow[]> {
  if (opts.preflight !== false) await preflight(runner, mine.map((p) => pointRequest(spec, p)));

  const manifest: SweepManifest = {
    spec: normalizeSpec(spec),
    specHash: specHash(spec),
    modelVersion: MODEL_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    points: all.length,
    shard: shard === undefined ? null : formatShard(shard),
    startedAt: new Date().toISOString(),
    endedAt: null,
  };
  const store = opts.out === undefined ? undefined : StoreWriter.open(opts.out, manifest, new Set(all.map((p) => p.id)));
  try {
    const done = new Map<string, SweepRow>();
    const mineIds = new Set(mine.map((p) => p.id));
    for (const r of store?.existing ?? []) if (mineIds.has(r.id) && !done.has(r.id)) done.set(r.id, r);
    const durations = toDurations(opts);
    for (const r of done.values()) if (!durations.has(r.id)) durations.set(r.id, r.wallMs);
    const pending = orderPoints(
      mine.filter((p) => !done.has(p.id)),
      durations,
      spec.replicates,
      all,
    );
    const fresh = await runPoints(spec, pending, pool, opts, done.size, (row) => {
      store?.append(row);
      done.set(row.id, row);
    });
    const rows = [...done.values()].sort((a, b) => a.index - b.index);
    if (!fresh) throw new SweepAbortedError(rows);
    return rows;
  } finally {
    store?.close();
  }
}

/** The dispatch loop: `threads` lanes, each pulling the next point. False when aborted. */
async function runPoints(
  spec: SweepSpec,
  pending: readonly SweepPoint[],
  pool: PointPool | undefined,
  opts: SweepOptions,
  skipped: number,
  record: (row: SweepRow) => void,
): Promise<boolean> {
  const signal = opts.signal;
  const started = performance.now();
  let done = 0;
  let ok = 0;
  let errors = 0;
  let timeouts = 0;
  let running = 0;
  const report = (row?: SweepRow): void => {
    if (opts.onProgress === undefined) return;
    const elapsedMs = performance.now() - started;
    const etaMs = done === 0 ? null : (elapsedMs / done) * (pending.length - done);
    opts.onProgress({ total: pending.length, done, ok, failed: errors + timeouts, errors, timeouts, skipped, running, elapsedMs, etaMs, ...(row ? { row } : {}) });
  };
  report();
  if (signal?.aborted) return false;
  if (pending.length === 0 || pool === undefined) return true;
  const threads = Math.min(pool.threads, pending.length);
  const timeLimitMs = spec.timeLimitS === undefined ? undefined : spec.timeLimitS * 1000;
  // One stop for the caller's signal and for a failure of our own (a store that cannot be
  // written, a throwing onProgress): every lane winds down before the sweep settles, so nothing
  // is appended after the store is closed.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let failure: { error: unknown } | undefined;
  let next = 0;
  const lane = async (): Promise<void> => {
    try {
      while (next < pending.length && !stop.signal.aborted) {
        const point = pending[next++]!;
        running++;
        const outcome = await pool.run(pointRequest(spec, point), timeLimitMs, stop.signal);
        running--;
        if (outcome.status === 'aborted') return;
        const row = toRow(point, outcome);
        record(row);
        done++;
        if (row.status === 'ok') ok++;
        else if (row.status === 'error') errors++;
        else timeouts++;
        report(row);
      }
    } catch (error) {
      failure ??= { error };
      stop.abort();
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) throw failure.error;
  return !(signal?.aborted ?? false) || done === pending.length;
}
