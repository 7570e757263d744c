import { DirtyLog } from './dirty-log.js';
import { zeroedUint32 } from './recycle.js';

/** Page size of the emulated guests: 4 KiB, as on x86 (`vm.pageKiB`). */
export const DEFAULT_PAGE_BYTES = 4096;

export interface MemoryOptions {
  readonly pages: number;
  readonly pageBytes?: number;
  /** Keep the bytes of every page (guests with real state, e.g. the kvstore). */
  readonly contentBacked?: boolean;
}

/**
 * Guest memory: `pages` pages, each with a version counter (its content fingerprint: a write
 * bumps it) and, for content-backed guests, its bytes. Page state lives in typed arrays — no
 * per-page objects — so a 16 GiB guest costs 16 MiB of versions plus the dirty log.
 *
 * Log-dirty mode (Clark §3.3, the shadow-page-table trick): enabling it marks every page clean;
 * the first write to a clean page traps (counted here, charged by the vCPU cost model) and sets its
 * dirty bit; engines read and clear the dirty set atomically.
 */
export class PageMemory {
  readonly pages: number;
  readonly pageBytes: number;
  readonly versions: Uint32Array;
  readonly bytes: Uint8Array | null;
  readonly dirty: DirtyLog;
  private logDirty = false;
  /**
   * An optional second dirty log for measurement (writable working set, dirty rate over time):
   * it sees every write but never traps, so observing does not perturb the guest.
   */
  observer: DirtyLog | null = null;
  /** Further log-dirty users with a log each (see `attachDirtyLog`); empty for most guests. */
  private extraLogs: DirtyLog[] = [];
  private traps = 0;
  private _writes = 0;
  private _touchedEnd = 0;
  /**
   * Pages from this one up, as long as the guest has never written them, hold only zeros (memory
   * the guest has not touched since boot). Guests that are not content-backed declare it (their
   * preset knows how much memory holds data at the start); the default, every page, says all
   * memory holds data. Content-backed guests answer from their bytes instead.
   */
  zeroFrom: number;

  constructor(opts: MemoryOptions) {
    if (!(Number.isInteger(opts.pages) && opts.pages > 0)) throw new Error(`bad page count ${opts.pages}`);
    this.pages = opts.pages;
    this.pageBytes = opts.pageBytes ?? DEFAULT_PAGE_BYTES;
    this.versions = zeroedUint32(this.pages);
    this.bytes = opts.contentBacked ? new Uint8Array(this.pages * this.pageBytes) : null;
    this.dirty = new DirtyLog(this.pages);
    this.zeroFrom = this.pages;
  }

