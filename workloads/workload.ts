import type { Network, Service } from '../lib/net/index.js';
import type { ParamSpec, ParamValue, Params } from '../lib/params/index.js';
import type { SeriesRecord } from '../lib/metrics/records.js';
import type { RandomStream, Signal, Simulation } from '../lib/sim/index.js';
import type { GuestProgram, VM } from '../lib/vm/index.js';
import type { AcceptLog, ExecutionLog, Replicable } from './replicable.js';

/** What a guest program is given when it is created (before its VM exists). */
export interface GuestEnv {
  readonly sim: Simulation;
  readonly params: Params;
  /**
   * The guest's own randomness (which pages, which keys). Every replica of one service gets a
   * stream with the same draws, so replicas of a deterministic program stay identical.
   */
  readonly rng: RandomStream;
  /** The engine runs the service as a replicated state machine (requests arrive ordered: `OrderedRequest`). */
  readonly replicated?: boolean;
  /** Where a replicable guest reports what it executes (the `noWrongReply` audit). */
  readonly executions?: ExecutionLog;
}

/**
 * The program inside one guest VM — one per VM: its page and disk writes as guest time passes, its
 * request handlers on the VM's NIC (it answers whoever the packets come from: `Packet.client` is a
 * client number of the service the VM serves). It never sees the clients or the network.
 */
export interface GuestInstance extends GuestProgram {
  /** Whether the guest program always wants a whole core (a compile) or mostly waits (a server). */
  readonly cpuBound: boolean;
  /** Whether its memory holds real bytes (the kvstore). */
  readonly contentBacked: boolean;
  /** Called once at t = 0 with the running VM: load the data, install the request handlers, submit fixed work. */
  start(vm: VM): void;
  /** Fixed-work workloads: triggered when the work is done (the run then ends). */
  readonly done: Signal<void> | null;
  /** The guest's own metrics at the end of the run (contract names: throughputOpsPerS, …). */
  metrics(endNs: number): Record<string, number | boolean>;
  series(): Record<string, SeriesRecord[]>;
  invariants(): Record<string, boolean>;
}

/** What a client population is given when it is created. */
export interface ClientEnv {
  readonly sim: Simulation;
  readonly params: Params;
  /** The population's randomness (arrivals, think times, keys), independent of the guest's. */
  readonly rng: RandomStream;
  readonly network: Network;
  /** The address its clients talk to; the engine's front end routes it to one or more VMs. */
  readonly service: Service;
  /** The service is a replicated state machine (write versions come from the total order). */
  readonly replicated?: boolean;
  /** Where the clients report every reply they accept (the `noWrongReply` audit). */
  readonly accepted?: AcceptLog;
}

/**
 * The clients outside — one population per service (not per VM): they send requests to the
 * service, measure what comes back and, for the kvstore, verify every reply.
 */
export interface ClientPopulation {
  /** Called once at t = 0, before the guests start: the sessions begin. */
  start(): void;
  /** The population's metrics at the end of the run (throughput as the clients saw it, latency, …). */
  metrics(endNs: number): Record<string, number | boolean>;
  series(): Record<string, SeriesRecord[]>;
  /** Application-level checks (the kvstore verifies every reply). */
  invariants(): Record<string, boolean>;
}

/**
 * A named preset: `vmft run … --workload NAME`. A workload is a guest program (`guest`, one per VM)
 * and, for network workloads, a client population (`clients`, one per service).
 */
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
  /**
   * Without fixed work: the metrics whose drop against the unprotected twin is the run's
   * `overheadPct`, in order of preference (the first that both runs report counts).
   */
  readonly overheadMetrics: readonly string[];
  /** Whether it has clients (then `clients` is set). */
  readonly usesNetwork: boolean;
  /** The program of one guest VM. */
  guest(env: GuestEnv): GuestInstance;
  /** Set when the guest is a deterministic state machine that replicated engines can run. */
  readonly replicable?: Replicable;
  /** The client population of one service; absent for workloads without clients. */
  readonly clients?: (env: ClientEnv) => ClientPopulation;
  /** Its guest keeps the bytes of its memory and disk (not only versions): sizes are then bounded. */
  readonly contentBacked?: boolean;
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
