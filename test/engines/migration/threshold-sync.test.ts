import { describe, expect, it } from 'vitest';
import { bare, rig, type Writes } from './rig.js';

const MS = 1_000_000;
const PAGE = 4096;
const close = (x: number) => expect.closeTo(x, 9);

/** Writes pages [first, first + count) at guest time `atNs`. */
const pagesAt =
  (atNs: number, first: number, count: number): Writes =>
  (memory, _d, from, to) => {
    if (atNs > from && atNs <= to) memory.writeRange(first, count);
  };
const each =
  (...ws: Writes[]): Writes =>
  (m, d, from, to) => {
    for (const w of ws) w(m, d, from, to);
  };

/*
 * QEMU's loop on 2048 pages at one page per ms: two steps of 1024 pages (0–1.024 s, 1.024–2.048 s).
 * Each step closes a bandwidth window: 4096 bytes/ms, so with a 300-ms limit the threshold is
 * exactly 300 pages' worth, and the bitmap is synced once what is left of it is below that.
 */
const qemu = bare({ dirtySync: 'threshold', downtimeLimitMs: 300, stopOnNoDirty: true, capStopPhase: false });

describe("QEMU's threshold-synced pre-copy", () => {
  it('switches over when what the sync finds fits under the threshold', () => {
    const r = rig({ pages: 2048, policy: qemu, writes: pagesAt(500 * MS, 100, 100) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows()).toEqual([
      {
        resource: 'memory',
        round: 1,
        final: false,
        startS: 0,
        pages: 2048,
        skippedPages: 0,
        bytes: 2048 * PAGE,
        sentMiB: 8,
        durationMs: 2048,
        rateMbps: close(32.768),
        dirtyPages: 100,
        dirtyRateMbps: close(1.6),
        throttlePct: 0,
        rateLimitMbps: null,
        measuredMbps: close(32.768),
        newDirtyPages: 100,
      },
      // The 100 pages, uncapped, and the CPU state: 102 ms.
      expect.objectContaining({ round: 2, final: true, pages: 100, durationMs: 102, stopReason: 'downtimeLimit' }),
    ]);
    expect(r.migration.memoryRounds).toBe(2);
    expect(r.migration.memoryPagesSent).toBe(2148);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('exactly the threshold is not below it: another iteration, then nothing dirty', () => {
    const r = rig({ pages: 2048, policy: qemu, writes: pagesAt(500 * MS, 100, 300) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.final, x.pages, x.dirtyPages, x.startS, x.durationMs, x.newDirtyPages, x.stopReason])).toEqual([
      [1, false, 2048, 300, 0, 2048, 300, undefined],
      // What is left (300 pages) is not below the threshold either: sent before the next sync.
      [2, false, 300, 0, 2.048, 300, 0, undefined],
      [3, true, 0, 0, 2.348, 2, undefined, 'noDirty'],
    ]);
    expect(r.migration.stopReason).toBe('noDirty');
  });

  it('without a downtime limit the threshold stays 0: the bitmap empties and the stop phase reads the log', () => {
    // Started at 1 s this time.
    const r = rig({ pages: 2048, policy: { ...qemu, downtimeLimitMs: undefined }, writes: each(pagesAt(1500 * MS, 7, 1), pagesAt(2500 * MS, 1500, 1)) });
    r.startAt(1000 * MS);
    r.sim.run();
    expect(r.rows()[0]).toEqual({
      resource: 'memory',
      round: 1,
      final: false,
      startS: 1,
      pages: 2048,
      skippedPages: 0,
      bytes: 2048 * PAGE,
      sentMiB: 8,
      durationMs: 2048,
      rateMbps: close(32.768),
      dirtyPages: 2, // still in the log: no sync was made
      dirtyRateMbps: close(2 * PAGE * 8 / 1e6 / 2.048),
      throttlePct: 0,
      rateLimitMbps: null,
      measuredMbps: close(32.768),
      newDirtyPages: 0,
    });
    expect(r.rows()[1]).toMatchObject({ round: 2, final: true, pages: 2, stopReason: 'noDirty' });
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('a small guest sent before the first window closes has no bandwidth measured yet', () => {
    const r = rig({ pages: 64, policy: qemu, writes: pagesAt(10 * MS, 3, 2) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.pages, x.dirtyPages, x.measuredMbps, x.newDirtyPages, x.stopReason])).toEqual([
      [1, 64, 2, 0, 0, undefined],
      [2, 2, 0, undefined, undefined, 'noDirty'],
    ]);
  });

  describe('the other stop rules apply at each sync', () => {
    // 400 pages written during round 1 and 400 others during round 2 (2.048–2.448 s): never below the threshold.
    const busy = each(pagesAt(500 * MS, 0, 400), pagesAt(2200 * MS, 1000, 400));

    it('the round cap', () => {
      const r = rig({ pages: 2048, policy: { ...qemu, maxRounds: 3 }, writes: busy });
      r.startAt(0);
      r.sim.run();
      expect(r.rows().map((x) => [x.round, x.final, x.pages, x.dirtyPages, x.newDirtyPages, x.stopReason])).toEqual([
        [1, false, 2048, 400, 400, undefined],
        [2, false, 400, 400, 400, undefined],
        [3, true, 400, 0, undefined, 'maxRounds'],
      ]);
    });

    it('the data factor: more than 1.1 × memory sent in all', () => {
      const r = rig({ pages: 2048, policy: { ...qemu, maxFactor: 1.1 }, writes: busy });
      r.startAt(0);
      r.sim.run();
      // After round 1: 2048 pages (not above 2252.8); after round 2: 2448.
      expect(r.rows().map((x) => [x.round, x.final, x.stopReason])).toEqual([
        [1, false, undefined],
        [2, false, undefined],
        [3, true, 'maxFactor'],
      ]);
    });
  });
  it('pages left in the bitmap at a sync are merged with the dirty ones, each once (address order: the top pages are left)', () => {
    // 2248 pages: after two steps (2048 pages) 200 are left (2048–2247), below the threshold: sync.
    // Pages 2100 and 2200 were written meanwhile but are still to send; page 5 was sent already.
    const r = rig({ pages: 2248, policy: qemu, writes: each(pagesAt(500 * MS, 5, 1), pagesAt(500 * MS, 2100, 1), pagesAt(500 * MS, 2200, 1)) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.final, x.pages, x.dirtyPages, x.newDirtyPages, x.stopReason])).toEqual([
      [1, false, 2048, 201, 1, undefined],
      [2, true, 201, 0, undefined, 'downtimeLimit'],
    ]);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('the rate-cap rule has no adaptive rate to be at in this loop', () => {
    // Round 3 (2.448–2.948 s) sends more pages (500) than round 2 (400) and leaves 400 dirty: with a
    // rate at its cap, Xen's rule would stop there.
    const writes = each(pagesAt(500 * MS, 0, 400), pagesAt(2200 * MS, 1000, 500), pagesAt(2800 * MS, 0, 400));
    const r = rig({ pages: 2048, policy: { ...qemu, stopAtCapGrowth: true }, writes });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.pages, x.dirtyPages, x.stopReason])).toEqual([
      [1, 2048, 400, undefined],
      [2, 400, 500, undefined],
      [3, 500, 400, undefined],
      [4, 400, 0, undefined],
      [5, 0, 0, 'noDirty'],
    ]);
  });
  it('after a sync the scan resumes after the last page sent, and goes round', () => {
    // Sync 1 (2.048 s): the 200 top pages left and pages 0–999 written meanwhile: 1200 pending, in
    // the order 2048–2247, then 0–999. Round 2's step (1024 pages, to 3.072 s) sends 2048–2247 and
    // 0–823; page 2048, written at 2.5 s after it went, is new at sync 2 beside the 176 left; page
    // 824, written then too but still to send, is counted once.
    const r = rig({ pages: 2248, policy: qemu, writes: each(pagesAt(500 * MS, 0, 1000), pagesAt(2500 * MS, 2048, 1), pagesAt(2500 * MS, 824, 1)) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.final, x.pages, x.dirtyPages, x.newDirtyPages, x.stopReason])).toEqual([
      [1, false, 2048, 1200, 1000, undefined],
      [2, false, 1024, 177, 1, undefined],
      [3, true, 177, 0, undefined, 'downtimeLimit'],
    ]);
    expect(r.migration.memoryConsistent).toBe(true);
  });
  it('the scan resumes right after the last page sent, not before it', () => {
    // As above, but round 2 also rewrites page 823 (its last page sent) and pages 1000–1999: sync 2
    // finds 1177 pending, in the order 824–1999, then 823. Round 3's step sends 824–1847; page 1847,
    // rewritten at 3.5 s after it went, is new at sync 3 beside the 153 left (1848–1999 and 823).
    const writes = each(pagesAt(500 * MS, 0, 1000), pagesAt(2500 * MS, 823, 1), pagesAt(2500 * MS, 1000, 1000), pagesAt(3500 * MS, 1847, 1));
    const r = rig({ pages: 2248, policy: qemu, writes });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.final, x.pages, x.dirtyPages, x.newDirtyPages, x.stopReason])).toEqual([
      [1, false, 2048, 1200, 1000, undefined],
      [2, false, 1024, 1177, 1001, undefined],
      [3, false, 1024, 154, 1, undefined],
      [4, true, 154, 0, undefined, 'downtimeLimit'],
    ]);
    expect(r.migration.memoryConsistent).toBe(true);
  });
});
