import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../lib/sim/index.js';

describe('RandomStreams.stream(name)', () => {
  it('gives the same draws for the same seed and name (non-regression snapshot)', () => {
    const a = new RandomStreams(1).stream('workload');
    const draws = Array.from({ length: 5 }, () => a.uint32());
    // Snapshot: if this changes, every simulated result changes — bump MODEL_VERSION.
    expect(draws).toMatchInlineSnapshot(`
      [
        3986639697,
        2442994067,
        1645423237,
        135261845,
        132674380,
      ]
    `);
    const b = new RandomStreams(1).stream('workload');
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(draws);
  });

  it('gives independent streams per component, whatever the creation order', () => {
    const s1 = new RandomStreams(7);
    const w1 = s1.stream('workload');
    const c1 = s1.stream('clients');
    const s2 = new RandomStreams(7);
    const c2 = s2.stream('clients');
    const w2 = s2.stream('workload');
    const a = [w1.uint32(), c1.uint32()];
    expect([w2.uint32(), c2.uint32()]).toEqual(a);
    expect(a[0]).not.toBe(a[1]);
  });

  it('differs between seeds', () => {
    const x = new RandomStreams(1).stream('net').uint32();
    const y = new RandomStreams(2).stream('net').uint32();
    expect(x).not.toBe(y);
  });

  it('refuses to hand out the same stream twice', () => {
    const s = new RandomStreams(1);
    s.stream('faults');
    expect(() => s.stream('faults')).toThrow(/twice/);
  });
});

describe('RandomStreams.replica(name)', () => {
  it('draws exactly what the original stream draws (the replicas of one service), and needs one', () => {
    const streams = new RandomStreams(9);
    const a = streams.stream('workload');
    const b = streams.replica('workload');
    const other = streams.stream('clients');
    const xs = Array.from({ length: 50 }, () => a.uint32());
    expect(Array.from({ length: 50 }, () => b.uint32())).toEqual(xs);
    expect(other.uint32()).not.toBe(xs[0]);
    expect(() => streams.replica('engine')).toThrow(/no original/);
  });
});

describe('RandomStream distributions', () => {
  it('next() is in [0, 1) with mean ≈ 1/2', () => {
    const r = new RandomStreams(3).stream('t');
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
  });

  it('int(n) covers [0, n) evenly', () => {
    const r = new RandomStreams(4).stream('t');
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });

  it('exponential(mean) has the requested mean', () => {
    const r = new RandomStreams(5).stream('t');
    let sum = 0;
    for (let i = 0; i < 50000; i++) sum += r.exponential(20);
    expect(sum / 50000).toBeGreaterThan(19.5);
    expect(sum / 50000).toBeLessThan(20.5);
  });
});
