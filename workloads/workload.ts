import type { ParamSpec, ParamValue, Params } from '../lib/params/index.js';
import type { SeriesRecord } from '../lib/metrics/records.js';
import type { RandomStream, Signal, Simulation } from '../lib/sim/index.js';
import type { GuestProgram, VM } from '../lib/vm/index.js';

/** What a workload instance is given when it is created (before the VM exists). */
export interface WorkloadEnv {
  readonly sim: Simulation;
  readonly params: Params;
  /** The guest's own randomness (which pages, which keys). */
  readonly rng: RandomStream;
  /** The client population's randomness (arrivals, think times), independent of the guest's. */
  readonly clientRng: RandomStream;
  /** The network the clients use (lib/net); `null` for workloads without clients. */
  readonly network: unknown;
}

/**
 * One running workload: the program inside the guest (its page and disk writes as guest time
 * passes, its request handlers) and, for network workloads, the clients outside.
 */
export interface WorkloadInstance extends GuestProgram {
  /** Whether the guest program always wants a whole core (a compile) or mostly waits (a server). */
  readonly cpuBound: boolean;
  /** Whether its memory holds real bytes (the kvstore). */
  readonly contentBacked: boolean;
  /** Called once at t = 0 with the running VM: submit fixed work, start clients. */
  start(vm: VM): void;
  /** Fixed-work workloads: triggered when the work is done (the run then ends). */
  readonly done: Signal<void> | null;
  /** The workload's own metrics at the end of the run (contract names: throughputOpsPerS, …). */
  metrics(endNs: number): Record<string, number | boolean>;
  series(): Record<string, SeriesRecord[]>;
  /** Application-level checks (the kvstore verifies every reply). */
  invariants(): Record<string, boolean>;
}

/** A named preset: `vmft run … --workload NAME`. */
export interface WorkloadPreset {
  readonly name: string;
  /** The paper figure it reproduces, or '—'. */
  readonly from: string;
  readonly description: string;
  /** Its `workload.*` keys. */
  readonly params: readonly ParamSpec[];
  /** Its defaults for common keys (`vm.memoryMiB`, `run.durationS`, `host.sharedCpu`, …), with sources. */
  readonly defaults: Readonly<Record<string, ParamValue>>;
  /**
   * Defaults that depend on the user's input (the trace preset sizes the VM from its trace file).
   * Applied over `defaults`; anything the user set wins.
   */
  derivedDefaults?(input: Readonly<Record<string, ParamValue>>): Readonly<Record<string, ParamValue>>;
  /** Fixed work ("until done"): `run.durationS` is then an upper bound. */
  readonly fixedWork: boolean;
  /** Whether it needs a network with clients. */
  readonly usesNetwork: boolean;
  /** Its guest keeps the bytes of its memory and disk (not only versions): sizes are then bounded. */
  readonly contentBacked?: boolean;
  create(env: WorkloadEnv): WorkloadInstance;
}

/**
 * Turns a rate (events per guest ns) into whole event counts over successive spans, carrying the
 * fraction, so the count never depends on how the spans were cut.
 */
export class RateCarry {
  private carry = 0;
  constructor(private perNs: number) {}

  setRate(perNs: number): void {
    this.perNs = perNs;
  }

  /** Events in the guest-time span (from, to]. */
  take(fromNs: number, toNs: number): number {
    const x = this.carry + this.perNs * (toNs - fromNs);
    const n = Math.floor(x);
    this.carry = x - n;
    return n;
  }

  snapshot(): number {
    return this.carry;
  }
  restore(c: number): void {
    this.carry = c;
  }
}

/** `mib` MiB in guest pages of `pageKiB` KiB, rounded to whole pages. */
export function mibToPages(mib: number, pageKiB: number): number {
  return Math.round((mib * 1024) / pageKiB);
}

/** Pages of the run's guest memory — the same count the scenario gives its PageMemory. */
export function vmPages(params: { num(key: string): number }): number {
  return Math.max(1, mibToPages(params.num('vm.memoryMiB'), params.num('vm.pageKiB')));
}
