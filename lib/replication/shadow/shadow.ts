import type { Nanos, Simulation } from '../../sim/index.js';
import type { PageMemory, VM } from '../../vm/index.js';
import type { ShadowCosts } from './costs.js';
import type { ResourceMeter } from './ledger.js';
import type { StateUpdate } from './update.js';

/**
 * What a shadow is doing. `paused`: holding its memory, no CPU. `waking` → `applying` → `pausing`:
 * an update being applied. `activating`: unpaused for good, catching up. `active`: running as a
 * replica. `discarded`: gone.
 */
export type ShadowState = 'paused' | 'waking' | 'applying' | 'pausing' | 'activating' | 'active' | 'discarded';

/** When one update was applied to a shadow (ns). */
export interface ApplyRecord {
  readonly seq: number;
  readonly pages: number;
  readonly requestedAt: Nanos;
  readonly unpausedAt: Nanos;
  readonly appliedAt: Nanos;
  readonly pausedAt: Nanos;
}

/** When an activation reached each stage (ns). */
export interface ActivationRecord {
  readonly startedAt: Nanos;
  readonly unpausedAt: Nanos;
  /** Every pending update applied (the engine then re-executes the ordered requests since). */
  readonly caughtUpAt: Nanos;
  readonly updatesApplied: number;
}

export interface ShadowOptions {
  readonly sim: Simulation;
  /** Identifies the VM in the resource meter. */
  readonly id: string;
  /** Index of the host it lives on (CPU charges go there). */
  readonly host: number;
  /** The shadow's VM: paused, or running and paused at once by the constructor. */
  readonly vm: VM;
  readonly costs: ShadowCosts;
  readonly meter: ResourceMeter;
  /** The last update already in its memory (0: none; a new shadow from verified state: its seq). */
  readonly appliedSeq?: number;
}

/** Pages of `m` ever written (version ≠ 0): what a save or restore moves; zero pages cost ≈ nothing. */
export function writtenPages(m: PageMemory): number {
  let n = 0;
  const v = m.versions;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return n;
}

/**
 * A shadow (passive) replica: a VM that stays paused — it keeps its memory and gets no CPU — and is
 * woken to apply each verified state update, then paused again. On a suspicion it is activated
 * (unpaused for good after applying what it has not applied yet); in proactive recovery its state is
 * saved to create the next shadow, and an old VM is discarded.
 *
 * The update's pages are copied by the shadow's own guest (SPARE wakes the shadow to apply it): that
 * work runs as a job on the shadow's vCPU, so on a shared core it competes with the host's active
 * replica. Pause, unpause, save and restore are hypervisor latencies charged to domain 0.
 *
 * A shadow's guest must not write memory by itself (its service state changes only through updates
 * and, once active, requests): the consistency check would report any such write.
 */
export class ShadowReplica {
  readonly id: string;
  readonly host: number;
  readonly vm: VM;
  private readonly sim: Simulation;
  private readonly costs: ShadowCosts;
  private readonly meter: ResourceMeter;
  private _state: ShadowState = 'paused';
  private _appliedSeq: number;
  private queue: Array<{ update: StateUpdate; requestedAt: Nanos; done: (r: ApplyRecord) => void }> = [];
  private readonly _applied: ApplyRecord[] = [];
  private pausedNs = 0;
  private pausedSince: Nanos;

  constructor(o: ShadowOptions) {
    this.sim = o.sim;
    this.id = o.id;
    this.host = o.host;
    this.vm = o.vm;
    this.costs = o.costs;
    this.meter = o.meter;
    this._appliedSeq = o.appliedSeq ?? 0;
    if (!o.vm.memory.contentBacked) throw new Error(`shadow ${o.id} needs a content-backed memory`);
    if (o.vm.status === 'running') o.vm.pause();
    else if (o.vm.status !== 'paused') throw new Error(`shadow ${o.id} cannot start from a ${o.vm.status} VM`);
    this.pausedSince = o.sim.now;
  }

  /**
   * Create a shadow from verified state (`image`, the memory after update `appliedSeq`): the
   * hypervisor restores a VM from the image (vmCreateNs plus a page copy per written page), and it
   * exists, paused, from then on. Its memory counts from the start (the domain is built first).
   */
  static restore(
    o: Omit<ShadowOptions, 'vm'> & { readonly image: PageMemory; readonly makeVm: (memory: PageMemory) => VM },
    done: (shadow: ShadowReplica) => void,
  ): void {
    const memory = o.image.clone();
    const work = o.costs.vmCreateNs + o.costs.applyNsPerPage * writtenPages(memory);
    o.meter.vmUp(o.id, memory.sizeBytes, o.sim.now);
    o.meter.cpu(o.host, work, 'restore');
    o.sim.schedule(work, () => {
      const vm = o.makeVm(memory);
      if (vm.memory !== memory) throw new Error(`shadow ${o.id}: makeVm must use the memory it is given`);
      done(new ShadowReplica({ ...o, vm }));
    });
  }

