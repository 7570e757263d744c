import type { Disk, PageMemory } from '../../vm/index.js';

/**
 * What the primary looked like at one checkpoint capture, taken independently of dirty tracking
 * (a copy of every page's and block's version), so that the backup's image — built only from the
 * replication stream — can be checked against it at failover. Only kept when a crash is
 * scheduled; O(VM pages) per checkpoint, buffers pooled.
 */
export interface CaptureSnapshot {
  readonly epoch: number;
  readonly memVersions: Uint32Array | null;
  readonly diskVersions: Uint32Array;
}

export class SnapshotKeeper {
  private readonly live = new Map<number, CaptureSnapshot>();
  private readonly poolMem: Uint32Array[] = [];
  private readonly poolDisk: Uint32Array[] = [];

  take(epoch: number, memory: PageMemory | null, disk: Disk): void {
    const mem = memory === null ? null : (this.poolMem.pop() ?? new Uint32Array(memory.pages));
    if (mem !== null && memory !== null) mem.set(memory.versions);
    const dv = this.poolDisk.pop() ?? new Uint32Array(disk.blocks);
    dv.set(disk.versions);
    this.live.set(epoch, { epoch, memVersions: mem, diskVersions: dv });
  }

  get(epoch: number): CaptureSnapshot | undefined {
    return this.live.get(epoch);
  }

  /** Checkpoint `epoch` committed: older snapshots are no longer needed. */
  committed(epoch: number): void {
    for (const [e, s] of this.live) {
      if (e >= epoch) continue;
      if (s.memVersions !== null) this.poolMem.push(s.memVersions);
      this.poolDisk.push(s.diskVersions);
      this.live.delete(e);
    }
  }
}

/**
 * memoryConsistent at failover: the backup's image equals the primary at the last committed
 * capture — every page's version, and the bytes of every page the primary has not written since
 * (its current bytes are then the captured ones). Returns the first bad page or −1.
 */
export function imageMismatch(image: PageMemory, snap: Uint32Array, primary: PageMemory): number {
  const v = image.versions;
  for (let p = 0; p < v.length; p++) if (v[p] !== snap[p]) return p;
  if (image.bytes !== null && primary.bytes !== null) {
    const pb = image.pageBytes;
    for (let p = 0; p < v.length; p++) {
      if (primary.versions[p] !== snap[p]) continue;
      const o = p * pb;
      for (let i = o; i < o + pb; i++) if (image.bytes[i] !== primary.bytes[i]) return p;
    }
  }
  return -1;
}

/** diskConsistent at failover: the backup disk holds exactly the committed writes. */
export function diskMismatch(disk: Disk, snap: Uint32Array): number {
  const v = disk.versions;
  for (let b = 0; b < v.length; b++) if (v[b] !== snap[b]) return b;
  return -1;
}

/*
 * Sparse copies and comparisons: a page or block that was never written (version 0) is all
 * zeros, so only written ones need their bytes copied or compared. A content-backed 1 GiB disk
 * then costs its written blocks, not a gigabyte per copy.
 */

/** A copy of `m` (versions, and the bytes of written pages). */
export function sparseCloneMemory(m: PageMemory): PageMemory {
  const c = new (m.constructor as new (o: { pages: number; pageBytes: number; contentBacked: boolean }) => PageMemory)({
    pages: m.pages,
    pageBytes: m.pageBytes,
    contentBacked: m.contentBacked,
  });
  c.versions.set(m.versions);
  c.touched(m.touchedEnd);
  if (m.bytes !== null && c.bytes !== null) {
    const pb = m.pageBytes;
    for (let p = 0; p < m.pages; p++) if (m.versions[p] !== 0) c.bytes.set(m.bytes.subarray(p * pb, (p + 1) * pb), p * pb);
  }
  return c;
}

/** A copy of `d` (versions, and the bytes of written blocks). */
export function sparseCloneDisk(d: Disk): Disk {
  const c = new (d.constructor as new (blocks: number, o: { blockBytes: number; contentBacked: boolean }) => Disk)(d.blocks, {
    blockBytes: d.blockBytes,
    contentBacked: d.bytes !== null,
  });
  c.versions.set(d.versions);
  if (d.bytes !== null && c.bytes !== null) {
    const bb = d.blockBytes;
    for (let b = 0; b < d.blocks; b++) if (d.versions[b] !== 0) c.bytes.set(d.bytes.subarray(b * bb, (b + 1) * bb), b * bb);
  }
  return c;
}

/** First unit (page or block) whose version or bytes differ, comparing bytes only where written. */
function firstDiff(va: Uint32Array, vb: Uint32Array, ba: Uint8Array | null, bb: Uint8Array | null, unit: number): number {
  if (va.length !== vb.length) return 0;
  for (let i = 0; i < va.length; i++) if (va[i] !== vb[i]) return i;
  if (ba === null || bb === null) return -1;
  for (let i = 0; i < va.length; i++) {
    if (va[i] === 0) continue;
    const o = i * unit;
    for (let k = o; k < o + unit; k++) if (ba[k] !== bb[k]) return i;
  }
  return -1;
}

export function memoryDifference(a: PageMemory, b: PageMemory): number {
  return firstDiff(a.versions, b.versions, a.bytes, b.bytes, a.pageBytes);
}

export function diskDifference(a: Disk, b: Disk): number {
  return firstDiff(a.versions, b.versions, a.bytes, b.bytes, a.blockBytes);
}
