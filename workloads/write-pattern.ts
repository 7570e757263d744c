import type { RandomStream } from '../lib/sim/index.js';
import type { PageMemory } from '../lib/vm/index.js';

/** Where a workload's page writes land within its working set. */
export const LOCALITIES = ['uniform', 'hotcold', 'zipf', 'sequential'] as const;
export type Locality = (typeof LOCALITIES)[number];

export interface WritePatternOptions {
  /** First page of the working set. */
  readonly base: number;
  /** Pages in the working set. */
  readonly pages: number;
  readonly locality: Locality;
  /** hotcold: fraction of the working set that is hot, and the share of writes that hit it. */
  readonly hotFraction?: number;
  readonly hotWriteShare?: number;
  /** zipf: exponent s (≈ 0.99 for YCSB-like skew). */
  readonly zipfS?: number;
}

/** A write pattern's position, as a checkpoint carries it. */
export interface WritePatternState {
  readonly cursor: number;
  readonly a: number;
  readonly b: number;
}

/**
 * Chooses pages for writes, batch by batch, from one seeded stream.
 * - `sequential`: a cursor walks the working set and wraps, so the distinct pages written by the
 *   first k writes are exactly min(k, pages).
 * - `uniform`: each window of `pages` consecutive writes is a random permutation of the working set
 *   (a random affine map i → (a + i·b) mod n with gcd(b, n) = 1), so writes are spread uniformly
 *   *and* distinct within a window: k ≤ n writes dirty exactly k pages, which is what a
 *   "dirty N pages per second" key promises.
 * - `hotcold`: a `hotWriteShare` of writes go uniformly to the hot `hotFraction` of the set.
 * - `zipf`: page ranks drawn from a Zipf(s) law by inverse CDF over a precomputed table.
 */
export class WritePattern {
  private readonly opts: WritePatternOptions;
  private readonly rng: RandomStream;
  private cursor = 0;
  private permA = 0;
  private permB = 1;
  private zipfCdf: Float64Array | null = null;
  private buf = new Int32Array(1024);

  constructor(opts: WritePatternOptions, rng: RandomStream) {
    if (!(opts.pages >= 1)) throw new Error(`working set must have at least one page (got ${opts.pages})`);
    this.opts = opts;
    this.rng = rng;
    if (opts.locality === 'uniform') this.newPermutation();
    if (opts.locality === 'zipf') this.zipfCdf = zipfTable(opts.pages, opts.zipfS ?? 0.99);
  }

  /**
   * Perform `count` page writes on `memory`. Writes that cover a run of consecutive pages — a
   * sequential sweep, or a whole window of `uniform`'s permutation (every page of the working set
   * once) — are one `writeRange`: the same pages written the same number of times, so the same
   * versions, dirty logs and traps, at a fraction of the cost (dirty logs are read sorted, so the
   * order of writes within a batch does not show). The random stream is drawn exactly as before.
   */
  write(memory: PageMemory, count: number): void {
    const { base, pages, locality } = this.opts;
    let left = count;
    if (locality === 'sequential') {
      while (left > 0) {
        const n = Math.min(left, pages - this.cursor);
        memory.writeRange(base + this.cursor, n);
        this.cursor = this.cursor + n === pages ? 0 : this.cursor + n;
        left -= n;
      }
      return;
    }
    if (locality === 'uniform') {
      while (left > 0) {
        if (this.cursor === 0 && left >= pages) {
          memory.writeRange(base, pages);
          left -= pages;
          this.newPermutation();
          continue;
        }
        // Up to the end of the current window (where the next permutation is drawn).
        const n = Math.min(left, this.buf.length, pages - this.cursor);
        this.fill(this.buf, n);
        memory.writeMany(this.buf, n);
        left -= n;
      }
      return;
    }
    while (left > 0) {
      const n = Math.min(left, this.buf.length);
      this.fill(this.buf, n);
      memory.writeMany(this.buf, n);
      left -= n;
    }
  }

  /** The next `n` pages into `out`. */
  fill(out: Int32Array, n: number): void {
    const { base, pages } = this.opts;
    switch (this.opts.locality) {
      case 'sequential': {
        let cursor = this.cursor;
        for (let k = 0; k < n; k++) {
          out[k] = base + cursor;
          cursor = cursor + 1 === pages ? 0 : cursor + 1;
        }
        this.cursor = cursor;
        return;
      }
      case 'uniform': {
        // (a + cursor·b) mod n, stepped by adding b (< n) and subtracting n once: the same integers.
        let cursor = this.cursor;
        let b = this.permB;
        let x = (this.permA + cursor * b) % pages;
        for (let k = 0; k < n; k++) {
          out[k] = base + x;
          if (++cursor === pages) {
            cursor = 0;
            this.newPermutation();
            b = this.permB;
            x = this.permA;
          } else {
            x += b;
            if (x >= pages) x -= pages;
          }
        }
        this.cursor = cursor;
        return;
      }
      case 'hotcold': {
        const hot = Math.max(1, Math.round(pages * (this.opts.hotFraction ?? 0.2)));
        const share = this.opts.hotWriteShare ?? 0.8;
        for (let k = 0; k < n; k++) {
          out[k] = this.rng.next() < share || hot === pages ? base + this.rng.int(hot) : base + hot + this.rng.int(pages - hot);
        }
        return;
      }
      case 'zipf': {
        const cdf = this.zipfCdf!;
        for (let k = 0; k < n; k++) out[k] = base + lowerBound(cdf, this.rng.next());
        return;
      }
    }
  }

  /** Pattern state for checkpoints (cursor and permutation; the stream is not rewound). */
  snapshot(): WritePatternState {
    return { cursor: this.cursor, a: this.permA, b: this.permB };
  }

  restore(s: WritePatternState): void {
    this.cursor = s.cursor;
    this.permA = s.a;
    this.permB = s.b;
  }

  private newPermutation(): void {
    const n = this.opts.pages;
    this.permA = this.rng.int(n);
    if (n === 1) {
      this.permB = 1;
      return;
    }
    for (;;) {
      const b = 1 + this.rng.int(n - 1);
      if (gcd(b, n) === 1) {
        this.permB = b;
        return;
      }
    }
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Cumulative Zipf(s) probabilities over ranks 1..n (normalised, last entry exactly 1). */
export function zipfTable(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / Math.pow(i + 1, s);
    cdf[i] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  cdf[n - 1] = 1;
  return cdf;
}

/** The first index whose value is > x (x in [0,1)). */
function lowerBound(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
