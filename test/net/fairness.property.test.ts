import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Channel } from '../../lib/net/index.js';
import { Simulation } from '../../lib/sim/index.js';

const CAPACITY_BPS = 1e9; // payload, efficiency 1
const EPS = 1e-6 * CAPACITY_BPS;

/** Flow caps in bit/s: none, or something between 1 Mbit/s and twice the capacity. */
const caps = fc.array(fc.option(fc.double({ min: 1e6, max: 2e9, noNaN: true }), { nil: undefined }), { minLength: 1, maxLength: 30 });

function ratesFor(capList: ReadonlyArray<number | undefined>): number[] {
  const sim = new Simulation();
  const ch = new Channel(sim, { bandwidthBps: CAPACITY_BPS, efficiency: 1, latencyNs: 0 });
  const flows = capList.map((c) => ch.send(1e9, { ...(c === undefined ? {} : { capBps: c }), onDelivered: () => {} }));
  return flows.map((f) => f.rateBps);
}

describe('Channel max-min fairness (property)', () => {
  it('keeps every flow at or under its cap', () => {
    fc.assert(
      fc.property(caps, (cs) => {
        const r = ratesFor(cs);
        cs.forEach((c, i) => expect(r[i]!).toBeLessThanOrEqual((c ?? Infinity) + EPS));
      }),
    );
  });

  it('uses the whole capacity when demand exceeds it, and exactly the demand otherwise', () => {
    fc.assert(
      fc.property(caps, (cs) => {
        const r = ratesFor(cs);
        const demand = cs.reduce((s: number, c) => s + (c ?? Infinity), 0);
        const total = r.reduce((s, x) => s + x, 0);
        expect(Math.abs(total - Math.min(CAPACITY_BPS, demand))).toBeLessThan(EPS);
      }),
    );
  });

  it('lets no flow gain without a smaller one losing: a flow below its cap has the largest rate', () => {
    fc.assert(
      fc.property(caps, (cs) => {
        const r = ratesFor(cs);
        const max = Math.max(...r);
        cs.forEach((c, i) => {
          if (r[i]! < (c ?? Infinity) - EPS) expect(r[i]!).toBeGreaterThan(max - EPS);
        });
      }),
    );
  });
});
