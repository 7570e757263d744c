import { describe, expect, it } from 'vitest';
import { dependability, HOURS_PER_YEAR } from '../../lib/compare/index.js';

describe('dependability(measured, rates, exposure)', () => {
  it('matches a case computed by hand', () => {
    // 3 hosts, each crashing once in 8,766 h (a year): 3 crashes a year, each a 2 s outage → 6 s.
    // 3 replicas, each turning Byzantine once in 10 years: 0.3 a year, each answering wrongly 5 times
    // an hour (measured over the hour after it) until repaired after 1 h: 5 each → 1.5 a year.
    // Downtime 6 s of 31,557,600 s: unavailability 1.9013e-7, nines −log10(1.9013e-7) = 6.7210.
    const d = dependability(
      [
        { kind: 'hostCrash', outageS: 2, serviceLost: false, wrongReplies: 0, lostReplies: 1, afterS: 3 },
        { kind: 'byzantine', outageS: 0, serviceLost: false, wrongReplies: 5, lostReplies: 0, afterS: 3600 },
      ],
      [
        { kind: 'hostCrash', mttfH: HOURS_PER_YEAR, repairH: 8 },
        { kind: 'byzantine', mttfH: 10 * HOURS_PER_YEAR, repairH: 1 },
      ],
      { hosts: 3, replicas: 3 },
    );
    expect(d.downtimeSPerYear).toBeCloseTo(6, 9);
    expect(d.wrongRepliesPerYear).toBeCloseTo(1.5, 9);
    expect(d.lostRepliesPerYear).toBeCloseTo(3, 9);
    expect(d.availability).toBeCloseTo(1 - 6 / 31_557_600, 12);
    expect(d.nines!).toBeCloseTo(6.721, 3);
    expect(d.perKind.map((k) => [k.kind, k.faultsPerYear.toFixed(9), k.downtimeSPerFault])).toEqual([
      ['hostCrash', '3.000000000', 2],
      ['byzantine', '0.300000000', 0],
    ]);
  });

  it('a fault that leaves nothing serving costs its repair time', () => {
    const d = dependability([{ kind: 'hostCrash', outageS: 9, serviceLost: true, wrongReplies: 0, lostReplies: 0, afterS: 1 }], [{ kind: 'hostCrash', mttfH: HOURS_PER_YEAR / 2, repairH: 4 }], { hosts: 1, replicas: 1 });
    expect(d.downtimeSPerYear).toBe(2 * 4 * 3600);
  });

  it('no downtime is infinitely many nines (null), and an unmeasured kind adds nothing', () => {
    const d = dependability([{ kind: 'vmCrash', outageS: 0, serviceLost: false, wrongReplies: 0, lostReplies: 0, afterS: 1 }], [{ kind: 'vmCrash', mttfH: 100, repairH: 1 }, { kind: 'rmCrash', mttfH: 1, repairH: 1 }], { hosts: 2, replicas: 2 });
    expect(d.nines).toBeNull();
    expect(d.availability).toBe(1);
    expect(d.perKind.map((k) => k.kind)).toEqual(['vmCrash']);
  });
});
