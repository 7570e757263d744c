import type { Simulation, Timer } from '../../sim/index.js';
import type { CpuClaim, HostCpu } from '../../vm/index.js';

/**
 * A fixed amount of domain-0 CPU work (compressing a checkpoint) on a host CPU it may share with
 * the guest: it wants one core, progresses at the share it gets, and calls `done` when finished.
 * While it runs, a CPU-bound guest on a shared core gets only the rest (C9).
 */
export class CpuTask {
  private claim: CpuClaim | null;
  private left: number;
  private last: number;
  private timer: Timer | null = null;

  constructor(
    private readonly sim: Simulation,
    cpu: HostCpu,
    workNs: number,
    private readonly done: () => void,
  ) {
    this.left = workNs;
    this.last = sim.now;
    this.claim = null;
    if (workNs <= 0) {
      sim.schedule(0, done);
      return;
    }
    let created = false;
    this.claim = cpu.claim('remus-cpu-task', 1, () => {
      if (created) this.update();
    });
    created = true;
    this.reschedule();
  }

  /** Stop without completing (the host crashed). */
  cancel(): void {
    this.timer?.cancel();
    this.claim?.release();
    this.claim = null;
  }

  private update(): void {
    if (this.claim === null) return;
    const now = this.sim.now;
    this.left -= (now - this.last) * this.lastShare;
    this.last = now;
    this.reschedule();
  }

  private lastShare = 0;

  private reschedule(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.claim === null) return;
    const share = this.claim.share;
    this.lastShare = share;
    this.last = this.sim.now;
    if (this.left <= 1e-6) {
      this.finish();
      return;
    }
    if (share <= 0) return;
    this.timer = this.sim.schedule(Math.ceil(this.left / share), () => {
      this.left = 0;
      this.finish();
    });
  }

  private finish(): void {
    this.timer?.cancel();
    this.timer = null;
    const c = this.claim;
    this.claim = null;
    c?.release();
    this.done();
  }
}
