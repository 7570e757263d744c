import type { Nanos, Simulation, Timer } from '../../sim/index.js';
import type { PageMemory, VM } from '../../vm/index.js';
import type { ShadowCosts } from './costs.js';
import type { ResourceMeter } from './ledger.js';
import {
  initialRecoveryState,
  recoveryReducer,
  type RecoveryAction,
  type RecoveryRecord,
  type RecoveryState,
} from './recovery.js';
import { ShadowReplica } from './shadow.js';
import type { VerifiedUpdates } from './update-round.js';

export interface ProactiveRecoveryOptions {
  readonly sim: Simulation;
  readonly costs: ShadowCosts;
  readonly meter: ResourceMeter;
  /** The group's update protocol: it knows each host's active replica and shadow, and keeps the updates. */
  readonly updates: VerifiedUpdates;
  /** A recovery falls due every this many ns (`spare.recoveryIntervalS`). */
  readonly intervalNs: Nanos;
  /** The meter's ids of the hosts' active VMs at the start (the shadows' are their own `id`). */
  readonly activeIds: readonly string[];
  /**
   * Build a VM on host `host` with exactly `memory` (a new shadow from verified state as of update
   * `seq`, a copy of `image`, which nothing uses afterwards).
   */
  readonly makeVm: (host: number, memory: PageMemory, id: string, seq: number, image: PageMemory) => VM;
  /**
   * Step 4: move service execution on `host` from the old active VM to the activated shadow's VM —
   * re-executing the ordered requests since update `sinceSeq` (the last one the shadow applied; 0:
   * since the start) — and call `done`.
   */
  readonly switchExecution: (host: number, from: VM, to: VM, sinceSeq: number, done: () => void) => void;
  /** Every finished recovery. */
  readonly onRecovered?: (record: RecoveryRecord) => void;
}

/**
 * Proactive recovery carried out: every interval the state machine (`recoveryReducer`) names the
 * next host, and each of its five steps is executed on the real VMs —
 *   1. the host's shadow, once paused and idle, is saved (the checkpoint pins the updates after it);
 *   2. a new shadow is restored from that image (`vmCreateNs` plus a page copy per written page);
 *   3. the old shadow is activated with the accepted updates it has not applied, and the new shadow
 *      takes its place in the update protocol (it is given the updates since its checkpoint);
 *   4. the old shadow's VM becomes the host's active replica in the update protocol and the engine
 *      switches execution to it;
 *   5. the old active VM is destroyed (`vmDestroyNs`) and its memory freed.
 * Times are simulated; costs go to the meter.
 */
export class ProactiveRecovery {
  private readonly opts: ProactiveRecoveryOptions;
  private _state: RecoveryState;
  private readonly activeIds: string[];
  private timer: Timer | null = null;
  private image: { memory: PageMemory; seq: number } | null = null;
  private created: ShadowReplica | null = null;
  private activated: ShadowReplica | null = null;
  /** The VM step 4 switched away from (step 5 destroys it). */
  private retiredVm: VM | null = null;
  /** The update seq step 1 pinned — its image's seq (unpinned at step 3, or when the recovery is abandoned). */
  private pinned: number | null = null;
  /** The step being carried out: a completion of any other (an abandoned recovery's) is ignored. */
  private step: RecoveryAction | null = null;

  constructor(o: ProactiveRecoveryOptions) {
    if (!(o.intervalNs > 0)) throw new Error(`bad recovery interval ${o.intervalNs} ns`);
    const n = o.activeIds.length;
    this.opts = o;
    this.activeIds = [...o.activeIds];
    this._state = initialRecoveryState(Array.from({ length: n }, (_, i) => ({ active: this.activeIds[i]!, shadow: o.updates.host(i).shadow.id })));
  }

  get state(): RecoveryState {
    return this._state;
  }

  /** Finished recoveries. */
  get records(): readonly RecoveryRecord[] {
    return this._state.records;
  }

  /**
   * The engine replaced host `host`'s active replica outside a recovery (after an activation): the
   * meter's id of its active VM is now `activeId`, and a later recovery discards that one.
   */
  activeReplaced(host: number, activeId: string): void {
    this.activeIds[host] = activeId;
  }

  /** Whether a recovery is running now (its five steps started and not all done). */
  get running(): boolean {
    return this._state.current !== null;
  }

  /**
   * A recovery falls due now (the engine's own clock, instead of `start`): it starts at once, or
   * when the one running ends.
   */
  due(): void {
    this.event({ kind: 'due', atS: this.opts.sim.now / 1e9 });
  }

