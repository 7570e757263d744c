import type { Simulation, Timer } from '../sim/index.js';
import type { CpuClaim, HostCpu } from './host-cpu.js';
import type { PageMemory } from './memory.js';

/**
 * What runs inside the guest, as the vCPU sees it. Progress is measured in *guest time*: the ns
 * the guest would have run at full speed. A paused guest makes none; a CPU-bound guest given half a
 * core makes half; log-dirty traps eat into it.
 */
export interface GuestProgram {
  /** The guest executed guest time (fromNs, toNs]: emit the page and disk writes of that span. */
  advance(fromNs: number, toNs: number): void;
  /** Guest state that does not live in page memory (registers, in effect), for checkpoints. */
  snapshot(): unknown;
  restore(state: unknown): void;
}

interface Job {
  readonly target: number;
  readonly done: () => void;
}

export interface VCpuOptions {
  readonly sim: Simulation;
  readonly memory: PageMemory;
  readonly program: GuestProgram;
  readonly cpu: HostCpu;
  /** A CPU-bound program always wants a whole core; otherwise it wants one only while jobs wait. */
  readonly cpuBound: boolean;
  /** Cores wanted with no job queued (non-CPU-bound guests). */
  readonly idleDemandCores: number;
  /** Guest time lost per log-dirty trap. */
  readonly trapNs: number;
}

/**
 * The guest's virtual CPU. It integrates guest progress lazily: `sync()` advances it by
 * rate × elapsed time, where rate = min(1, share / demand) × (1 − throttle), or 0 while paused.
 * Jobs (request handling, a fixed amount of work) complete FIFO when progress passes their
 * target; a rate change reschedules the head job's completion.
 */
export class VCpu {
  private readonly sim: Simulation;
  private memory: PageMemory;
  private readonly program: GuestProgram;
  private readonly cpuBound: boolean;
  private readonly idleDemand: number;
  private trapNs: number;
  private claim: CpuClaim;
  private share = 0;
  private _progress = 0;
  private last = 0;
  private debt = 0;
  private paused = false;
  private throttle = 0;
  private jobs: Job[] = [];
  private head = 0;
  private queueEnd = 0;
  private timer: Timer | null = null;
  private _traps = 0;
  private _cpuNs = 0;

  constructor(opts: VCpuOptions) {
    this.sim = opts.sim;
    this.memory = opts.memory;
    this.program = opts.program;
    this.cpuBound = opts.cpuBound;
    this.idleDemand = opts.idleDemandCores;
    this.trapNs = opts.trapNs;
    this.last = opts.sim.now;
    this.claim = this.claimOn(opts.cpu);
  }

  /** Jobs submitted and not yet completed (after a sync). */
  get queuedJobs(): number {
    return this.jobs.length - this.head;
  }

  /** Guest time executed so far (ns), after a sync. */
  get progress(): number {
    this.sync();
    return this._progress;
  }

  /** Guest time lost per log-dirty trap from now on (the host's cost; an engine sets it from its host profile). */
  setTrapNs(ns: number): void {
    if (!(ns >= 0)) throw new Error(`bad log-dirty trap cost ${ns}`);
    this.chargeTraps();
    this.trapNs = ns;
  }

  /**
   * Host CPU the vCPU has consumed (core-ns), after a sync: the cores it wanted and was granted
   * while running (less throttling) × time. An idle server guest consumes its idle demand.
   */
  get cpuNs(): number {
    this.sync();
    return this._cpuNs;
  }

  /** Log-dirty traps charged so far. */
  get traps(): number {
    return this._traps;
  }

  /** Current speed: guest ns per real ns. */
  get rate(): number {
    if (this.paused) return 0;
    const demand = this.demand();
    const speed = demand <= 0 ? 1 : Math.min(1, this.share / demand);
    return speed * (1 - this.throttle);
  }