  get state(): ShadowState {
    return this._state;
  }

  /** The last update in this shadow's memory. */
  get appliedSeq(): number {
    return this._appliedSeq;
  }

  /** Every update applied, in order. */
  get applied(): readonly ApplyRecord[] {
    return this._applied;
  }

  /** Updates waiting to be applied. */
  get queued(): number {
    return this.queue.length;
  }

  /** Time spent paused so far (ns). */
  pausedTimeNs(now: Nanos = this.sim.now): number {
    return this.pausedNs + (this._state === 'paused' ? now - this.pausedSince : 0);
  }

  /**
   * Apply an accepted update: wake (unpause), copy its pages in the guest, pause again; `done` when
   * paused. Updates are applied in order of their numbers, one after the other; an update must
   * follow the last one applied or queued.
   */
  apply(update: StateUpdate, done: (r: ApplyRecord) => void = () => {}): void {
    this.requireLive();
    if (this._state === 'active' || this._state === 'activating')
      throw new Error(`shadow ${this.id} is ${this._state}: updates go to it as pending at activation`);
    const last = this.lastSeq();
    if (update.seq <= last) throw new Error(`shadow ${this.id}: update ${update.seq} after ${last}`);
    this.checkGeometry(update);
    this.queue.push({ update, requestedAt: this.sim.now, done });
    if (this._state === 'paused') this.next();
  }

  /**
   * Activate: unpause for good and apply the accepted updates this shadow has not applied yet (in
   * order); `done` once caught up — the engine then re-executes the ordered requests since the last
   * update. Updates queued for a wake are applied first.
   */
  activate(pending: readonly StateUpdate[], done: (r: ActivationRecord) => void): void {
    this.requireLive();
    if (this._state === 'active' || this._state === 'activating') throw new Error(`shadow ${this.id} is already ${this._state}`);
    const startedAt = this.sim.now;
    let last = this.lastSeq();
    const todo = this.queue.map((q) => q.update);
    for (const u of pending) {
      if (u.seq <= last) continue;
      this.checkGeometry(u);
      todo.push(u);
      last = u.seq;
    }
    const waiting = this.queue;
    this.queue = [];
    this.pausedWaiters = [];
    const begin = (alreadyUp: boolean): void => {
      if (!alreadyUp) this.leavePaused();
      this._state = 'activating';
      const unpauseNs = alreadyUp ? 0 : this.costs.unpauseNs;
      if (!alreadyUp) this.meter.cpu(this.host, unpauseNs, 'unpause');
      this.sim.schedule(unpauseNs, () => {
        if (this.gone) return;
        if (!alreadyUp) this.vm.resume();
        const unpausedAt = this.sim.now;
        let k = 0;
        const step = (): void => {
          if (this.gone) return;
          if (k === todo.length) {
            this._state = 'active';
            done({ startedAt, unpausedAt, caughtUpAt: this.sim.now, updatesApplied: todo.length });
            return;
          }
          const u = todo[k++]!;
          this.copyIn(u, () => {
            const w = waiting.find((q) => q.update === u);
            const rec = { seq: u.seq, pages: u.pages.length, requestedAt: w?.requestedAt ?? startedAt, unpausedAt, appliedAt: this.sim.now, pausedAt: -1 };
            this._applied.push(rec);
            w?.done(rec);
            step();
          });
        };
        step();
      });
    };
    // A wake in progress finishes its update first; then the VM simply stays up (no pause, no
    // second unpause).
    if (this._state === 'paused') begin(false);
    else this.afterCurrent = begin;
  }

  /**
   * Run `fn` once this shadow is paused with no update waiting (now, if it is): a save needs a
   * quiet shadow. Never runs if the shadow is activated or discarded first.
   */
  whenPaused(fn: () => void): void {
    this.requireLive();
    if (this._state === 'paused' && this.queue.length === 0) fn();
    else this.pausedWaiters.push(fn);
  }

  /**
   * Save this shadow's state (proactive recovery step 1): the image is its memory as of its last
   * applied update. Costs vmSaveNs plus a page copy per written page; the shadow stays paused.
   */
  save(done: (image: PageMemory, seq: number) => void): void {
    this.requireLive();
    if (this._state !== 'paused') throw new Error(`shadow ${this.id} is ${this._state}: only a paused shadow is saved`);
    const image = this.vm.memory.clone();
    const seq = this._appliedSeq;
    const work = this.costs.vmSaveNs + this.costs.pageCopyNsPerPage * writtenPages(image);
    this.meter.cpu(this.host, work, 'save');
    this.sim.schedule(work, () => done(image, seq));
  }

