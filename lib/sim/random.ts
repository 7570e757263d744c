import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * A seeded random stream (xoroshiro128+ from pure-rand). Every component of a run draws from its
 * own stream, so changing one component never shifts the draws of another. All distributions are
 * built from 32-bit integers with plain arithmetic: identical on every platform.
 */
export class RandomStream {
  private readonly gen: JumpableRandomGenerator;

  constructor(gen: JumpableRandomGenerator) {
    this.gen = gen;
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) throw new Error(`int(n): bad n ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** Exponential with the given mean (inverse transform). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(mean = 0, sd = 1): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
}

/** FNV-1a over a string: a stable 32-bit hash to turn component names into stream offsets. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The random streams of one run: `stream(name)` gives each component its own independent stream,
 * derived from the run seed and the component's name only (not from the order of creation). The
 * generator is seeded with seed XOR hash(name), then jumped once (2^64 steps) so that streams of
 * neighbouring seeds do not start correlated.
 */
export class RandomStreams {
  readonly seed: number;
  private readonly made = new Set<string>();

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.seed = seed;
  }

  stream(name: string): RandomStream {
    if (this.made.has(name)) throw new Error(`random stream ${name} requested twice`);
    this.made.add(name);
    return this.make(name);
  }

  /**
   * Another stream with exactly the draws of `stream(name)`, which must exist already: the replicas
   * of one service run one deterministic program, so each gets the same guest stream.
   */
  replica(name: string): RandomStream {
    if (!this.made.has(name)) throw new Error(`random stream ${name} has no original to replicate`);
    return this.make(name);
  }

  private make(name: string): RandomStream {
    const gen = xoroshiro128plus((this.seed ^ hash32(name)) | 0);
    gen.jump();
    return new RandomStream(gen);
  }
}
