import type { Nic, Packet } from '../../vm/index.js';

/** What the buffer did with a released packet, for provenance checks and timelines. */
export type ReleaseListener = (p: Packet) => void;

/**
 * Output commit at the guest's NIC (Remus §2.3 "network buffering"): every outbound packet waits
 * behind the checkpoint barrier of the epoch that produced it, and leaves the host only once that
 * checkpoint is acknowledged by the backup (`release(epoch)`). Inbound traffic is untouched.
 * Packets carry their epoch (stamped by the NIC at send), so what was released, and from which
 * epoch, is provenance — not configuration.
 *
 * `holding = false` is the unsafe mode (`remus.netBuffering=false`) and also a primary that lost
 * its backup: packets pass at once, still counted by epoch.
 */
export class OutputBuffer {
  private readonly nic: Nic;
  private queue: Array<{ p: Packet; release: (p: Packet) => void }> = [];
  private head = 0;
  private _holding: boolean;
  private _released = 0;
  private _discarded = 0;
  private _maxReleasedEpoch = -1;
  private readonly listeners: ReleaseListener[] = [];
  /** Released packets per epoch (sparse), so lost output can be counted after a failover. */
  private readonly releasedByEpoch = new Map<number, number>();

  constructor(nic: Nic, opts: { holding: boolean }) {
    this.nic = nic;
    this._holding = opts.holding;
    nic.setEgressHook((p, release) => {
      if (this._holding) this.queue.push({ p, release });
      else this.emit(p, release);
    });
  }

  get holding(): boolean {
    return this._holding;
  }
  /** Packets waiting for their checkpoint's acknowledgement. */
  get buffered(): number {
    return this.queue.length - this.head;
  }
  get released(): number {
    return this._released;
  }
  get discarded(): number {
    return this._discarded;
  }
  /** The newest epoch any released packet came from (−1 when none). */
  get maxReleasedEpoch(): number {
    return this._maxReleasedEpoch;
  }

  onRelease(l: ReleaseListener): void {
    this.listeners.push(l);
  }

  /** Checkpoint `epoch` is acknowledged: let out every packet of epochs ≤ `epoch`, in send order. */
  release(epoch: number): void {
    const q = this.queue;
    while (this.head < q.length && q[this.head]!.p.epoch <= epoch) {
      const { p, release } = q[this.head++]!;
      this.emit(p, release);
    }
    // When to compact changes memory use, never what is released or applied: mutating the
    // threshold gives equivalent mutants. (What compaction keeps is tested: order across it.)
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,ArithmeticOperator: equivalent (memory only)
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }

  /** Stop holding (unsafe mode, or the backup is gone): flush what waits, pass the rest through. */
  stopHolding(): void {
    this._holding = false;
    this.release(Number.POSITIVE_INFINITY);
  }

  /** The host failed: buffered (speculative) output is gone with it. */
  discard(): number {
    const n = this.buffered;
    this._discarded += n;
    this.queue = [];
    this.head = 0;
    return n;
  }

  /** Released packets whose epoch is in (`after`, `upTo`]: output a failover would take back. */
  releasedBetween(after: number, upTo = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (const [e, c] of this.releasedByEpoch) if (e > after && e <= upTo) n += c;
    return n;
  }

  /** Remove the hook (the VM now runs elsewhere, unprotected). */
  detach(): void {
    this.nic.setEgressHook(null);
  }

  private emit(p: Packet, release: (p: Packet) => void): void {
    this._released++;
    if (p.epoch > this._maxReleasedEpoch) this._maxReleasedEpoch = p.epoch;
    this.releasedByEpoch.set(p.epoch, (this.releasedByEpoch.get(p.epoch) ?? 0) + 1);
    for (const l of this.listeners) l(p);
    release(p);
  }
}
