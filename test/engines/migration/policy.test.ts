import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allPages, inSendOrder, isStable, nextRateMbps, orderBits, permute, POLICIES, resolvePolicy, stopRule, unpermute, SOURCE_SUSPEND_NS } from '../../../lib/engines/migration/index.js';
import { hasAdaptiveRate } from '../../../lib/engines/migration/policy.js';
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

describe('the presets, as their sources set them', () => {
  const get = (name: string) => resolvePolicy(params({ 'migration.policy': name }));

  it('xen-classic: xc_domain_save’s numbers and rules', () => {
    expect(get('xen-classic')).toMatchObject({
      precopy: true,
      skipRedirtied: true,
      order: 'xen',
      minRateMbps: 100,
      maxRateMbps: 500,
      rateIncrementMbps: 50,
      maxRounds: 30,
      maxFactor: 3,
      minDirtyPages: 50,
      minDirtyCounts: 'round',
      stopAtCapGrowth: true,
      downtimeLimitMs: undefined,
      stopOnNoDirty: false,
      dirtySync: 'round',
      zeroPageBytes: undefined,
      pageHeaderBytes: 0,
      capStopPhase: true,
      autoConverge: false,
    });
  });

  it('xen-modern, qemu, simgrid, textbook and stop-and-copy', () => {
    expect(get('xen-modern')).toMatchObject({ precopy: true, skipRedirtied: false, order: 'address', maxRounds: 6, minDirtyPages: 50, minDirtyCounts: 'pending', minRateMbps: undefined, stopAtCapGrowth: false });
    expect(get('qemu')).toMatchObject({
      precopy: true,
      order: 'address',
      maxBandwidthMiBps: 128,
      downtimeLimitMs: 300,
      stopOnNoDirty: true,
      dirtySync: 'threshold',
      zeroPageBytes: 9,
      pageHeaderBytes: 8,
      capStopPhase: false,
      maxRounds: undefined,
    });
    expect(get('simgrid')).toMatchObject({ precopy: true, downtimeLimitMs: 30, stopOnNoDirty: true, dirtySync: 'round', maxRounds: undefined });
    expect(get('textbook')).toMatchObject({ precopy: true, maxRounds: 30, stableRounds: 3, stableTolerancePct: 10, stopOnNoDirty: true });
    expect(get('stop-and-copy')).toMatchObject({ precopy: false, maxRounds: undefined, stopOnNoDirty: false });
  });

  it('refuses an unknown policy and a minimum rate above the maximum; a stable rule alone gets the 10 % tolerance', () => {
    expect(() => get('nope')).toThrow(/migration\.policy.*unknown policy "nope"/);
    expect(() => resolvePolicy(params({ 'migration.minRateMbps': 600 }))).toThrow(/600 exceeds migration.maxRateMbps = 500/);
    expect(resolvePolicy(params({ 'migration.minRateMbps': 500 })).minRateMbps).toBe(500); // equal is allowed
    expect(resolvePolicy(params({ 'migration.stableRounds': 4 }))).toMatchObject({ stableRounds: 4, stableTolerancePct: 10 });
    expect(resolvePolicy(params({ 'migration.stableRounds': 4, 'migration.stableTolerancePct': 2 })).stableTolerancePct).toBe(2);
    expect(resolvePolicy(params({})).stableTolerancePct).toBeUndefined();
  });
});

