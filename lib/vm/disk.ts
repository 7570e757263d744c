import { DirtyLog } from './dirty-log.js';

export const DEFAULT_BLOCK_BYTES = 4096;

/** A write as engines observe it. */
export interface DiskWrite {
  readonly block: number;
  readonly version: number;
  /** The bytes written (content-backed disks only). */
  readonly data?: Uint8Array;
}

export type DiskWriteListener = (w: DiskWrite) => void;

/**
 * A virtual disk: blocks with versions (and bytes when content-backed). Writes are observable:
 * Remus forwards each write to the backup; migration's disk pre-copy reads the dirty log.
 */
export class Disk {
  readonly blocks: number;
  readonly blockBytes: number;
  readonly dirty: DirtyLog;
  private readonly contentBacked: boolean;
  private _versions: Uint32Array | null = null;
  private _bytes: Uint8Array | null = null;
  private tracking = false;
  private listeners: DiskWriteListener[] = [];
  private _writes = 0;

  constructor(blocks: number, opts: { blockBytes?: number; contentBacked?: boolean } = {}) {
    if (!(Number.isInteger(blocks) && blocks > 0)) throw new Error(`bad block count ${blocks}`);
    this.blocks = blocks;
    this.blockBytes = opts.blockBytes ?? DEFAULT_BLOCK_BYTES;
    this.contentBacked = opts.contentBacked === true;
    this.dirty = new DirtyLog(blocks);
  }

  /**
   * Each block's version (0: never written). Allocated on first use, zeroed, as it would have been
   * at construction: most runs never touch their guest's disk, and a 1 GiB disk's versions are 1 MiB
   * to allocate and clear for every run and every twin.
   */
  get versions(): Uint32Array {
    return (this._versions ??= new Uint32Array(this.blocks));
  }

  /** The blocks' bytes (content-backed disks; null otherwise), allocated on first use like `versions`. */
  get bytes(): Uint8Array | null {
    if (!this.contentBacked) return null;
    return (this._bytes ??= new Uint8Array(this.blocks * this.blockBytes));
  }

  get writes(): number {
    return this._writes;
  }

  /** Track written blocks in the dirty log (disk pre-copy). */
  startTracking(): void {
    this.dirty.clear();
    this.tracking = true;
  }

  stopTracking(): void {
    this.tracking = false;
    this.dirty.clear();
  }

  /** Observe every write (returns an unsubscribe function). */
  onWrite(listener: DiskWriteListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  write(block: number, data?: Uint8Array): void {
    if (block < 0 || block >= this.blocks) throw new Error(`block ${block} out of disk (${this.blocks} blocks)`);
    const version = ++this.versions[block]!;
    this._writes++;
    if (this.bytes !== null) {
      if (data === undefined || data.length !== this.blockBytes) throw new Error('content-backed disk needs a full block of bytes');
      this.bytes.set(data, block * this.blockBytes);
    }
    if (this.tracking) this.dirty.mark(block);
    if (this.listeners.length > 0) {
      const w: DiskWrite = data === undefined ? { block, version } : { block, version, data: data.slice() };
      for (const l of this.listeners) l(w);
    }
  }

  /** Apply a replicated write on a replica disk. */
  apply(w: DiskWrite): void {
    this.versions[w.block] = w.version;
    if (this.bytes !== null && w.data !== undefined) this.bytes.set(w.data, w.block * this.blockBytes);
  }

  readBlock(block: number): Uint8Array | undefined {
    return this.bytes === null ? undefined : this.bytes.slice(block * this.blockBytes, (block + 1) * this.blockBytes);
  }

  clone(): Disk {
    const d = new Disk(this.blocks, { blockBytes: this.blockBytes, contentBacked: this.bytes !== null });
    d.versions.set(this.versions);
    if (this.bytes !== null) d.bytes!.set(this.bytes);
    return d;
  }

  /** The first block that differs from `other`, or -1. */
  firstDifference(other: Disk): number {
    if (other.blocks !== this.blocks) return 0;
    for (let i = 0; i < this.blocks; i++) if (this.versions[i] !== other.versions[i]) return i;
    if (this.bytes !== null && other.bytes !== null) {
      for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] !== other.bytes[i]) return Math.floor(i / this.blockBytes);
    }
    return -1;
  }
}
