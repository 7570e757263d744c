import { DirtyLog, digestPages, type PageMemory } from '../../vm/index.js';

/**
 * A state update: the pages of a replica's memory written since the last accepted update, with
 * their versions and bytes as they were at the update point, and the digest of page numbers and
 * bytes that replicas compare. Pages are in ascending order.
 */
export interface StateUpdate {
  /** The update's number: 1, 2, … (one per update point of the group). */
  readonly seq: number;
  readonly pages: Int32Array;
  readonly versions: Uint32Array;
  /** Page contents, page after page (`pageBytes` each). */
  readonly bytes: Uint8Array;
  readonly pageBytes: number;
  /** `digestPages(pages, bytes)` as the producer computed it. */
  readonly digest: string;
}

/** The digest an update's payload has (recomputed from what it carries). */
export function payloadDigest(u: StateUpdate): string {
  return digestPages(u.pages, u.bytes, u.pageBytes);
}

/**
 * A receiver's check before applying: the payload it holds matches the digest f + 1 replicas agreed
 * on. A page dropped or altered on the way (or by a faulty sender) fails it.
 */
export function payloadMatches(u: StateUpdate, acceptedDigest: string): boolean {
  return payloadDigest(u) === acceptedDigest;
}

/**
 * Produces verified state updates from one active replica's content-backed memory. It keeps a
 * dirty log of its own (`PageMemory.attachDirtyLog`), so it coexists with a checkpoint stream or a
 * migration using `memory.dirty` and with any other tracker: each reads and clears only its log.
 *
 * Pages of an update that the group did not accept are carried into the next one (`settle(false)`),
 * so a shadow that applies only accepted updates never misses a page. Capturing costs O(pages in
 * the update), never O(VM size).
 */
export class UpdateProducer {
  readonly memory: PageMemory;
  private readonly log: DirtyLog;
  /** Pages written since the last accepted update, up to the last capture. */
  private readonly pending: DirtyLog;
  private seq = 0;
  private open = false;
  private closed = false;

  constructor(memory: PageMemory) {
    if (!memory.contentBacked) throw new Error('verified state updates need a content-backed memory');
    this.memory = memory;
    this.log = memory.attachDirtyLog();
    this.pending = new DirtyLog(memory.pages);
  }

  /** The number of the last update captured (0: none). */
  get captured(): number {
    return this.seq;
  }

  /** Pages written since the last accepted update (not yet captured ones included). */
  get pendingPages(): number {
    let n = this.pending.count;
    for (const p of this.log.peek()) if (!this.pending.isDirty(p)) n++;
    return n;
  }

  /**
   * The update point: read and clear the dedicated log, and return every page written since the
   * last accepted update with its current bytes. The caller settles it before the next capture.
   * `seq` numbers it (by default the next number; a group passes its own point number, so that a
   * replica that missed a point stays in step with the others). `pagesOf`, for a replica that has
   * just joined, replaces its page list by a peer's at the same point: its own log then holds writes
   * of re-executed requests that the group's last accepted update already covers.
   */
  capture(seq = this.seq + 1, pagesOf?: Int32Array): StateUpdate {
    if (this.closed) throw new Error('update producer is closed');
    if (this.open) throw new Error(`update ${this.seq} was captured but not settled`);
    if (!(Number.isInteger(seq) && seq > this.seq)) throw new Error(`update ${seq} captured after ${this.seq}`);
    const fresh = this.log.readAndClear();
    if (pagesOf !== undefined) {
      // Joining: take the page list a peer captured at this point (see `VerifiedUpdates.setActive`).
      this.pending.clear();
      for (let i = 0; i < pagesOf.length; i++) this.pending.mark(pagesOf[i]!);
    } else for (let i = 0; i < fresh.length; i++) this.pending.mark(fresh[i]!);
    const pages = this.pending.peek();
    const mem = this.memory;
    const pb = mem.pageBytes;
    const versions = new Uint32Array(pages.length);
    const bytes = new Uint8Array(pages.length * pb);
    const src = mem.bytes!;
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      versions[i] = mem.versions[p]!;
      bytes.set(src.subarray(p * pb, (p + 1) * pb), i * pb);
    }
    this.seq = seq;
    this.open = true;
    return { seq: this.seq, pages, versions, bytes, pageBytes: pb, digest: digestPages(pages, bytes, pb) };
  }

  /** The group's decision on the last captured update: accepted pages are done with. */
  settle(accepted: boolean): void {
    if (!this.open) throw new Error('no captured update to settle');
    this.open = false;
    if (accepted) this.pending.clear();
  }

  /** Stop tracking (the replica is discarded). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.memory.detachDirtyLog(this.log);
  }
}
