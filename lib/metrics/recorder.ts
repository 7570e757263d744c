import { quantileSorted } from './quantile.js';
import { summarize, type Summary } from './summarize.js';

/**
 * Streaming collector for many samples (latencies, interarrival gaps): amortized O(1) `push` into a
 * growing Float64Array — no per-sample objects, so millions of requests stay cheap — and exact type-7
 * quantiles at the end (the buffer is sorted once and the sort is cached until the next push).
 * Exact rather than bucketed, because result values must not depend on a histogram's resolution.
 */
export class Recorder {
  private buf: Float64Array;
  private len = 0;
  private sorted: Float64Array | null = null;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(initialCapacity = 1024) {
    this.buf = new Float64Array(Math.max(1, initialCapacity));
  }

  /** Record one sample. NaN is rejected: it would silently poison the sort and every quantile. */
  push(value: number): void {
    if (Number.isNaN(value)) throw new RangeError('Recorder.push: NaN sample');
    if (this.len === this.buf.length) {
      const grown = new Float64Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.len++] = value;
    this.sum += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    this.sorted = null;
  }

  get count(): number {
    return this.len;
  }

  /** NaN when empty. */
  get mean(): number {
    return this.len === 0 ? NaN : this.sum / this.len;
  }

  /** NaN when empty. */
  get min(): number {
    return this.len === 0 ? NaN : this.lo;
  }

  /** NaN when empty. */
  get max(): number {
    return this.len === 0 ? NaN : this.hi;
  }

  /** Type-7 quantile of everything recorded so far; NaN when empty. */
  quantile(p: number): number {
    return quantileSorted(this.sortedView(), p);
  }

  /** Full summary (mean, median, p95, sd, 95 % CI of the mean). */
  summary(): Summary {
    return summarize(this.sortedView());
  }

  /** The samples in push order (a copy). */
  values(): Float64Array {
    return this.buf.slice(0, this.len);
  }

  /** The samples ascending (a copy). */
  sortedValues(): Float64Array {
    return this.sortedView().slice();
  }

  /** Forget every sample (keeps the allocated buffer). */
  clear(): void {
    this.len = 0;
    this.sum = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
    this.sorted = null;
  }

  private sortedView(): Float64Array {
    if (this.sorted === null) this.sorted = this.buf.slice(0, this.len).sort();
    return this.sorted;
  }
}
