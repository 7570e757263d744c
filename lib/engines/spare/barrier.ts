import type { GroupRequest } from '../../replication/index.js';
import type { Nanos } from '../../sim/index.js';
import type { VM } from '../../vm/index.js';
import type { SpareRun } from './run.js';

/** How often a barrier checks whether every replica has executed up to its position, ns. */
export const BARRIER_POLL_NS = 100_000;

/**
 * The longest an activation waits for its decision (every activated shadow's reply to the
 * suspected request, or the state comparison) before deciding on what it has, in reply timeouts.
 * Also how long a request may go unanswered before it no longer holds an update back.
 */
export const ACTIVATION_DEADLINE_TIMEOUTS = 50;

interface Barrier {
  readonly pos: number;
  readonly deadline: Nanos;
  /** Also wait until every request up to the position has been answered. */
  readonly answered: boolean;
  readonly then: (ready: boolean) => void;
}

/** A request's key: its session and number. */
const requestKey = (session: number, n: number): number => session * 2 ** 32 + n;

/**
 * The order as handed to the replicas, and barriers at one of its positions: a verified update (or
 * a state comparison) is taken where every replica has executed exactly the same requests. While a
 * barrier stands, requests after its position are held back; the log of handed requests lets a
 * shadow activated later re-execute what it missed.
 */
export class UpdateBarrier {
  private readonly logSeq: number[] = [];
  private readonly logReq: GroupRequest[] = [];
  private lastLogged = -1;
  private readonly handed: number[];
  private held: Array<Array<[number, GroupRequest]>>;
  /** Requests handed to the replicas and not answered yet: their positions and when, by key. */
  private readonly outstanding = new Map<number, { seq: number; since: Nanos }>();
  private barrier: Barrier | null = null;

  /** `onLifted` runs each time a barrier is lifted (work held back by it may start). */
  constructor(
    private readonly run: SpareRun,
    private readonly onLifted: () => void,
  ) {
    this.handed = new Array<number>(run.n).fill(-1);
    this.held = run.hosts.map(() => []);
  }

  /** Whether a barrier stands. */
  get standing(): boolean {
    return this.barrier !== null;
  }

  /** The standing barrier's position. */
  get pos(): number {
    return this.barrier!.pos;
  }

  /** Request `req` ordered at `seq` for host `h`: hand it to the host's replicas, or hold it behind the barrier. */
  deliver(h: number, seq: number, req: GroupRequest): void {
    if (this.barrier !== null && seq > this.barrier.pos) {
      this.held[h]!.push([seq, req]);
      return;
    }
    this.hand(h, seq, req);
  }

  /** Request `req` was answered. */
  answered(req: GroupRequest): void {
    this.outstanding.delete(requestKey(req.session, req.n));
  }

  private hand(h: number, seq: number, req: GroupRequest): void {
    const { run } = this;
    this.handed[h] = seq;
    if (seq > this.lastLogged) {
      this.lastLogged = seq;
      this.logSeq.push(seq);
      this.logReq.push(req);
      this.outstanding.set(requestKey(req.session, req.n), { seq, since: run.sim.now });
      run.front.deliver(2 * run.n, seq, req); // the reference replica
    }
    run.front.deliver(run.voterOf.get(run.active[h]!)!, seq, req);
    if (run.shadowLive[h]) run.front.deliver(run.voterOf.get(run.standby[h]!)!, seq, req);
  }

  /** Re-execute on `vm` the requests of host `h` after position `after`, up to what `h` was handed. */
  replay(vm: VM, h: number, after: number): void {
    const v = this.run.voterOf.get(vm)!;
    const { logSeq, logReq } = this;
    let i = lowerBound(logSeq, after + 1);
    for (; i < logSeq.length && logSeq[i]! <= this.handed[h]!; i++) this.run.front.deliver(v, logSeq[i]!, logReq[i]!);
  }

  /** Drop the log up to position `keep` (no replay will start before it), in large steps. */
  trimLog(keep: number): void {
    const k = lowerBound(this.logSeq, keep + 1);
    if (k > 4096) {
      this.logSeq.splice(0, k);
      this.logReq.splice(0, k);
    }
  }

  /**
   * Hold every request after the last one handed anywhere; run `then` once every replica executed
   * up to it, or at `waitNs` with those that did not (they are then found faulty).
   */
  start(waitNs: Nanos, answered: boolean, then: (ready: boolean) => void): void {
    const { run } = this;
    let pos = -1;
    for (let h = 0; h < run.n; h++) if (run.hostUp(h)) pos = Math.max(pos, this.handed[h]!);
    this.barrier = { pos, deadline: run.sim.now + waitNs, answered, then };
    this.poll();
  }

  /** Whether `vm` on host `h` has executed every request up to the barrier's position and nothing after. */
  reached(vm: VM, h: number, pos: number): boolean {
    vm.vcpu.sync();
    return this.run.group.deliveredUpTo(h) > pos && vm.vcpu.queuedJobs === 0;
  }

  private poll(): void {
    const { run } = this;
    const b = this.barrier;
    if (b === null) return;
    let ready = true;
    for (const { vm, h } of run.executors()) if (!this.reached(vm, h, b.pos)) ready = false;
    run.refVm.vcpu.sync();
    if (run.refVm.vcpu.queuedJobs > 0 || this.lastLogged < b.pos) ready = false;
    // A request unanswered for longer than an activation may take no longer holds updates back.
    if (b.answered)
      for (const o of this.outstanding.values()) if (o.seq <= b.pos && run.sim.now - o.since < ACTIVATION_DEADLINE_TIMEOUTS * run.replyTimeoutNs) ready = false;
    if (!ready && run.sim.now < b.deadline) {
      run.sim.schedule(BARRIER_POLL_NS, () => this.poll());
      return;
    }
    b.then(ready);
    this.barrier = null;
    for (let h = 0; h < run.n; h++) {
      const q = this.held[h]!;
      this.held[h] = [];
      for (const [seq, req] of q) this.hand(h, seq, req);
    }
    this.onLifted();
  }
}

/** The first index of ascending `xs` whose value is ≥ `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
