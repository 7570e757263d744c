import { zeroedInt32, zeroedUint32 } from './recycle.js';

/**
 * A dirty log over `size` units (pages or disk blocks): a bitmap for O(1) tests plus a list of the
 * dirty indices, so reading and clearing the set costs O(dirty), not O(size) — as Xen's
 * "clean" operation on the log-dirty bitmap costs per dirty page, not per page of the VM.
 */
export class DirtyLog {
  readonly size: number;
  private readonly bits: Uint32Array;
  private list: Int32Array;
  private n = 0;
  /** For reading the log in order: one bit per bitmap word (seen yet), and the words seen. */
  private readonly seen: Uint32Array;
  private words: Int32Array;

  constructor(size: number) {
    this.size = size;
    this.bits = zeroedUint32((size + 31) >>> 5);
    this.list = zeroedInt32(Math.min(size, 1024));
    this.seen = new Uint32Array((this.bits.length + 31) >>> 5);
    this.words = new Int32Array(Math.min(this.bits.length, 64));
  }

  /** Number of dirty units. */
  get count(): number {
    return this.n;
  }

  isDirty(i: number): boolean {
    return (this.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Mark `i` dirty; true when it was clean (the first write since the last read: a trap). */
  mark(i: number): boolean {
    const w = i >>> 5;
    const b = 1 << (i & 31);
    const word = this.bits[w]!;
    if ((word & b) !== 0) return false;
    this.bits[w] = word | b;
    if (this.n === this.list.length) this.grow();
    this.list[this.n++] = i;
    return true;
  }

  /** Mark every unit dirty (stop-and-copy of everything, or round 1 of a pre-copy). */
  markAll(): void {
    this.clear();
    if (this.list.length < this.size) this.list = zeroedInt32(this.size);
    for (let i = 0; i < this.size; i++) this.list[i] = i;
    this.bits.fill(0xffffffff);
    const tail = this.size & 31;
    if (tail !== 0) this.bits[this.bits.length - 1] = (1 << tail) - 1;
    this.n = this.size;
  }

  /**
   * The dirty indices, sorted ascending, and the log cleared — atomically, in O(dirty + w·log w)
   * for the w bitmap words they touch (`readSorted`).
   */
  readAndClear(): Int32Array {
    const out = zeroedInt32(this.n);
    this.readSorted(out, true);
    this.n = 0;
    return out;
  }

  /**
   * `readAndClear` into the caller's buffer (at least `count` long; a reused one saves allocating a
   * fresh array per read): returns how many indices it wrote.
   */
  readAndClearInto(out: Int32Array): number {
    const n = this.n;
    if (out.length < n) throw new Error(`dirty log: a buffer of ${out.length} for ${n} indices`);
    this.readSorted(out, true);
    this.n = 0;
    return n;
  }

  /** The dirty indices (sorted copy) without clearing. */
  peek(): Int32Array {
    const out = new Int32Array(this.n);
    this.readSorted(out, false);
    return out;
  }

  /**
   * Every dirty index into `out`, ascending, clearing the bitmap when `clear`. Instead of sorting
   * the indices, it sorts the bitmap words they fall in — far fewer where writes cluster (a hot
   * set, a sequential sweep: up to 32 pages a word) — then reads each word's bits in order.
   */
  private readSorted(out: Int32Array, clear: boolean): void {
    const n = this.n;
    const list = this.list;
    const bits = this.bits;
    const seen = this.seen;
    if (this.words.length < Math.min(n, bits.length)) this.words = new Int32Array(Math.min(bits.length, Math.max(n, 2 * this.words.length)));
    const words = this.words;
    let m = 0;
    for (let k = 0; k < n; k++) {
      const w = list[k]! >>> 5;
      const sw = w >>> 5;
      const sb = 1 << (w & 31);
      if ((seen[sw]! & sb) === 0) {
        seen[sw] = seen[sw]! | sb;
        words[m++] = w;
      }
    }
    sortAscending(words, m);
    let k = 0;
    for (let j = 0; j < m; j++) {
      const w = words[j]!;
      seen[w >>> 5] = 0; // every bit set there is a word of this list, all read here
      let word = bits[w]!;
      if (clear) bits[w] = 0;
      const base = w << 5;
      while (word !== 0) {
        const low = word & -word;
        out[k++] = base + 31 - Math.clz32(low);
        word ^= low;
      }
    }
  }

  /** Clear in O(dirty). */
  clear(): void {
    const list = this.list;
    const bits = this.bits;
    if (this.n > this.size >>> 4) bits.fill(0);
    else for (let k = 0; k < this.n; k++) bits[list[k]! >>> 5] = 0;
    this.n = 0;
  }

  private grow(): void {
    const next = zeroedInt32(Math.min(this.size, Math.max(1024, this.list.length * 2)));
    next.set(this.list);
    this.list = next;
  }
}

/** Up to this many values are sorted by insertion (no call into the engine's sort). */
const INSERTION_MAX = 24;

/** Sort the distinct values `a[0..n)` ascending in place. */
function sortAscending(a: Int32Array, n: number): void {
  if (n > INSERTION_MAX) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i;
    while (j > 0 && a[j - 1]! > x) {
      a[j] = a[j - 1]!;
      j--;
    }
    a[j] = x;
  }
}