describe('stopRule: the first rule that fires after a live round', () => {
  const base = {
    round: 3,
    sentPages: 1000,
    skippedPages: 0,
    prevSentPages: 2000,
    totalSentPages: 10_000,
    memoryPages: 16_384,
    atRateCap: false,
    pendingPages: 500,
    pendingBytes: 500 * 4096,
    measuredBytesPerS: 0,
    pendingHistory: [900, 700, 500],
  };
  const xen = resolvePolicy(params({}));
  const policy = (name: string, extra: Record<string, number | string | boolean> = {}) => resolvePolicy(params({ 'migration.policy': name, ...extra }));

  it('goes on while no rule fires', () => {
    expect(stopRule(xen, base)).toBeNull();
    for (const p of POLICIES) expect(stopRule(resolvePolicy(params({ 'migration.policy': p.name })), base), p.name).toBeNull();
  });

  it('Xen 3: at the rate cap, a round that sent more than the one before', () => {
    expect(stopRule(xen, { ...base, atRateCap: true, sentPages: 2001 })).toBe('rateCapGrowth');
    expect(stopRule(xen, { ...base, atRateCap: true, sentPages: 2000 })).toBeNull();
    expect(stopRule(xen, { ...base, atRateCap: false, sentPages: 2001 })).toBeNull();
    expect(stopRule(policy('textbook'), { ...base, atRateCap: true, sentPages: 2001 })).toBeNull();
  });

  it('the round limit counts the stop-and-copy: round 29 of 30 is the last live one', () => {
    expect(stopRule(xen, { ...base, round: 29 })).toBe('maxRounds');
    expect(stopRule(xen, { ...base, round: 28 })).toBeNull();
    // The cap rule comes first.
    expect(stopRule(xen, { ...base, round: 29, atRateCap: true, sentPages: 2001 })).toBe('rateCapGrowth');
  });

  it('few pages: sent + skipped in the round (Xen 3) or still dirty (Xen 4), below 50', () => {
    expect(stopRule(xen, { ...base, sentPages: 30, skippedPages: 19 })).toBe('fewPages');
    expect(stopRule(xen, { ...base, sentPages: 30, skippedPages: 20 })).toBeNull();
    const modern = policy('xen-modern');
    expect(stopRule(modern, { ...base, pendingPages: 49, sentPages: 5 })).toBe('fewPages');
    expect(stopRule(modern, { ...base, pendingPages: 50, sentPages: 5 })).toBeNull();
    // Before the factor rule.
    expect(stopRule(xen, { ...base, sentPages: 10, totalSentPages: 100_000 })).toBe('fewPages');
  });

  it('more than 3× memory sent', () => {
    expect(stopRule(xen, { ...base, totalSentPages: 3 * 16_384 + 1 })).toBe('maxFactor');
    expect(stopRule(xen, { ...base, totalSentPages: 3 * 16_384 })).toBeNull();
  });

  it('no dirty page left, where the policy stops on it', () => {
    expect(stopRule(policy('textbook'), { ...base, pendingPages: 0 })).toBe('noDirty');
    expect(stopRule(policy('textbook'), { ...base, pendingPages: 1 })).toBeNull();
    expect(stopRule(policy('xen-classic', { 'migration.minDirtyPages': 0 }), { ...base, pendingPages: 0 })).toBeNull();
  });

  it('the downtime limit: what is pending fits in measured bandwidth × limit (and a round that sent nothing measures nothing)', () => {
    const simgrid = policy('simgrid');
    const bw = 100e6; // bytes/s: 30 ms carry 3 MB
    expect(stopRule(simgrid, { ...base, measuredBytesPerS: bw, pendingBytes: 3_000_000 })).toBe('downtimeLimit');
    expect(stopRule(simgrid, { ...base, measuredBytesPerS: bw, pendingBytes: 3_000_001 })).toBeNull();
    expect(stopRule(simgrid, { ...base, measuredBytesPerS: 0, pendingBytes: 0, pendingPages: 1 })).toBeNull();
    expect(stopRule(xen, { ...base, measuredBytesPerS: bw, pendingBytes: 1 })).toBeNull();
  });

  it('a stable dirty count over the last rounds, within the policy’s own tolerance', () => {
    const textbook = policy('textbook');
    expect(stopRule(textbook, { ...base, pendingHistory: [800, 500, 520, 510] })).toBe('stable');
    expect(stopRule(textbook, { ...base, pendingHistory: [800, 500, 600, 510] })).toBeNull();
    const strict = policy('textbook', { 'migration.stableTolerancePct': 2 });
    expect(stopRule(strict, { ...base, pendingHistory: [800, 500, 520, 510] })).toBeNull();
    expect(stopRule(strict, { ...base, pendingHistory: [800, 500, 505, 510] })).toBe('stable');
  });

  it('an adaptive rate is Xen 3’s alone, or any policy given a minimum or maximum rate', () => {
    expect(hasAdaptiveRate(xen)).toBe(true);
    for (const name of ['xen-modern', 'qemu', 'simgrid', 'textbook', 'stop-and-copy']) expect(hasAdaptiveRate(policy(name)), name).toBe(false);
    expect(hasAdaptiveRate(policy('qemu', { 'migration.minRateMbps': 10 }))).toBe(true);
    expect(hasAdaptiveRate(policy('qemu', { 'migration.maxRateMbps': 10 }))).toBe(true);
  });
});

