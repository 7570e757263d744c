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

  constructor(size: number) {
    this.size = size;
    this.bits = new Uint32Array((size + 31) >>> 5);
    this.list = new Int32Array(Math.min(size, 1024));
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
    if (this.list.length < this.size) this.list = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) this.list[i] = i;
    this.bits.fill(0xffffffff);
    const tail = this.size & 31;
    if (tail !== 0) this.bits[this.bits.length - 1] = (1 << tail) - 1;
    this.n = this.size;
  }

  /** The dirty indices, sorted ascending, and the log cleared — atomically, in O(dirty·log dirty). */
  readAndClear(): Int32Array {
    const out = this.list.slice(0, this.n);
    this.clear();
    out.sort();
    return out;
  }

  /** The dirty indices (sorted copy) without clearing. */
  peek(): Int32Array {
    return this.list.slice(0, this.n).sort();
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
    const next = new Int32Array(Math.min(this.size, Math.max(1024, this.list.length * 2)));
    next.set(this.list);
    this.list = next;
  }
}
