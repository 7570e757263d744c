import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';

/*
 * docs/design.md#calibration rows C1 and C2, reproduced with the xen-classic policy: data sent within ±10 %, round
 * count within ±2, downtime within ±25 % (the issue's "Done when"). The workloads' dirtying was
 * fitted to these rows (see their presets); the round sizes follow from it and Xen's loop.
 */

const within = (value: number, published: number, tolPct: number): boolean => Math.abs(value - published) <= (published * tolPct) / 100;

interface Row {
  sentMiB: number;
  rounds: number;
  downtimeMs: number;
  perRound: number[];
}

function migrate(workload: string, seed: number, params: Record<string, number | string | boolean> = {}): Row {
  const r = runScenario({ engine: 'migration', workload, seed, params: { 'migration.policy': 'xen-classic', ...params } });
  expect(r.invariants.memoryConsistent).toBe(true);
  expect(r.metrics.migrationCompleted).toBe(true);
  return {
    sentMiB: r.metrics.sentMiB,
    rounds: r.metrics.rounds,
    downtimeMs: r.metrics.downtimeMs!,
    perRound: r.series.rounds!.map((x) => x.sentMiB),
  };
}

describe('C1: Quake 3 server, 64 MiB, xen-classic', () => {
  const published = { sentMiB: 88, rounds: 11, downtimeMs: 60, perRound: [56.3, 20.4, 4.6, 1.6, 1.2, 0.9, 1.1, 1.2, 0.8, 0.2, 0.1] };
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 88 MiB ±10 %, 11 ± 2 rounds, 60 ms ± 25 % downtime`, () => {
      const r = migrate('quake3', seed, { 'run.durationS': 20 });
      expect(within(r.sentMiB, published.sentMiB, 10), `sent ${r.sentMiB}`).toBe(true);
      expect(Math.abs(r.rounds - published.rounds), `rounds ${r.rounds}`).toBeLessThanOrEqual(2);
      expect(within(r.downtimeMs, published.downtimeMs, 25), `downtime ${r.downtimeMs}`).toBe(true);
      // The first two rounds carry 87 % of the data: they match within 10 % too.
      expect(within(r.perRound[0]!, 56.3, 10)).toBe(true);
      expect(within(r.perRound[1]!, 20.4, 10)).toBe(true);
    });
  }
});

describe('C2: mmuncher, 512 MiB writing a 256 MiB region, xen-classic', () => {
  const published = { sentMiB: 638, rounds: 4, downtimeMs: 3600, perRound: [255.4, 44.0, 116.0, 222.5] };
  it('638 MiB ±10 %, 4 ± 2 rounds, 3.6 s ± 25 % downtime; every round within 10 %', () => {
    const r = migrate('mmuncher', 1, { 'run.durationS': 45 });
    expect(within(r.sentMiB, published.sentMiB, 10), `sent ${r.sentMiB}`).toBe(true);
    expect(Math.abs(r.rounds - published.rounds)).toBeLessThanOrEqual(2);
    expect(within(r.downtimeMs, published.downtimeMs, 25), `downtime ${r.downtimeMs}`).toBe(true);
    expect(r.perRound.length).toBe(4);
    r.perRound.forEach((mib, i) => expect(within(mib, published.perRound[i]!, 10), `round ${i + 1}: ${mib}`).toBe(true));
  });

  it('rates as published: round 1 at 100 Mibit/s, round 2 ≈ 160, rounds 3–4 at the 500 cap', () => {
    const r = runScenario({ engine: 'migration', workload: 'mmuncher', params: { 'run.durationS': 45 } });
    const limits = r.series.rounds!.map((x) => x.rateLimitMbps as number);
    expect(limits[0]).toBe(100);
    expect(limits[1]).toBeGreaterThan(140);
    expect(limits[1]).toBeLessThan(180);
    expect(limits[2]).toBe(500);
    expect(limits[3]).toBe(500);
    expect(r.series.rounds!.at(-1)!.stopReason).toBe('rateCapGrowth');
  });
});