  /** Recoveries fall due every interval from now on. */
  start(): void {
    if (this.timer !== null) return;
    const tick = (): void => {
      this.timer = this.opts.sim.schedule(this.opts.intervalNs, () => {
        this.event({ kind: 'due', atS: this.opts.sim.now / 1e9 });
        tick();
      });
    };
    tick();
  }

  /**
   * Host `host` crashed: it is never renewed again, and a recovery running on it is abandoned — the
   * VMs it made or activated there are gone with the host (returned, for the engine's meter), its
   * pin on the update history is dropped, and the next recovery due starts.
   */
  hostDown(host: number): VM[] {
    const gone: VM[] = [];
    const current = this._state.current;
    if (current !== null && current.host === host) {
      const { sim, meter, updates } = this.opts;
      if (this.pinned !== null) updates.unpin(host, this.pinned);
      this.pinned = null;
      this.image = null;
      if (this.created !== null) {
        gone.push(this.created.vm);
        meter.vmDown(this.created.id, sim.now);
      }
      if (this.activated !== null && this.retiredVm === null) {
        gone.push(this.activated.vm); // activated, not yet serving: the engine does not count it
        meter.vmDown(this.activated.id, sim.now);
      }
      for (const vm of gone) vm.crash();
      this.created = null;
      this.activated = null;
      this.retiredVm = null;
      this.step = null;
    }
    this.event({ kind: 'hostDown', host, atS: this.opts.sim.now / 1e9 });
    return gone;
  }

  /** No more recoveries fall due (one in progress finishes). */
  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private event(e: Parameters<typeof recoveryReducer>[1]): void {
    const before = this._state.records.length;
    const { state, actions } = recoveryReducer(this._state, e);
    this._state = state;
    if (state.records.length > before) this.opts.onRecovered?.(state.records[state.records.length - 1]!);
    for (const a of actions) this.run(a);
  }

  private done(a: RecoveryAction): void {
    if (this.step !== a) return; // its recovery was abandoned
    this.event({ kind: 'done', step: a.step, host: a.host, atS: this.opts.sim.now / 1e9 });
  }

  private run(a: RecoveryAction): void {
    const { sim, costs, meter, updates } = this.opts;
    const h = a.host;
    this.step = a;
    switch (a.step) {
      case 'checkpoint-shadow': {
        const shadow = updates.host(h).shadow;
        shadow.whenPaused(() => {
          // The image is the shadow's memory now; updates it applies meanwhile reach the new
          // shadow from the history, pinned from here on.
          if (this.step !== a) return;
          updates.pin(h, shadow.appliedSeq);
          this.pinned = shadow.appliedSeq;
          shadow.save((memory, seq) => {
            if (this.step !== a) return;
            this.image = { memory, seq };
            this.done(a);
          });
        });
        return;
      }
      case 'create-shadow': {
        const img = this.image!;
        ShadowReplica.restore(
          { sim, id: a.vm, host: h, costs, meter, image: img.memory, appliedSeq: img.seq, makeVm: (m) => this.opts.makeVm(h, m, a.vm, img.seq, img.memory) },
          (s) => {
            if (this.step !== a) {
              // made on a host that crashed meanwhile: gone with it
              s.vm.crash();
              meter.vmDown(s.id, sim.now);
              return;
            }
            this.created = s;
            this.done(a);
          },
        );
        return;
      }
      case 'activate-shadow': {
        const old = updates.host(h).shadow;
        const pending = updates.acceptedAfter(h, old.appliedSeq);
        updates.setShadow(h, this.created!);
        updates.unpin(h, this.pinned!);
        this.pinned = null;
        this.image = null;
        this.created = null;
        this.activated = old;
        old.activate(pending, () => this.done(a));
        return;
      }
      case 'switch-execution': {
        const from = updates.host(h).active;
        const to = this.activated!.vm;
        this.retiredVm = from;
        updates.setActive(h, to);
        this.opts.switchExecution(h, from, to, this.activated!.appliedSeq, () => this.done(a));
        return;
      }
      case 'discard-active': {
        const id = this.activeIds[h]!;
        this.retiredVm!.crash();
        this.retiredVm = null;
        this.activeIds[h] = this.activated!.id;
        this.activated = null;
        meter.cpu(h, costs.vmDestroyNs, 'destroy');
        sim.schedule(costs.vmDestroyNs, () => {
          meter.vmDown(id, sim.now);
          this.done(a);
        });
        return;
      }
    }
  }
}
