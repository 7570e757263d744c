import type { DirtyLog, PageMemory } from '../../vm/index.js';

/** What a reference memory held, at update point `seq`, in the pages written since the point before. */
export interface ChangeSet {
  readonly seq: number;
  readonly pages: Int32Array;
  readonly versions: Uint32Array;
  readonly bytes: Uint8Array;
}

/** Read and clear `log` on `source`: the pages written since, with their versions and bytes now. O(pages). */
function takeChanges(source: PageMemory, log: DirtyLog, seq: number): ChangeSet {
  const pages = log.readAndClear();
  const pb = source.pageBytes;
  const versions = new Uint32Array(pages.length);
  const bytes = new Uint8Array(pages.length * pb);
  const src = source.bytes!;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    versions[i] = source.versions[p]!;
    bytes.set(src.subarray(p * pb, (p + 1) * pb), i * pb);
  }
  return { seq, pages, versions, bytes };
}

/**
 * The reference memory's changes at every update point, kept while a shadow made later from an
 * image may need them: what `ShadowConsistency.fromImage` starts from.
 */
export class ChangeRecorder {
  private readonly log: DirtyLog;
  private sets: ChangeSet[] = [];
  private last = 0;

  constructor(private readonly source: PageMemory) {
    if (!source.contentBacked) throw new Error('a change recorder needs a content-backed memory');
    this.log = source.attachDirtyLog();
  }

  /** Update point `seq` on the reference. */
  point(seq: number): void {
    if (seq <= this.last) throw new Error(`update point ${seq} after ${this.last}`);
    this.sets.push(takeChanges(this.source, this.log, seq));
    this.last = seq;
  }

  /** The last point recorded. */
  get lastPoint(): number {
    return this.last;
  }

  /** The change sets after point `seq` (they must still be kept). */
  after(seq: number): ChangeSet[] {
    const first = this.sets[0];
    if (seq < this.last && (first === undefined || first.seq > seq + 1)) throw new Error(`changes after point ${seq} are no longer kept`);
    return this.sets.filter((c) => c.seq > seq);
  }

  /** Forget the sets up to point `seq`. */
  trim(seq: number): void {
    let k = 0;
    while (k < this.sets.length && this.sets[k]!.seq <= seq) k++;
    if (k > 0) this.sets = this.sets.slice(k);
  }

  close(): void {
    this.source.detachDirtyLog(this.log);
  }
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
  constructor(source: PageMemory, shadow: PageMemory, seq = 0, start?: { readonly mirror: PageMemory; readonly pending: ChangeSet[]; readonly lastPoint: number }) {
    if (!source.contentBacked || !shadow.contentBacked) throw new Error('shadow consistency needs content-backed memories');
    if (source.pages !== shadow.pages || source.pageBytes !== shadow.pageBytes) throw new Error('shadow and reference differ in geometry');
    this.source = source;
    this.shadow = shadow;
    // From the start: the verified state is the reference now. From an image: `start` holds it.
    this.mirror = start?.mirror ?? source.clone();
    this.log = source.attachDirtyLog();
    this.shadowLog = shadow.attachDirtyLog();
    this.mirrorSeq = seq;
    this.lastPoint = start?.lastPoint ?? seq;
    if (start !== undefined) this.changes.push(...start.pending);
    const first = shadow.firstDifference(this.mirror);
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

  /**
   * A check for a shadow made after the start from `image` (verified state as of point
   * `image.seq`), which has applied updates up to `shadowSeq` since. Called right after update point
   * `recorder.lastPoint` was recorded, before the reference writes again: the mirror is the image
   * (taken over, not copied: nothing else may use it) with the recorded changes up to `shadowSeq`,
   * the later ones are pending, and the shadow is compared with it in full now (O(VM size), once
   * per new shadow).
   */
  static fromImage(source: PageMemory, shadow: PageMemory, image: { readonly memory: PageMemory; readonly seq: number }, shadowSeq: number, recorder: ChangeRecorder): ShadowConsistency {
    const mirror = image.memory;
    const pb = mirror.pageBytes;
    const pending: ChangeSet[] = [];
    for (const set of recorder.after(image.seq)) {
      if (set.seq > shadowSeq) {
        pending.push(set);
        continue;
      }
      for (let i = 0; i < set.pages.length; i++) mirror.installPage(set.pages[i]!, set.versions[i]!, set.bytes.subarray(i * pb, (i + 1) * pb));
    }
    return new ShadowConsistency(source, shadow, shadowSeq, { mirror, pending, lastPoint: recorder.lastPoint });
  }

  /** Update point `seq` on the reference: remember what it holds now in the pages written since the last one. */
  point(seq: number): void {
    if (this.closed) throw new Error('consistency check is closed');
    if (seq <= this.lastPoint) throw new Error(`update point ${seq} after ${this.lastPoint}`);
    this.changes.push(takeChanges(this.source, this.log, seq));
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