  /** Bring progress (and the program's writes) up to now. */
  sync(): void {
    const now = this.sim.now;
    const dt = now - this.last;
    this.last = now;
    if (dt <= 0) return;
    const rate = this.rate;
    if (rate <= 0) return;
    this._cpuNs += Math.min(this.share, this.demand()) * (1 - this.throttle) * dt;
    let adv = rate * dt;
    if (this.debt > 0) {
      const pay = Math.min(this.debt, adv);
      this.debt -= pay;
      adv -= pay;
    }
    if (adv > 0) {
      const from = this._progress;
      this._progress = from + adv;
      this.program.advance(from, this._progress);
    }
    this.chargeTraps();
  }

  /** Charge traps taken by writes since the last charge (background or request handlers). */
  chargeTraps(): void {
    const t = this.memory.takeTraps();
    if (t > 0) {
      this._traps += t;
      this.debt += t * this.trapNs;
    }
  }

  /** Run `workNs` of guest time after the jobs already queued; `done` when it has run. */
  submit(workNs: number, done: () => void): void {
    if (!(workNs >= 0)) throw new Error(`bad job work ${workNs}`);
    this.sync();
    const target = Math.max(this._progress, this.queueEnd) + workNs;
    this.queueEnd = target;
    this.jobs.push({ target, done });
    this.updateDemand();
    this.reschedule();
  }

  setPaused(paused: boolean): void {
    this.sync();
    this.paused = paused;
    this.reschedule();
  }

  /** Auto-converge style throttling: the fraction of time the vCPU is kept from running (0–0.99). */
  setThrottle(fraction: number): void {
    if (!(fraction >= 0 && fraction < 1)) throw new Error(`bad throttle ${fraction}`);
    this.sync();
    this.throttle = fraction;
    this.reschedule();
  }

  get throttleFraction(): number {
    return this.throttle;
  }

  /** Drop every queued job (speculative state lost at failover). */
  clearJobs(): void {
    this.sync();
    this.jobs = [];
    this.head = 0;
    this.queueEnd = this._progress;
    this.updateDemand();
    this.reschedule();
  }

  /** Restore progress to a checkpointed value (failover) on new memory and a new host CPU. */
  restore(progressNs: number, memory: PageMemory, cpu: HostCpu): void {
    this.sync();
    this.claim.release();
    this.memory = memory;
    this._progress = progressNs;
    this.queueEnd = progressNs;
    this.debt = 0;
    this.jobs = [];
    this.head = 0;
    this.claim = this.claimOn(cpu);
    this.reschedule();
  }

  /** Move to another host CPU keeping all state (migration). */
  moveTo(memory: PageMemory, cpu: HostCpu): void {
    this.sync();
    this.claim.release();
    this.memory = memory;
    this.claim = this.claimOn(cpu);
    this.reschedule();
  }

  /** Stop consuming CPU for good (the VM crashed or was discarded). */
  halt(): void {
    this.sync();
    this.paused = true;
    this.jobs = [];
    this.head = 0;
    this.timer?.cancel();
    this.timer = null;
    this.claim.release();
  }

  private claimOn(cpu: HostCpu): CpuClaim {
    // The callback fires after the share changed: progress up to now accrued at the old share.
    let first = true;
    const claim = cpu.claim('vcpu', this.demand(), (share) => {
      if (first) return;
      this.sync();
      this.share = share;
      this.reschedule();
    });
    first = false;
    this.share = claim.share;
    return claim;
  }

  private demand(): number {
    return this.cpuBound || this.jobs.length > this.head ? 1 : this.idleDemand;
  }

  private updateDemand(): void {
    this.claim.setDemand(this.demand());
    this.share = this.claim.share;
  }

  private reschedule(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.head >= this.jobs.length) return;
    const rate = this.rate;
    if (rate <= 0) return;
    const head = this.jobs[this.head]!;
    const remaining = head.target - this._progress + this.debt;
    const delay = Math.max(0, Math.ceil(remaining / rate));
    this.timer = this.sim.schedule(delay, () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = null;
    this.sync();
    // 1e-3 ns slack absorbs floating-point rounding of rate × dt.
    while (this.head < this.jobs.length && this._progress >= this.jobs[this.head]!.target - 1e-3) {
      const job = this.jobs[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.jobs.length) {
        this.jobs = this.jobs.slice(this.head);
        this.head = 0;
      }
      job.done();
    }
    this.updateDemand();
    this.reschedule();
  }
}
