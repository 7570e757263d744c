import type { FaultKind, ScheduledFault } from '../faults/index.js';
import type { Network } from '../net/index.js';
import type { ParamSpec, ParamValue, Params } from '../params/index.js';
import type { SeriesRecord } from '../metrics/records.js';
import type { RandomStream, Simulation } from '../sim/index.js';
import type { Host, VM } from '../vm/index.js';

/** Everything an engine acts on. Engines never see the workload: only the VM it runs in. */
export interface EngineContext {
  readonly sim: Simulation;
  readonly params: Params;
  readonly vm: VM;
  /** hosts[0] runs the VM at the start; hosts[1] is the other host (migration target, Remus backup). */
  readonly hosts: readonly [Host, Host];
  /** The run's network: client NICs, the host-to-host link, routing to the VM. */
  readonly network: Network;
  /** The run's fault schedule; the engine injects and handles the faults it knows. */
  readonly faults: readonly ScheduledFault[];
  /** The engine's own random stream. */
  readonly rng: RandomStream;
  /** Simulated run length (ns). */
  readonly durationNs: number;
  /**
   * With `EngineDef.guests` > 1: every guest VM and the host it starts on (guest 0 is `vm` on
   * hosts[0]); they all share hosts[1] (Remus: N primaries on one backup).
   */
  readonly primaries?: ReadonlyArray<{ readonly vm: VM; readonly host: Host }>;
}

/** What an engine reports at the end of a run. */
export interface EngineReport {
  readonly metrics: Record<string, number | boolean>;
  /** Safety invariants checked on this run, by contract name. */
  readonly invariants: Record<string, boolean>;
  readonly series: Record<string, SeriesRecord[]>;
}

export interface EngineInstance {
  /** Called at t = 0 after the workload started. */
  start(): void;
  /** Called once when the run ends (at `endNs`). */
  finish(endNs: number): EngineReport;
}

export interface EngineDef {
  readonly name: string;
  readonly description: string;
  /** The engine's own keys (`migration.*`, `remus.*`). */
  readonly params: readonly ParamSpec[];
  /**
   * Defaults that follow from the user's input, and a check of key combinations (throws
   * InputError): e.g. Remus derives `remus.epochMs` from `remus.checkpointsPerS`.
   */
  readonly derivedDefaults?: (input: Readonly<Record<string, ParamValue>>) => Readonly<Record<string, ParamValue>>;
  /** How many guest VMs a run of this configuration needs (default 1). */
  readonly guests?: (params: Params) => number;
  /** The fault kinds this engine can apply (default: all); a run asking for another is bad input. */
  readonly faultKinds?: readonly FaultKind[];
  /** Named policy presets (`vmft list policies`), if the engine has any. */
  readonly policies?: ReadonlyArray<{ readonly name: string; readonly description: string }>;
  create(ctx: EngineContext): EngineInstance;
}
