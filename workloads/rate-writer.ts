import type { PageMemory } from '../lib/vm/index.js';
import { RateCarry } from './workload.js';
import type { WritePattern } from './write-pattern.js';

const NS_PER_S = 1e9;

/** What a RateWriter carries in a checkpoint: the fractional write and the pattern's position. */
export interface RateWriterState {
  readonly carry: number;
  readonly pattern: ReturnType<WritePattern['snapshot']>;
}

/**
 * Page writes at a steady rate of guest time, placed by a write pattern: the background activity
 * of the simple presets (idle, synthetic). Checkpointable, so a restored guest resumes the pattern.
 */
export class RateWriter {
  private readonly rate: RateCarry;

  constructor(
    private readonly pattern: WritePattern,
    pagesPerS: number,
  ) {
    this.rate = new RateCarry(pagesPerS / NS_PER_S);
  }

  /** The writes of guest time (fromNs, toNs]. */
  advance(memory: PageMemory, fromNs: number, toNs: number): void {
    const n = this.rate.take(fromNs, toNs);
    if (n > 0) this.pattern.write(memory, n);
  }

  snapshot(): RateWriterState {
    return { carry: this.rate.snapshot(), pattern: this.pattern.snapshot() };
  }

  restore(state: unknown): void {
    const s = state as RateWriterState;
    this.rate.restore(s.carry);
    this.pattern.restore(s.pattern);
  }
}