  /**
   * Whether `page` holds only zeros: from its bytes for content-backed memory; otherwise a page
   * at or above `zeroFrom` that was never written (a write makes a page non-zero).
   */
  isZero(page: number): boolean {
    if (this.bytes === null) return page >= this.zeroFrom && this.versions[page] === 0;
    const b = this.pageBytes;
    const o = page * b;
    if ((this.bytes.byteOffset + o) % 4 === 0 && b % 4 === 0) {
      const words = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset + o, b / 4);
      for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
      return true;
    }
    for (let i = o; i < o + b; i++) if (this.bytes[i] !== 0) return false;
    return true;
  }

  get contentBacked(): boolean {
    return this.bytes !== null;
  }

  get sizeBytes(): number {
    return this.pages * this.pageBytes;
  }

  /**
   * One past the highest page that may have been written: every page from here up still has
   * version 0 and zero bytes. The write, install and copy methods here keep it; code that writes
   * `versions` or `bytes` directly says so with `touched`. Copies and comparisons of whole images
   * stop here: pages nobody ever wrote are not even read (on a machine where the first touch of
   * fresh memory faults, that touch costs more than the copy).
   */
  get touchedEnd(): number {
    return this._touchedEnd;
  }

  /** Pages below `end` may hold non-zero versions or bytes written directly (see `touchedEnd`). */
  touched(end: number): void {
    if (end > this._touchedEnd) this._touchedEnd = Math.min(end, this.pages);
  }

  /** Total page writes since creation (every write, trapped or not). */
  get writes(): number {
    return this._writes;
  }

  get logDirtyEnabled(): boolean {
    return this.logDirty;
  }

  /** Enter log-dirty mode: every page is clean from now on. */
  enableLogDirty(): void {
    this.dirty.clear();
    this.logDirty = true;
  }

  disableLogDirty(): void {
    this.logDirty = false;
    this.dirty.clear();
  }

  /**
   * A further dirty log of its own for one more log-dirty user (verified state updates beside a
   * checkpoint stream, or an independent check): it starts clean, sees every write from now on,
   * and its owner reads and clears it without disturbing `dirty` or the other logs.
   *
   * Traps: Xen keeps one log-dirty bitmap in hardware and write-protects every page again whenever
   * any user cleans it; a write then traps once and marks the page for all users. So a write traps
   * exactly when its page is clean in at least one trapping log (`dirty` while log-dirty mode is on,
   * and every attached log) — one trap per write however many users there are.
   */
  attachDirtyLog(): DirtyLog {
    const log = new DirtyLog(this.pages);
    this.extraLogs = [...this.extraLogs, log];
    return log;
  }

  /** Stop tracking for `log` (its owner is gone). */
  detachDirtyLog(log: DirtyLog): void {
    const i = this.extraLogs.indexOf(log);
    if (i < 0) throw new Error('dirty log is not attached to this memory');
    this.extraLogs = this.extraLogs.filter((l) => l !== log);
  }

  /** Number of logs attached with `attachDirtyLog`. */
  get attachedDirtyLogs(): number {
    return this.extraLogs.length;
  }

  /** One write to `page` (its content changes). */
  write(page: number): void {
    this.versions[page]!++;
    if (page >= this._touchedEnd) this._touchedEnd = page + 1;
    this._writes++;
    if (this.observer !== null) this.observer.mark(page);
    if (this.extraLogs.length > 0) {
      if (this.markExtra(page)) this.traps++;
    } else if (this.logDirty && this.dirty.mark(page)) this.traps++;
  }

  /**
   * Mark `page` in `dirty` (when log-dirty mode is on) and every attached log: true when it was
   * clean in at least one of them, i.e. this write traps.
   */
  private markExtra(page: number): boolean {
    let trapped = this.logDirty && this.dirty.mark(page);
    const logs = this.extraLogs;
    for (let k = 0; k < logs.length; k++) if (logs[k]!.mark(page)) trapped = true;
    return trapped;
  }

  /** Writes to `pages[0..n)` in order. */
  writeMany(pages: ArrayLike<number>, n = pages.length): void {
    const versions = this.versions;
    let top = this._touchedEnd;
    if (this.observer !== null) for (let k = 0; k < n; k++) this.observer.mark(pages[k]!);
    if (this.extraLogs.length > 0) {
      let traps = 0;
      for (let k = 0; k < n; k++) {
        const p = pages[k]!;
        versions[p]!++;
        if (p >= top) top = p + 1;
        if (this.markExtra(p)) traps++;
      }
      this.traps += traps;
    } else if (this.logDirty) {
      const dirty = this.dirty;
      let traps = 0;
      for (let k = 0; k < n; k++) {
        const p = pages[k]!;
        versions[p]!++;
        if (p >= top) top = p + 1;
        if (dirty.mark(p)) traps++;
      }
      this.traps += traps;
    } else {
      for (let k = 0; k < n; k++) {
        const p = pages[k]!;
        versions[p]!++;
        if (p >= top) top = p + 1;
      }
    }
    this._touchedEnd = top;
    this._writes += n;
  }

  /** Writes to the pages [first, first + count). */
  writeRange(first: number, count: number): void {
    const end = first + count;
    if (count > 0 && end > this._touchedEnd) this._touchedEnd = end;
    if (this.observer !== null) for (let p = first; p < end; p++) this.observer.mark(p);
    if (this.extraLogs.length > 0) {
      let traps = 0;
      for (let p = first; p < end; p++) {
        this.versions[p]!++;
        if (this.markExtra(p)) traps++;
      }
      this.traps += traps;
    } else if (this.logDirty) {
      const dirty = this.dirty;
      let traps = 0;
      for (let p = first; p < end; p++) {
        this.versions[p]!++;
        if (dirty.mark(p)) traps++;
      }
      this.traps += traps;
    } else {
      for (let p = first; p < end; p++) this.versions[p]!++;
    }
    this._writes += count;
  }

  /** Write real bytes at a byte offset (content-backed guests): every touched page is written. */
  writeBytes(offset: number, data: Uint8Array): void {
    const bytes = this.requireBytes();
    if (offset < 0 || offset + data.length > bytes.length) throw new Error(`write out of memory: ${offset}+${data.length}`);
    bytes.set(data, offset);
    if (data.length === 0) return;
    const first = Math.floor(offset / this.pageBytes);
    const last = Math.floor((offset + data.length - 1) / this.pageBytes);
    this.writeRange(first, last - first + 1);
  }

  /** A copy of `length` bytes at `offset`. */
  readBytes(offset: number, length: number): Uint8Array {
    const bytes = this.requireBytes();
    if (offset < 0 || offset + length > bytes.length) throw new Error(`read out of memory: ${offset}+${length}`);
    return bytes.slice(offset, offset + length);
  }

  /** A view (no copy) of one page's bytes, for reading (writing through it bypasses `touchedEnd`). */
  pageView(page: number): Uint8Array {
    const bytes = this.requireBytes();
    return bytes.subarray(page * this.pageBytes, (page + 1) * this.pageBytes);
  }

  /** Trapped first writes since the last call (the vCPU charges their cost). */
  takeTraps(): number {
    const t = this.traps;
    this.traps = 0;
    return t;
  }

  /** Install `page` with the given version (and bytes) — how a replica image receives a page. */
  installPage(page: number, version: number, data?: Uint8Array): void {
    this.versions[page] = version;
    if (page >= this._touchedEnd) this._touchedEnd = page + 1;
    if (this.bytes !== null) {
      if (data === undefined) throw new Error(`content-backed image needs the bytes of page ${page}`);
      this.bytes.set(data, page * this.pageBytes);
    }
  }

  /** Copy one page (version and bytes) from another memory of the same geometry. */
  copyPageFrom(src: PageMemory, page: number): void {
    this.versions[page] = src.versions[page]!;
    if (page >= this._touchedEnd) this._touchedEnd = page + 1;
    if (this.bytes !== null && src.bytes !== null) {
      const o = page * this.pageBytes;
      this.bytes.set(src.bytes.subarray(o, o + this.pageBytes), o);
    }
  }

  /** A full copy (versions and bytes), without a dirty log state. */
  clone(): PageMemory {
    const m = new PageMemory({ pages: this.pages, pageBytes: this.pageBytes, contentBacked: this.contentBacked });
    m.zeroFrom = this.zeroFrom;
    m.versions.set(this.versions);
    m._touchedEnd = this._touchedEnd;
    if (this.bytes !== null) m.bytes!.set(this.bytes);
    return m;
  }

  /**
   * The first page whose version (or bytes) differs from `other`, or -1 when both are identical.
   * O(pages): the consistency invariant, checked once per switch.
   */
  firstDifference(other: PageMemory): number {
    if (other.pages !== this.pages) return 0;
    const a = this.versions;
    const b = other.versions;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    if (this.bytes !== null && other.bytes !== null) {
      const x = this.bytes;
      const y = other.bytes;
      // Four bytes at a time where both arrays allow it, then byte by byte from the first difference.
      let from = 0;
      if (x.byteOffset % 4 === 0 && y.byteOffset % 4 === 0) {
        const words = x.length >>> 2;
        const xw = new Uint32Array(x.buffer, x.byteOffset, words);
        const yw = new Uint32Array(y.buffer, y.byteOffset, words);
        let w = 0;
        while (w < words && xw[w] === yw[w]) w++;
        from = w << 2;
      }
      for (let i = from; i < x.length; i++) if (x[i] !== y[i]) return Math.floor(i / this.pageBytes);
    }
    return -1;
  }

  private requireBytes(): Uint8Array {
    if (this.bytes === null) throw new Error('memory is not content-backed');
    return this.bytes;
  }
}
