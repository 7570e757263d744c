import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allPages, inSendOrder, isStable, nextRateMbps, orderBits, permute, POLICIES, resolvePolicy, unpermute, SOURCE_SUSPEND_NS } from '../../../lib/engines/migration/index.js';
import { Params } from '../../../lib/params/index.js';

const params = (v: Record<string, number | string | boolean>) => new Params({ 'migration.policy': 'xen-classic', 'migration.autoConverge': false, ...v });

describe("Xen's permute order", () => {
  it('is a bijection on [0, n) and unpermute inverts it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 20 }), fc.nat(), (n, i0) => {
        const bits = orderBits(n);
        const i = i0 % n;
        const p = permute(i, n, bits);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(unpermute(p, n, bits)).toBe(i);
      }),
    );
  });
  it('matches xc_domain_save for a 512 MiB domain: a batch walks pages 1024 apart', () => {
    const n = 131072; // order_nr 17
    expect(orderBits(n)).toBe(17);
    expect([0, 1, 2, 127, 128].map((i) => permute(i, n, 17))).toEqual([0, 1024, 2048, 127 * 1024, 1]);
    const all = allPages(5000, 'xen');
    expect(new Set(all).size).toBe(5000);
  });
  it('orders a dirty list as a full scan would, in O(dirty)', () => {
    const n = 70000;
    const dirty = Int32Array.from([5, 1024, 3, 69999, 40000, 2048]).sort();
    const expected = Array.from(allPages(n, 'xen')).filter((p) => dirty.includes(p));
    expect(Array.from(inSendOrder(dirty.slice(), n, 'xen'))).toEqual(expected);
  });
});

describe('policies as data', () => {
  it('every preset resolves, and every migration.* key overrides it', () => {
    for (const p of POLICIES) expect(resolvePolicy(params({ 'migration.policy': p.name })).name).toBe(p.name);
    const q = resolvePolicy(params({ 'migration.policy': 'qemu', 'migration.maxRounds': 7, 'migration.downtimeLimitMs': 50, 'migration.maxBandwidthMiBps': 32, 'migration.autoConverge': true }));
    expect([q.maxRounds, q.downtimeLimitMs, q.maxBandwidthMiBps, q.autoConverge]).toEqual([7, 50, 32, true]);
    const x = resolvePolicy(params({ 'migration.minRateMbps': 200, 'migration.maxRateMbps': 900, 'migration.rateIncrementMbps': 10, 'migration.maxFactor': 5, 'migration.minDirtyPages': 8 }));
    expect([x.minRateMbps, x.maxRateMbps, x.rateIncrementMbps, x.maxFactor, x.minDirtyPages]).toEqual([200, 900, 10, 5, 8]);
  });
  it("Xen 3's rate: dirty rate (truncated) + 50, capped at 500, never lowered", () => {
    const p = resolvePolicy(params({}));
    expect(nextRateMbps(p, 100, 105.3)).toBe(155);
    expect(nextRateMbps(p, 100, 80)).toBe(100);
    expect(nextRateMbps(p, 155, 900)).toBe(500);
  });
  it('the stable rule: the last k counts within tol % of their mean', () => {
    expect(isStable([100, 1000, 1000, 1050], 3, 10)).toBe(true);
    expect(isStable([1000, 1200, 1000], 3, 10)).toBe(false);
    expect(isStable([1000, 1000], 3, 10)).toBe(false);
  });
  it('the suspend constant is derived from C1 (20 ms copy of 148 KiB + CPU state at 100 Mibit/s)', () => {
    expect(SOURCE_SUSPEND_NS).toBe(7_812_500);
  });
});
