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
