import type { FaultClass, FaultKind, ScheduledFault } from '../faults/index.js';
import type { Network, Service } from '../net/index.js';
import type { ParamSpec, ParamValue, Params } from '../params/index.js';
import type { SeriesRecord } from '../metrics/records.js';
import type { RandomStream, Simulation } from '../sim/index.js';
import type { Host, PageMemory, VM } from '../vm/index.js';

/**
 * The machines a run of an engine needs: its hosts, the guest VMs on them and the services those VMs
 * serve. The scenario builds exactly this — every host on the network, one guest program per VM,
 * one client population per service — and hands it to the engine in its EngineContext.
 */
export interface RunLayout {
  /** Host names, in order: `EngineContext.hosts` follows it. */
  readonly hosts: readonly string[];
  /**
   * The guest VMs, in order: the host each starts on (an index into `hosts`) and the service it
   * serves (an index; services are numbered 0, 1, … and each has at least one VM). Guest 0 is the
   * run's VM: its metrics and service 0's are the run's.
   */
  readonly guests: ReadonlyArray<{ readonly host: number; readonly service: number }>;
}

/** The layout of an engine that does not say: one VM on host A serving one service, host B spare. */
export const DEFAULT_LAYOUT: RunLayout = { hosts: ['A', 'B'], guests: [{ host: 0, service: 0 }] };

/** One guest VM of a run, as the engine is given it. */
export interface EngineGuest {
  readonly vm: VM;
  /** The host it starts on. */
  readonly host: Host;
  /** The service it serves (with the other VMs of that service, if any). */
  readonly service: Service;
}

/** Everything an engine acts on. Engines never see the workload: only the VMs it runs in. */
export interface EngineContext {
  readonly sim: Simulation;
  readonly params: Params;
  /** The run's hosts, in the order of the engine's layout (`EngineDef.layout`). */
  readonly hosts: readonly Host[];
  /** The run's guest VMs, in layout order. */
  readonly guests: readonly EngineGuest[];
  /**
   * The run's services, by number, each with its VMs and one client population sending to it. The
   * engine owns their front ends (`Service.setFrontEnd`): a service with one VM needs none; a
   * service with several VMs must get one in `create`.
   */
  readonly services: readonly Service[];
  /** `guests[0].vm`: the VM of a one-guest engine. */
  readonly vm: VM;
  /** The run's network: client NICs, host-to-host links, services. */
  readonly network: Network;
  /** The run's fault schedule; the engine injects and handles the faults it knows. */
  readonly faults: readonly ScheduledFault[];
  /** The engine's own random stream. */
  readonly rng: RandomStream;
  /** Simulated run length (ns). */
  readonly durationNs: number;
  /**
   * A new guest VM of service `service` on host `host` (an index into `hosts`), holding exactly
   * `memory` — a VM created from a saved image (SPARE's new shadows). Its program is the workload's,
   * set up as if restored from that image: nothing is loaded into `memory`. It starts paused.
   */
  readonly spawnGuest?: (host: number, service: number, memory: PageMemory, name: string) => VM;
}

/**
 * The safety invariants an engine checks, by contract name (docs/design.md#invariants). A run
 * reports these and no other (the workload and the scenario add their own beside them).
 */
export interface EngineInvariants {
  /** Reported on every run. */
  readonly everyRun: readonly string[];
  /**
   * Reported on a run where their check could run, left out otherwise (default none): a migration
   * that switched over, a backup that still held a copy to compare.
   */
  readonly whenChecked?: readonly string[];
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
  /**
   * The service VMs executing requests now (default: the run's VM unless it crashed): where a
   * Byzantine fault strikes — the ones on the highest host indices.
   */
  activeVms?(): readonly VM[];
}

/** The fault kinds of an engine that runs one VM on a primary (source) host with a second host beside it. */
export const TWO_HOST_FAULT_KINDS: readonly FaultKind[] = ['primaryCrash', 'backupCrash', 'hostCrash', 'vmCrash', 'linkDown'];

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
  /** The hosts, guest VMs and services a run of this configuration needs (default `DEFAULT_LAYOUT`). */
  readonly layout?: (params: Params) => RunLayout;
  /**
   * The scheduled fault kinds this engine can apply (`faults.<kind>AtS`); a run asking for another
   * is bad input (exit 2) — a fault with nothing to act on would never happen. Byzantine faults are
   * applied by the scenario under every engine.
   */
  readonly faultKinds: readonly FaultKind[];
  /**
   * The faults this protection says it tolerates, on any of its components (within its fault model:
   * at most f at a time for the replicated engines): the service keeps answering, nothing a client
   * saw is lost and no wrong reply is accepted. `vmft compare` shows the measured outcome beside it,
   * and a property test checks the two agree.
   */
  readonly tolerates: readonly FaultClass[];
  /** The invariants its runs report. */
  readonly invariants: EngineInvariants;
  /** How many of those faults at once (default 1): f for the replicated engines. */
  readonly faultBudget?: (params: Params) => number;
  /** Whether `faults.targetHost` can pick the host a crash acts on (engines with one replica per host). */
  readonly targetsHosts?: boolean;
  /** Named policy presets (`vmft list policies`), if the engine has any. */
  readonly policies?: ReadonlyArray<{ readonly name: string; readonly description: string }>;
  /**
   * Service replicas at the start: executing (`active`) and kept paused or as an image (`passive`).
   * Default: one active, none passive. `faults.byzantineReplicas` may not exceed `active`.
   */
  readonly replicas?: (params: Params) => { readonly active: number; readonly passive: number };
  /**
   * VMs the engine keeps besides the guests, for resource accounting: each with the time it comes
   * into existence (Remus: its backup images, from the start; a migration: its target, from the
   * migration's start). Engines that count their own resources report them instead.
   */
  readonly extraVms?: (params: Params) => ReadonlyArray<{ readonly fromS: number }>;
  /**
   * Whether the engine runs the service as a replicated state machine (its requests reach the
   * guests through replica managers, in one total order). Only a replicable workload can run so.
   */
  readonly replicated?: boolean;
  create(ctx: EngineContext): EngineInstance;
}