  /** Destroy the VM (proactive recovery step 5, or a replaced replica); its memory is freed. */
  discard(done: () => void = () => {}): void {
    this.requireLive();
    if (this._state === 'paused') this.leavePaused();
    this._state = 'discarded';
    this.queue = [];
    this.afterCurrent = null;
    this.pausedWaiters = [];
    this.vm.crash();
    this.meter.cpu(this.host, this.costs.vmDestroyNs, 'destroy');
    this.sim.schedule(this.costs.vmDestroyNs, () => {
      this.meter.vmDown(this.id, this.sim.now);
      done();
    });
  }

  /** An activation requested while a wake was in progress. */
  private afterCurrent: ((alreadyUp: boolean) => void) | null = null;
  /** Callbacks waiting for the shadow to be paused and idle. */
  private pausedWaiters: Array<() => void> = [];
  /** The update a wake is applying now (0: none). */
  private inflightSeq = 0;

  private next(): void {
    const item = this.queue.shift();
    if (item === undefined) return;
    const { update, requestedAt, done } = item;
    this.inflightSeq = update.seq;
    this.leavePaused();
    this._state = 'waking';
    this.meter.cpu(this.host, this.costs.unpauseNs, 'unpause');
    this.sim.schedule(this.costs.unpauseNs, () => {
      if (this.gone) return;
      this.vm.resume();
      const unpausedAt = this.sim.now;
      this._state = 'applying';
      this.copyIn(update, () => {
        if (this.gone) return;
        const appliedAt = this.sim.now;
        const cont = this.afterCurrent;
        if (cont !== null) {
          // An activation is waiting: the VM stays up and the activation carries on from here.
          this.afterCurrent = null;
          const rec = { seq: update.seq, pages: update.pages.length, requestedAt, unpausedAt, appliedAt, pausedAt: -1 };
          this._applied.push(rec);
          done(rec);
          cont(true);
          return;
        }
        this._state = 'pausing';
        this.meter.cpu(this.host, this.costs.pauseNs, 'pause');
        this.sim.schedule(this.costs.pauseNs, () => {
          if (this.gone) return;
          this.vm.pause();
          this._state = 'paused';
          this.pausedSince = this.sim.now;
          const rec = { seq: update.seq, pages: update.pages.length, requestedAt, unpausedAt, appliedAt, pausedAt: this.sim.now };
          this._applied.push(rec);
          done(rec);
          const waiting = this.afterCurrent;
          this.afterCurrent = null;
          if (waiting !== null) waiting(false);
          else if (this._state === 'paused') {
            if (this.queue.length > 0) this.next();
            else this.runPausedWaiters();
          }
        });
      });
    });
  }

  /** The guest copies the update's pages in (applyNsPerPage each on its vCPU), then they are in memory. */
  private copyIn(u: StateUpdate, then: () => void): void {
    const work = this.costs.applyNsPerPage * u.pages.length;
    this.meter.cpu(this.host, work, 'apply');
    this.vm.vcpu.submit(work, () => {
      if (this.gone) return;
      const mem = this.vm.memory;
      const pb = u.pageBytes;
      for (let i = 0; i < u.pages.length; i++) mem.installPage(u.pages[i]!, u.versions[i]!, u.bytes.subarray(i * pb, (i + 1) * pb));
      this._appliedSeq = u.seq;
      then();
    });
  }

  private runPausedWaiters(): void {
    const ws = this.pausedWaiters;
    this.pausedWaiters = [];
    for (const w of ws) {
      if (this._state !== 'paused' || this.queue.length > 0) {
        this.pausedWaiters.push(w);
        continue;
      }
      w();
    }
  }

  /** The newest update applied, being applied, or queued. */
  private lastSeq(): number {
    const q = this.queue.length > 0 ? this.queue[this.queue.length - 1]!.update.seq : 0;
    return Math.max(q, this.inflightSeq, this._appliedSeq);
  }

  private leavePaused(): void {
    this.pausedNs += this.sim.now - this.pausedSince;
  }

  private checkGeometry(u: StateUpdate): void {
    const mem = this.vm.memory;
    if (u.pageBytes !== mem.pageBytes) throw new Error(`shadow ${this.id}: update of ${u.pageBytes}-byte pages, memory has ${mem.pageBytes}`);
    if (u.bytes.length !== u.pages.length * u.pageBytes) throw new Error(`shadow ${this.id}: update ${u.seq} carries ${u.bytes.length} bytes for ${u.pages.length} pages`);
    for (let i = 0; i < u.pages.length; i++) {
      const p = u.pages[i]!;
      if (!(p >= 0 && p < mem.pages)) throw new Error(`shadow ${this.id}: update ${u.seq} has page ${p} outside ${mem.pages} pages`);
    }
  }

  /** Discarded, or its VM crashed with its host: scheduled steps stop here. */
  private get gone(): boolean {
    return this._state === 'discarded' || this.vm.status === 'crashed';
  }

  private requireLive(): void {
    if (this._state === 'discarded') throw new Error(`shadow ${this.id} was discarded`);
  }
}
