import type { Disk, DiskWrite, PageMemory, CpuState } from '../../vm/index.js';

/** A checkpoint as staged on the primary and, once it has all arrived, applied on the backup. */
export interface Checkpoint {
  /** The epoch that ended with this checkpoint (its output is released on acknowledgement). */
  readonly epoch: number;
  readonly pages: Int32Array;
  readonly versions: Uint32Array;
  /** Page contents, page after page (content-backed guests only). */
  readonly bytes: Uint8Array | null;
  readonly cpu: CpuState | null;
}

/**
 * The backup's copy of one protected VM (Remus §2.2–2.4): an in-memory image built from the last
 * complete checkpoint, the disk writes received and held per epoch, applied only when their
 * checkpoint commits; everything newer is speculative and discarded at failover.
 */
export class Replica {
  readonly image: PageMemory | null;
  readonly disk: Disk;
  private _committed = 0;
  private _committedCpu: CpuState | null;
  /** Forwarded disk writes not yet committed, in arrival order, with the epoch that wrote them. */
  private pendingWrites: Array<{ epoch: number; w: DiskWrite }> = [];
  private pendingHead = 0;
  private _applied = 0;
  private _discarded = 0;

  constructor(opts: { image: PageMemory | null; disk: Disk; cpu: CpuState | null }) {
    this.image = opts.image;
    this.disk = opts.disk;
    this._committedCpu = opts.cpu;
  }

  /** The last committed checkpoint's epoch (0: the initial synchronisation). */
  get committedEpoch(): number {
    return this._committed;
  }
  get committedCpu(): CpuState | null {
    return this._committedCpu;
  }
  get appliedWrites(): number {
    return this._applied;
  }
  get discardedWrites(): number {
    return this._discarded;
  }
  get pendingWriteCount(): number {
    return this.pendingWrites.length - this.pendingHead;
  }

  /** A disk write arrives (held until its checkpoint commits). */
  holdWrite(epoch: number, w: DiskWrite): void {
    this.pendingWrites.push({ epoch, w });
  }

  /**
   * Checkpoint `cp` (or, disk-only, the barrier of `epoch`) has fully arrived: apply its pages to
   * the image and every held write of epochs ≤ its epoch to the disk.
   */
  commit(epoch: number, cp: Checkpoint | null): void {
    if (epoch <= this._committed) throw new Error(`checkpoint ${epoch} committed after ${this._committed}`);
    if (cp !== null && this.image !== null) {
      installCheckpoint(this.image, cp);
      if (cp.cpu !== null) this._committedCpu = cp.cpu;
    }
    const q = this.pendingWrites;
    while (this.pendingHead < q.length && q[this.pendingHead]!.epoch <= epoch) {
      this.disk.apply(q[this.pendingHead++]!.w);
      this._applied++;
    }
    // When to compact changes memory use, never what is released or applied: mutating the
    // threshold gives equivalent mutants. (What compaction keeps is tested: order across it.)
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,ArithmeticOperator: equivalent (memory only)
    if (this.pendingHead > 4096 && this.pendingHead * 2 > q.length) {
      this.pendingWrites = q.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    this._committed = epoch;
  }

  /** Failover: writes of uncommitted epochs are dropped (the primary's speculative state). */
  discardUncommitted(): number {
    const n = this.pendingWriteCount;
    this._discarded += n;
    this.pendingWrites = [];
    this.pendingHead = 0;
    return n;
  }

  /** Writes still held (for the end-of-run drain check), in order. */
  heldWrites(): Array<{ epoch: number; w: DiskWrite }> {
    return this.pendingWrites.slice(this.pendingHead);
  }
}

/** Install a checkpoint's pages (versions, and bytes for content-backed guests) into an image. */
export function installCheckpoint(img: PageMemory, cp: Checkpoint): void {
  const pb = img.pageBytes;
  for (let i = 0; i < cp.pages.length; i++)
    img.installPage(cp.pages[i]!, cp.versions[i]!, cp.bytes === null ? undefined : cp.bytes.subarray(i * pb, (i + 1) * pb));
}
