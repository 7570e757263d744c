import type { Network, Service } from '../../net/index.js';
import { InputError, type Params } from '../../params/index.js';
import type { ReplicationGroup } from '../../replication/index.js';
import type { InjectedFault, Replacement, ResourceMeter as ShadowMeter, ShadowCosts, VerifiedUpdates } from '../../replication/shadow/index.js';
import { ms, type Simulation } from '../../sim/index.js';
import type { Host, PageMemory, VM } from '../../vm/index.js';
import type { EngineContext } from '../engine.js';
import { ReplicatedFrontEnd } from '../replicated-front-end.js';
import { ResourceMeter } from '../resources.js';
import { spareCosts } from './costs.js';
import { RequestLatencies } from './latency.js';

/**
 * One SPARE run's replicas and what every phase shares: f + 1 hosts, each with its active replica
 * and its shadow; the voters (every VM that executes requests), the resource meters and the
 * faults injected and replacements made so far. The replication group and the verified updates
 * are set when they are built (`wireGroup`, `VerifiedState`).
 */
export class SpareRun {
  readonly sim: Simulation;
  readonly params: Params;
  readonly network: Network;
  readonly f: number;
  /** Hosts: f + 1. */
  readonly n: number;
  /** The host `faults.targetHost` names. */
  readonly target: number;
  readonly spawn: NonNullable<EngineContext['spawnGuest']>;
  readonly costs: ShadowCosts;
  readonly replyTimeoutNs: number;
  readonly service: Service;
  readonly hosts: readonly Host[];
  /** The reference replica: executes every ordered request, never faulty (verified state). */
  readonly refVm: VM;
  /** Host h's active replica now. */
  readonly active: VM[];
  /** Host h's shadow's VM now. */
  readonly standby: VM[];
  /** Whether host h's shadow is activated (executing and voting). */
  readonly shadowLive: boolean[];
  /**
   * Every VM that executes requests has a voter number v (its RM is v mod n) and a slot in the
   * front end: actives h, the first shadows n + h, the reference 2n, every later VM h + k × n.
   */
  readonly slots: VM[];
  readonly voterOf: Map<VM, number>;
  private nextGeneration = 3;
  /** Every VM the run ever had (for guest CPU time). */
  readonly everyVm: Set<VM>;
  /** Per voter, per session: the latest reply's request number and digest. */
  readonly recent = new Map<number, Map<number, { n: number; digest: string }>>();
  readonly meter: ResourceMeter;
  /** The meter as the shadow machinery charges it. */
  readonly shadowMeter: ShadowMeter;
  readonly latencies = new RequestLatencies();
  readonly front: ReplicatedFrontEnd;
  readonly injected: InjectedFault[] = [];
  readonly replacements: Replacement[] = [];
  group!: ReplicationGroup;
  updates!: VerifiedUpdates;

  constructor(ctx: EngineContext) {
    const { params } = ctx;
    this.sim = ctx.sim;
    this.params = params;
    this.network = ctx.network;
    const f = (this.f = params.num('spare.f'));
    const n = (this.n = f + 1);
    const target = (this.target = params.optNum('faults.targetHost') ?? 0);
    if (target >= n) throw new InputError('faults.targetHost', `host ${target} does not exist: spare with f = ${f} has ${n} hosts`, `0 … ${n - 1}`);
    if (ctx.spawnGuest === undefined) throw new Error('spare needs a run that can create VMs from images');
    this.spawn = ctx.spawnGuest;
    this.costs = spareCosts(ctx);
    this.replyTimeoutNs = ms(params.num('spare.replyTimeoutMs'));
    this.service = ctx.services[0]!;
    this.hosts = ctx.hosts.slice(0, n);
    this.refVm = ctx.guests[2 * n]!.vm;
    this.active = ctx.guests.slice(0, n).map((g) => g.vm);
    this.standby = ctx.guests.slice(n, 2 * n).map((g) => g.vm);
    this.shadowLive = new Array<boolean>(n).fill(false);
    this.slots = ctx.guests.map((g) => g.vm);
    this.voterOf = new Map<VM, number>(this.slots.slice(0, 2 * n).map((vm, v) => [vm, v]));
    this.everyVm = new Set<VM>(this.slots.slice(0, 2 * n));
    const meter = (this.meter = new ResourceMeter(this.sim));
    this.shadowMeter = {
      // Applying pages runs on the shadow's vCPU: its consumed CPU already counts it.
      cpu: (_host, ns, use) => {
        if (use !== 'apply') meter.dom0(ns);
      },
      vmUp: (id, bytes) => meter.vmExists(id, bytes),
      vmDown: (id) => meter.vmGone(id),
    };
    for (const vm of this.everyVm) meter.vmExists(vm.name, vm.memory.sizeBytes);
    this.front = new ReplicatedFrontEnd(this.network, this.service, this.hosts, this.slots);
  }

  /** A new VM of host `h` (a new shadow) joins the voters; returns its voter number. */
  private enrol(vm: VM, h: number): number {
    const v = h + this.n * this.nextGeneration++;
    this.voterOf.set(vm, v);
    this.slots[v] = vm;
    return v;
  }

  /** A new shadow's VM on host `h`, holding `memory`. */
  spawnShadowVm(h: number, memory: PageMemory, id: string): VM {
    const vm = this.spawn(h, 0, memory, id);
    this.everyVm.add(vm);
    this.enrol(vm, h);
    return vm;
  }

  /** Whether host `h` and its replica manager are up. */
  hostUp(h: number): boolean {
    return this.hosts[h]!.alive && this.group.isAlive(h);
  }

  /** Executing VMs now: each live host's active replica, and its shadow while activated. */
  executors(): Array<{ vm: VM; h: number }> {
    const out: Array<{ vm: VM; h: number }> = [];
    for (let h = 0; h < this.n; h++) {
      if (!this.hostUp(h)) continue;
      if (this.active[h]!.status !== 'crashed') out.push({ vm: this.active[h]!, h });
      if (this.shadowLive[h]) out.push({ vm: this.standby[h]!, h });
    }
    return out;
  }

  /** Whether host `h`'s shadow is paused (or between two updates): one that can be activated. */
  shadowPassive(h: number): boolean {
    const st = this.updates.host(h).shadow.state;
    return st === 'paused' || st === 'waking' || st === 'applying' || st === 'pausing';
  }

  /** Record the replicas running and kept paused now (the `replicas` series). */
  countReplicas(): void {
    let running = 0;
    let passive = 0;
    for (let h = 0; h < this.n; h++) {
      if (!this.hostUp(h)) continue;
      if (this.active[h]!.status !== 'crashed') running++;
      if (this.shadowLive[h]) running++;
      else if (this.shadowPassive(h)) passive++;
    }
    this.meter.replicas(running, passive);
  }

  /** The active replicas executing now (where a Byzantine fault strikes). */
  activeVms(): VM[] {
    return this.active.filter((vm, h) => vm.status !== 'crashed' && this.hosts[h]!.alive);
  }

  /** Destroy `vm` (a replaced active replica). */
  discardVm(vm: VM): void {
    vm.crash();
    this.meter.dom0(this.costs.vmDestroyNs);
    this.sim.schedule(this.costs.vmDestroyNs, () => this.meter.vmGone(vm.name));
  }
}
