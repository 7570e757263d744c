import type { DirtyLog, PageMemory } from '../../vm/index.js';

interface ChangeSet {
  readonly seq: number;
  readonly pages: Int32Array;
  readonly versions: Uint32Array;
  readonly bytes: Uint8Array;
}

/** Where a shadow first differed from the verified state. */
export interface ShadowMismatch {
  readonly seq: number;
  readonly page: number;
}

/**
 * The `shadowsConsistent` invariant for one shadow: after every applied update, the shadow's bytes
 * (and page versions) equal the verified state at that update point — the memory of a correct
 * active replica when the update was captured.
 *
 * The check is independent of the update path: it watches the reference memory through a dirty log
 * of its own (not the producer's), copies the pages written between update points straight from the
 * reference, and keeps its own mirror of the state. So a page the update path drops, alters or
 * misapplies is found. It also watches the shadow's memory through a log of its own, so a write by
 * the shadow's guest itself is found too. After the full comparison at the start, each check compares
 * only the pages that can differ — those written on the reference since the previous check, those the
 * update touched and those the shadow's guest wrote — so it costs O(dirty pages), not O(VM size).
 */
export class ShadowConsistency {
  private readonly source: PageMemory;
  private readonly shadow: PageMemory;
  private readonly mirror: PageMemory;
  private readonly log: DirtyLog;
  private readonly shadowLog: DirtyLog;
  private readonly changes: ChangeSet[] = [];
  private mirrorSeq: number;
  private lastPoint: number;
  private _checks = 0;
  private _mismatch: ShadowMismatch | null = null;
  private closed = false;

  /**
   * Start watching `source` at update point `seq` (0: the start), when `shadow` is supposed to
   * equal it; they are compared in full now.
   */
  constructor(source: PageMemory, shadow: PageMemory, seq = 0) {
    if (!source.contentBacked || !shadow.contentBacked) throw new Error('shadow consistency needs content-backed memories');
    if (source.pages !== shadow.pages || source.pageBytes !== shadow.pageBytes) throw new Error('shadow and reference differ in geometry');
    this.source = source;
    this.shadow = shadow;
    this.mirror = source.clone();
    this.log = source.attachDirtyLog();
    this.shadowLog = shadow.attachDirtyLog();
    this.mirrorSeq = seq;
    this.lastPoint = seq;
    const first = shadow.firstDifference(source);
    this._checks = 1;
    if (first >= 0) this._mismatch = { seq, page: first };
  }

  /** Every check so far found the shadow equal to the verified state. */
  get consistent(): boolean {
    return this._mismatch === null;
  }

  /** The first difference found, or null. */
  get mismatch(): ShadowMismatch | null {
    return this._mismatch;
  }

  /** Comparisons made (the one at the start included). */
  get checks(): number {
    return this._checks;
  }

  /** Update point `seq` on the reference: remember what it holds now in the pages written since the last one. */
  point(seq: number): void {
    if (this.closed) throw new Error('consistency check is closed');
    if (seq <= this.lastPoint) throw new Error(`update point ${seq} after ${this.lastPoint}`);
    const pages = this.log.readAndClear();
    const pb = this.source.pageBytes;
    const versions = new Uint32Array(pages.length);
    const bytes = new Uint8Array(pages.length * pb);
    const src = this.source.bytes!;
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      versions[i] = this.source.versions[p]!;
      bytes.set(src.subarray(p * pb, (p + 1) * pb), i * pb);
    }
    this.changes.push({ seq, pages, versions, bytes });
    this.lastPoint = seq;
  }

  /**
   * The shadow has just applied update `seq`, touching `touched`: compare it with the verified state
   * at point `seq` wherever either can have changed since the last check. Returns the result.
   */
  verify(seq: number, touched: ArrayLike<number>): boolean {
    const shadow = this.shadow;
    if (seq <= this.mirrorSeq) throw new Error(`update ${seq} checked after ${this.mirrorSeq}`);
    if (seq > this.lastPoint) throw new Error(`update ${seq} checked before its point was recorded`);
    const pb = this.mirror.pageBytes;
    const candidates = new Set<number>();
    while (this.changes.length > 0 && this.changes[0]!.seq <= seq) {
      const c = this.changes.shift()!;
      for (let i = 0; i < c.pages.length; i++) {
        const p = c.pages[i]!;
        this.mirror.installPage(p, c.versions[i]!, c.bytes.subarray(i * pb, (i + 1) * pb));
        candidates.add(p);
      }
    }
    for (let i = 0; i < touched.length; i++) candidates.add(touched[i]!);
    const own = this.shadowLog.readAndClear();
    for (let i = 0; i < own.length; i++) candidates.add(own[i]!);
    this.mirrorSeq = seq;
    this._checks++;
    const bad = firstDifferentPage(shadow, this.mirror, [...candidates].sort((a, b) => a - b));
    if (bad >= 0 && this._mismatch === null) this._mismatch = { seq, page: bad };
    return bad < 0;
  }

  /** Stop watching the reference and the shadow. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.detachDirtyLog(this.log);
    this.shadow.detachDirtyLog(this.shadowLog);
  }
}

/** The first of `pages` whose version or bytes differ between `a` and `b`, or -1. */
export function firstDifferentPage(a: PageMemory, b: PageMemory, pages: ArrayLike<number>): number {
  const pb = a.pageBytes;
  const x = a.bytes;
  const y = b.bytes;
  for (let k = 0; k < pages.length; k++) {
    const p = pages[k]!;
    if (p < 0 || p >= a.pages || p >= b.pages) return p;
    if (a.versions[p] !== b.versions[p]) return p;
    if (x !== null && y !== null) {
      const o = p * pb;
      for (let i = o; i < o + pb; i++) if (x[i] !== y[i]) return p;
    }
  }
  return -1;
}
