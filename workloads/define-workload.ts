import type { SeriesRecord } from '../lib/metrics/records.js';
import type { Signal } from '../lib/sim/index.js';
import type { VM } from '../lib/vm/index.js';
import type { ClientEnv, ClientPopulation, GuestEnv, GuestInstance, WorkloadPreset } from './workload.js';

/**
 * The guest program as a preset writes it: `snapshot` and `restore` agree on the state type `S`,
 * and what a preset leaves out takes the common value (not CPU-bound, no bytes kept, no fixed
 * work, no metrics, series or invariants of its own).
 */
export interface GuestDefinition<S> {
  readonly cpuBound?: boolean;
  readonly contentBacked?: boolean;
  readonly done?: Signal<void> | null;
  start(vm: VM): void;
  advance(fromNs: number, toNs: number): void;
  snapshot(): S;
  restore(state: S): void;
  metrics?(endNs: number): Record<string, number | boolean>;
  series?(): Record<string, SeriesRecord[]>;
  invariants?(): Record<string, boolean>;
}

/** A client population as a preset writes it: series and invariants default to none. */
export interface ClientDefinition {
  start(): void;
  metrics(endNs: number): Record<string, number | boolean>;
  series?(): Record<string, SeriesRecord[]>;
  invariants?(): Record<string, boolean>;
}

/** A preset as written: `usesNetwork` follows from `clients`, the rest defaults as documented. */
export interface WorkloadDefinition<S>
  extends Omit<WorkloadPreset, 'fixedWork' | 'usesNetwork' | 'overheadMetrics' | 'guest' | 'clients'> {
  /** Default false. */
  readonly fixedWork?: boolean;
  /** Default `THROUGHPUT_METRICS`. */
  readonly overheadMetrics?: readonly string[];
  guest(env: GuestEnv): GuestDefinition<S>;
  clients?(env: ClientEnv): ClientDefinition;
}

/**
 * What the overhead of a throughput workload is measured on, in order of preference: the first
 * of these the run and its unprotected twin both report.
 */
export const THROUGHPUT_METRICS: readonly string[] = ['throughputOpsPerS', 'throughputMbps'];

const none = (): Record<string, never> => ({});

/** A workload preset from its definition, with the common parts filled in. */
export function defineWorkload<S>(def: WorkloadDefinition<S>): WorkloadPreset {
  const { guest, clients, fixedWork, overheadMetrics, ...rest } = def;
  const preset: WorkloadPreset = {
    ...rest,
    fixedWork: fixedWork ?? false,
    usesNetwork: clients !== undefined,
    overheadMetrics: overheadMetrics ?? THROUGHPUT_METRICS,
    guest(env): GuestInstance {
      // The defaults first, then the program's own members (its methods keep their `this`).
      return { cpuBound: false, contentBacked: false, done: null, metrics: none, series: none, invariants: none, ...guest(env) } as GuestInstance;
    },
  };
  if (clients === undefined) return preset;
  return {
    ...preset,
    clients(env): ClientPopulation {
      return { series: none, invariants: none, ...clients(env) };
    },
  };
}