describe('isStable and nextRateMbps at their edges', () => {
  it('isStable: exactly at the tolerance is stable; fewer than k counts, or k < 2, never', () => {
    expect(isStable([100, 110, 105], 3, (10 / 105) * 100)).toBe(true);
    expect(isStable([100, 111, 105], 3, (10 / 105) * 100)).toBe(false);
    expect(isStable([7, 7, 7], 1, 10)).toBe(false);
    expect(isStable([7, 7], 2, 0)).toBe(true);
    expect(isStable([1, 1000, 1000], 2, 0)).toBe(true); // only the last k count
  });
  it('nextRateMbps: a dirty rate equal to the limit keeps it; without a cap or increment the rate follows the dirty rate', () => {
    const p = resolvePolicy(params({}));
    expect(nextRateMbps(p, 200, 200)).toBe(200);
    expect(nextRateMbps(p, 200, 200.5)).toBe(250);
    expect(nextRateMbps(p, 100, 460.9)).toBe(500);
    const open = { ...p, maxRateMbps: undefined, rateIncrementMbps: undefined };
    expect(nextRateMbps(open, 100, 900.7)).toBe(900);
  });
});

describe('send order at its edges', () => {
  it('orderBits is the bit length of n − 1', () => {
    expect([1, 2, 3, 4, 5, 1024, 1025, 131072, 131073].map(orderBits)).toEqual([0, 1, 2, 2, 3, 10, 11, 17, 18]);
  });
  it('up to 1024 pages (order ≤ 10) the Xen order is the identity, above it it is not', () => {
    expect(Array.from(allPages(1024, 'xen'))).toEqual(Array.from({ length: 1024 }, (_, i) => i));
    expect(permute(5, 1024, 10)).toBe(5);
    expect(unpermute(5, 1024, 10)).toBe(5);
    const n = 1025;
    const xen = Array.from(allPages(n, 'xen'));
    expect(xen).not.toEqual(Array.from({ length: n }, (_, i) => i));
    expect([...xen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(xen.slice(0, 4)).toEqual([0, 1024, 1, 768]); // 11 bits: i → (i & 1) × 1024 + (i >> 1), repeated while ≥ n (3 → 1025 → 1536 → 768)
  });
  it('address order and small memories leave a dirty list as it is; the Xen order sorts it by scan position', () => {
    const d = Int32Array.from([1, 3, 1024, 2048]);
    expect(inSendOrder(d, 4096, 'address')).toBe(d);
    expect(Array.from(d)).toEqual([1, 3, 1024, 2048]);
    expect(Array.from(inSendOrder(Int32Array.from([1, 3, 1000]), 1024, 'xen'))).toEqual([1, 3, 1000]);
    const n = 4096; // 12 bits: position i → (i & 3) × 1024 + (i >> 2)
    expect(Array.from(inSendOrder(Int32Array.from([1, 1024, 2048, 3]), n, 'xen'))).toEqual([1024, 2048, 1, 3]);
    expect(Array.from(allPages(n, 'address')).slice(0, 3)).toEqual([0, 1, 2]);
  });
});
