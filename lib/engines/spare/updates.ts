import { ChangeRecorder, ShadowConsistency, ShadowReplica, VerifiedUpdates } from '../../replication/shadow/index.js';
import type { PageMemory, VM } from '../../vm/index.js';
import type { UpdateBarrier } from './barrier.js';
import type { SpareRun } from './run.js';

/** What the verified updates ask of the rest of the engine. */
export interface UpdateHooks {
  /** The digests of update `seq` disagree in a way that needs a decision. */
  suspect(seq: number): void;
  /** Whether an activation is running (update points wait for it). */
  activating(): boolean;
  /** Whether a proactive recovery is running. */
  recovering(): boolean;
}

/**
 * Verified state updates: every `spare.updateIntervalMs`, at a barrier where every replica has
 * executed the same requests, the active replicas produce an update the shadows apply while
 * briefly woken (lib/replication/shadow). Each shadow is checked against the reference replica
 * after every update it applies (`shadowsConsistent`).
 */
export class VerifiedState {
  readonly updates: VerifiedUpdates;
  private readonly checks: ShadowConsistency[];
  private readonly recorder: ChangeRecorder;
  /** Images new shadows were made from (verified state as of `seq`), until their check starts. */
  private readonly shadowImages = new Map<VM, { memory: PageMemory; seq: number }>();
  /** Each update's position in the order (update 0: before the first request). */
  private readonly roundPos = new Map<number, number>([[0, -1]]);
  private readonly seenUpdateSuspicion = new Set<number>();
  /** Update points that found the order busy (a barrier or an activation) or not ready in time. */
  pointsDeferred = 0;

  constructor(
    private readonly run: SpareRun,
    private readonly barrier: UpdateBarrier,
    private readonly hooks: UpdateHooks,
  ) {
    const { sim, f, costs, network, hosts, refVm } = run;
    const shadows = run.standby.map((vm, h) => new ShadowReplica({ sim, id: vm.name, host: h, vm, costs, meter: run.shadowMeter }));
    // Each shadow starts equal to the reference replica: both loaded the same store. A shadow made
    // later is checked from its image on, with the reference's changes recorded since.
    this.checks = shadows.map((sh) => new ShadowConsistency(refVm.memory, sh.vm.memory));
    this.recorder = new ChangeRecorder(refVm.memory);
    this.updates = new VerifiedUpdates({
      sim,
      f,
      hosts: shadows.map((shadow, h) => ({ active: run.active[h]!, shadow })),
      costs,
      meter: run.shadowMeter,
      transport: { send: (from, to, bytes, done) => network.hostLink(hosts[from]!, hosts[to]!).send(bytes, { lossy: false, onDelivered: () => run.hostUp(to) && done() }) },
      digestTimeoutNs: run.replyTimeoutNs,
      checks: this.checks,
      onSuspicion: (_h, seq, decision) => {
        // Digests missing only from hosts that are down, too few left to agree: nothing new to decide.
        if (decision.missing.every((m) => !run.hostUp(m)) && (decision.accepted ? decision.dissenting.length === 0 : decision.dissenting.length <= f)) return;
        if (this.seenUpdateSuspicion.has(seq)) return;
        this.seenUpdateSuspicion.add(seq);
        hooks.suspect(seq);
      },
    });
    run.updates = this.updates;
  }

  /** The position in the order of update `seq` (−1 before the first request), if known. */
  position(seq: number): number | undefined {
    return this.roundPos.get(seq);
  }

  /** The time for an update: taken at a barrier once every request before it was answered. */
  point(): void {
    const { barrier, updates } = this;
    if (barrier.standing || this.hooks.activating()) {
      this.pointsDeferred++;
      return;
    }
    // An update covers only answered requests: a shadow activated later re-executes every request
    // whose vote may still need it.
    barrier.start(this.run.replyTimeoutNs, true, (ready) => {
      if (!ready) {
        this.pointsDeferred++;
        return;
      }
      const before = updates.records.length;
      updates.point();
      if (updates.records.length > before) {
        const seq = updates.records.length;
        this.roundPos.set(seq, barrier.pos);
        this.recorder.point(seq);
        this.checkNewShadows();
      }
      this.trimLog();
    });
  }

  /** Drop the log before the position every shadow's next replay starts from. */
  private trimLog(): void {
    let keep = Infinity;
    for (let h = 0; h < this.run.n; h++) keep = Math.min(keep, this.roundPos.get(this.updates.host(h).shadow.appliedSeq) ?? -1);
    this.barrier.trimLog(keep);
  }

  /** Start the consistency check of every shadow made since the last point (the reference is quiet now). */
  private checkNewShadows(): void {
    const { run, updates } = this;
    let keep = Infinity;
    for (let h = 0; h < run.n; h++) {
      const shadow = updates.host(h).shadow;
      const img = this.shadowImages.get(shadow.vm);
      if (run.hostUp(h) && !updates.checked(h) && img !== undefined && shadow.state !== 'activating' && shadow.state !== 'active' && shadow.state !== 'discarded') {
        updates.setCheck(h, ShadowConsistency.fromImage(run.refVm.memory, shadow.vm.memory, img, shadow.appliedSeq, this.recorder));
        this.shadowImages.delete(shadow.vm);
      }
      keep = Math.min(keep, shadow.appliedSeq);
    }
    for (const img of this.shadowImages.values()) keep = Math.min(keep, img.seq);
    // An image being made (a recovery's checkpoint, an activation's caught-up shadows) may be older.
    if (!this.hooks.activating() && !this.hooks.recovering()) this.recorder.trim(keep);
  }

  /** A new shadow's VM on host `h` with `memory`, a copy of `image` (verified state as of update `seq`). */
  newShadowVm(h: number, memory: PageMemory, id: string, seq: number, image: PageMemory): VM {
    const vm = this.run.spawnShadowVm(h, memory, id);
    this.shadowImages.set(vm, { memory: image, seq });
    return vm;
  }

  /** The most pages any replica wrote for the last update. */
  lastUpdatePages(): number {
    const r = this.updates.records[this.updates.records.length - 1];
    return r === undefined ? 0 : Math.max(...r.pages);
  }

  /** The run is over: close the update rounds and every check. */
  close(): void {
    this.updates.close();
    for (const c of this.checks) c.close();
    this.recorder.close();
  }
}
