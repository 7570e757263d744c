import type { ActiveMetrics, ActiveSeries } from '../engines/active/metrics.js';
import type { MigrationMetrics, MigrationSeries } from '../engines/migration/metrics.js';
import type { RemusMetrics, RemusSeries } from '../engines/remus/metrics.js';
import type { ResourceMetrics } from '../engines/resources.js';
import type { SpareMetrics, SpareSeries } from '../engines/spare/metrics.js';
import type { SeriesRecord } from '../metrics/records.js';
import type { ParamValue } from '../params/index.js';

export type { SeriesRecord };

/** Engines of the contract. */
export const ENGINES = ['unprotected', 'migration', 'remus', 'active', 'spare'] as const;
export type EngineName = (typeof ENGINES)[number];
export const PLANNED_ENGINES = [] as const;

/**
 * The result of one run — exactly the JSON object `vmft run --json` prints (docs/design.md#command-line).
 * Everything except `metrics.wallMs` depends only on the configuration and the seed.
 */
export interface RunResult {
  readonly engine: EngineName;
  readonly workload: string;
  readonly seed: number;
  /** Flattened dotted keys, defaults filled in, sorted. */
  readonly params: Record<string, ParamValue>;
  /** Numbers, or booleans where the contract says so (`completed`, `protected`). */
  readonly metrics: Record<string, number | boolean>;
  /** Invariant name → held on this run. */
  readonly invariants: Record<string, boolean>;
  /** Named arrays of records: `rounds`, `epochs`, `timeline`, … */
  readonly series: Record<string, SeriesRecord[]>;
  readonly modelVersion: string;
}

/** What a caller asks for: one run. */
export interface RunRequest {
  readonly engine: string;
  readonly workload: string;
  /** Dotted keys; strings are parsed as from `--set`. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Default 1. */
  readonly seed?: number;
}

/**
 * Metrics every run reports, whatever its engine: the guest's measured dirtying, what the
 * protection costs, and the scenario's own (`overheadPct` against the unprotected twin, the faults
 * that happened, a fixed-work run's completion). The workload's metrics stand beside them.
 */
export type RunMetrics = ResourceMetrics & {
  dirtyPagesPeak: number;
  dirtyPagesPerSMean: number;
  wallMs: number;
  overheadPct?: number;
  faultsInjected?: number;
  completed?: boolean;
  completionTimeS?: number;
};

/** Each engine's own metrics, and its series with the rows of each, by engine. */
interface EngineResults {
  unprotected: { metrics: object; series: object };
  migration: { metrics: MigrationMetrics; series: MigrationSeries };
  remus: { metrics: RemusMetrics; series: RemusSeries };
  active: { metrics: ActiveMetrics; series: ActiveSeries };
  spare: { metrics: SpareMetrics; series: SpareSeries };
}

/**
 * The result of a run of engine `E`, as `RunResult` but with the metrics and series that engine
 * reports named and typed, and the rows of its series (the workload's metrics and series stay
 * string-keyed beside them).
 * `runScenario` returns it when the request names its engine literally; `RunResultOf<EngineName>`
 * is the union over every engine, narrowed by `engine`.
 */
export type EngineRunResult<E extends EngineName> = RunResult & {
  readonly engine: E;
  readonly metrics: RunMetrics & EngineResults[E]['metrics'];
  readonly series: { readonly [K in keyof EngineResults[E]['series']]?: EngineResults[E]['series'][K][] };
};

/** The result of a request for engine `E`: typed for a known engine, `RunResult` otherwise. */
export type RunResultOf<E extends string> = string extends E ? RunResult : E extends EngineName ? EngineRunResult<E> : RunResult;
