import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  faultBoundHeld,
  faultyIntervals,
  maxFaultyPerWindow,
  plannedReplacements,
  rotationWindowS,
  type InjectedFault,
  type Replacement,
} from '../../../lib/replication/shadow/index.js';

describe('faultyIntervals', () => {
  it('a fault lasts until its host is next replaced; faults on one replica merge', () => {
    const iv = faultyIntervals(
      [
        { host: 1, atS: 5 },
        { host: 1, atS: 8 },
        { host: 1, atS: 25 },
        { host: 0, atS: 3 },
      ],
      [
        { host: 1, atS: 20 },
        { host: 0, atS: 10 },
        { host: 1, atS: 40 },
      ],
    );
    expect(iv).toEqual([
      { host: 0, generation: 0, fromS: 3, toS: 10 },
      { host: 1, generation: 0, fromS: 5, toS: 20 },
      { host: 1, generation: 1, fromS: 25, toS: 40 },
    ]);
  });

  it('a fault at the instant of a replacement hits the new replica; no replacement: faulty for good', () => {
    expect(faultyIntervals([{ host: 0, atS: 10 }], [{ host: 0, atS: 10 }])).toEqual([{ host: 0, generation: 1, fromS: 10, toS: Infinity }]);
  });

  it('refuses negative or NaN times', () => {
    expect(() => faultyIntervals([{ host: 0, atS: -1 }], [])).toThrow(/fault time -1/);
    expect(() => faultyIntervals([], [{ host: 0, atS: Number.NaN }])).toThrow(/replacement time NaN/);
  });
});

describe('faultBoundHeld', () => {
  it('f faults at once hold; f + 1 at once do not', () => {
    for (const f of [1, 2, 3]) {
      const faults = (n: number): InjectedFault[] => Array.from({ length: n }, (_, h) => ({ host: h, atS: 10 }));
      expect(faultBoundHeld(faults(f), f, 30)).toBe(true);
      expect(faultBoundHeld(faults(f + 1), f, 30)).toBe(false);
    }
  });

  it('two faults further apart than a rotation, each cleared by recovery, hold for f = 1', () => {
    // R = 10, W = 20: host 1 recovered at 20, 40, …; host 0 at 10, 30, …
    const rep = plannedReplacements(1, 10, 100);
    expect(faultBoundHeld([{ host: 1, atS: 5 }, { host: 0, atS: 41 }], 1, 10, rep)).toBe(true);
    // host 1 faulty over [5, 20); a fault at 39 opens a window [19, 39] that meets both.
    expect(faultBoundHeld([{ host: 1, atS: 5 }, { host: 0, atS: 39 }], 1, 10, rep)).toBe(false);
    // exactly W after the first one was cleared: the windows only touch.
    expect(faultBoundHeld([{ host: 1, atS: 5 }, { host: 0, atS: 40 }], 1, 10, rep)).toBe(true);
  });

  it('without recovery every faulty replica of the run counts', () => {
    expect(faultBoundHeld([{ host: 0, atS: 1 }, { host: 1, atS: 1000 }], 1, null)).toBe(false);
    expect(faultBoundHeld([{ host: 0, atS: 1 }, { host: 0, atS: 1000 }], 1, null)).toBe(true);
    expect(faultBoundHeld([], 0, null)).toBe(true);
  });

  it('without replacements, recovery configured or not, two faults on one replica count once', () => {
    expect(faultBoundHeld([{ host: 2, atS: 1 }, { host: 2, atS: 500 }], 1, 10)).toBe(true);
  });

  it('rotationWindowS and plannedReplacements', () => {
    expect(rotationWindowS(2, 10)).toBe(30);
    expect(rotationWindowS(1, null)).toBe(Infinity);
    expect(() => rotationWindowS(1, 0)).toThrow(/recovery interval 0/);
    expect(() => rotationWindowS(-1, 1)).toThrow(/f=-1/);
    expect(plannedReplacements(2, 10, 45, 2)).toEqual([
      { host: 0, atS: 12 },
      { host: 1, atS: 22 },
      { host: 2, atS: 32 },
      { host: 0, atS: 42 },
    ]);
  });

  const schedule = fc.record({
    f: fc.integer({ min: 1, max: 3 }),
    r: fc.integer({ min: 1, max: 20 }),
    faults: fc.array(fc.record({ host: fc.integer({ min: 0, max: 3 }), atS: fc.integer({ min: 0, max: 200 }) }), { maxLength: 8 }),
    replacements: fc.array(fc.record({ host: fc.integer({ min: 0, max: 3 }), atS: fc.integer({ min: 0, max: 200 }) }), { maxLength: 12 }),
  });

  /** Brute force: with integer ends the deepest overlap contains a half-integer window start. */
  function bruteForce(faults: InjectedFault[], reps: Replacement[], w: number): number {
    const iv = faultyIntervals(faults, reps).map((x) => ({ a: x.fromS, c: Math.min(x.toS, 1e6) }));
    let max = 0;
    for (let t = -w - 1; t <= 400; t += 0.5) {
      const n = iv.filter((x) => x.a < t + w && t < x.c).length;
      if (n > max) max = n;
    }
    return max;
  }

  it('property: the sweep equals a brute-force scan of window starts', () => {
    fc.assert(
      fc.property(schedule, ({ f, r, faults, replacements }) => {
        const w = rotationWindowS(f, r);
        const max = maxFaultyPerWindow(faultyIntervals(faults, replacements), w);
        expect(max).toBe(bruteForce(faults, replacements, w));
        expect(faultBoundHeld(faults, f, r, replacements)).toBe(max <= f);
      }),
      { numRuns: 150 },
    );
  });

  it('property: at most f faults in the whole run always hold; f + 1 simultaneous ones on distinct hosts never do', () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: 0, max: 200 }), ({ f, r, faults, replacements }, at) => {
        expect(faultBoundHeld(faults.slice(0, f), f, r, replacements)).toBe(true);
        const together = Array.from({ length: f + 1 }, (_, h) => ({ host: h, atS: at }));
        const rep = replacements.filter((x) => x.atS !== at);
        expect(faultBoundHeld([...faults, ...together], f, r, rep)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
