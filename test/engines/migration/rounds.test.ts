import { describe, expect, it } from 'vitest';
import { CPU_STATE_BYTES, orderBits, unpermute } from '../../../lib/engines/migration/index.js';
import { bare, rig, writeAt, type Writes } from './rig.js';

const MS = 1_000_000;
const PAGE = 4096;
const close = (x: number) => expect.closeTo(x, 9);

/** Several writers at once. */
const all =
  (...ws: Writes[]): Writes =>
  (memory, disk, from, to) => {
    for (const w of ws) w(memory, disk, from, to);
  };

describe('round accounting (a page takes 1 ms on the stream)', () => {
  it('each round row: what it sent, how long it took, what it left dirty, and the rates of both', () => {
    // Round 1 sends all 64 pages (0–64 ms); pages 5 and 6 are written meanwhile, page 7 during round 2.
    const r = rig({ policy: bare({ stopOnNoDirty: true }), writes: all(writeAt(5, 10 * MS), writeAt(6, 20 * MS), writeAt(7, 65 * MS)) });
    r.startAt(0);
    r.sim.run();
    const m = r.migration;
    const live = { resource: 'memory', final: false, skippedPages: 0, throttlePct: 0, rateLimitMbps: null };
    expect(m.rounds).toEqual([
      { ...live, round: 1, startS: 0, pages: 64, bytes: 64 * PAGE, sentMiB: 0.25, durationMs: 64, rateMbps: close(32.768), dirtyPages: 2, dirtyRateMbps: close(1.024) },
      { ...live, round: 2, startS: close(0.064), pages: 2, bytes: 2 * PAGE, sentMiB: 2 / 256, durationMs: 2, rateMbps: close(32.768), dirtyPages: 1, dirtyRateMbps: close(16.384) },
      { ...live, round: 3, startS: close(0.066), pages: 1, bytes: PAGE, sentMiB: 1 / 256, durationMs: 1, rateMbps: close(32.768), dirtyPages: 0, dirtyRateMbps: 0 },
      // The stop phase: nothing dirty is left, only the CPU state (2 ms), charged to its duration.
      { ...live, final: true, round: 4, startS: close(0.067), pages: 0, bytes: 0, sentMiB: 0, durationMs: 2, rateMbps: 0, dirtyPages: 0, dirtyRateMbps: 0, diskBlocks: 0, stopReason: 'noDirty' },
    ]);
    expect(m.memoryRounds).toBe(4);
    expect(m.memoryPagesSent).toBe(67);
    expect(m.memoryBytesSent).toBe(67 * PAGE);
    expect(m.diskBytesSent).toBe(0);
    expect(m.lastRoundBytes).toBe(0);
    expect(m.stopReason).toBe('noDirty');
    expect([m.startNs, m.pausedNs, m.resumedNs, m.reachableNs]).toEqual([0, 67 * MS, 69 * MS, 69 * MS]);
    expect(m.memoryConsistent).toBe(true);
    expect(m.diskConsistent).toBeNull();
    expect(r.path.sends.at(-1)!.bytes).toBe(CPU_STATE_BYTES);
  });

  it('a round that sends nothing takes no time and reports rates of 0, not NaN', () => {
    const r = rig({ policy: bare({ maxRounds: 4 }) });
    r.startAt(0);
    r.sim.run();
    const rows = r.rows();
    expect(rows.map((x) => [x.round, x.pages, x.durationMs])).toEqual([
      [1, 64, 64],
      [2, 0, 0],
      [3, 0, 0],
      [4, 0, 2],
    ]);
    for (const x of rows.slice(1, 3)) {
      expect(x.rateMbps).toBe(0);
      expect(x.dirtyRateMbps).toBe(0);
    }
    expect(rows.at(-1)!.stopReason).toBe('maxRounds');
  });

  it('a run that is cut short mid-round counts the batches of the round already on the wire', () => {
    // 2048 pages with an 8-byte header each: batches of 1024 pages, 1024 × 4104 bytes, 1.026 ms per page.
    const r = rig({ pages: 2048, policy: bare({ maxRounds: 2, pageHeaderBytes: 8 }), bytesPerS: 4104 * 1000 });
    r.startAt(0);
    r.sim.run(1500 * MS);
    expect(r.migration.roundBytesSoFar).toBe(1024 * 4104);
    expect(r.migration.memoryBytesSent).toBe(0);
    r.sim.run();
    expect(r.migration.roundBytesSoFar).toBe(0);
    expect(r.rows()[0]!.bytes).toBe(2048 * 4104);
    expect(r.path.sends.map((s) => s.bytes)).toEqual([1024 * 4104, 1024 * 4104, CPU_STATE_BYTES]);
  });

  it("counts a batch of QEMU's zero-page records already on the wire too", () => {
    // A stop-and-copy of 2048 pages, 1000 of them data: batch 1 is 1000 data pages and 24 zero pages.
    const r = rig({ pages: 2048, policy: bare({ precopy: false, zeroPageBytes: 9, pageHeaderBytes: 8, capStopPhase: false }), bytesPerS: 4104 * 1000 });
    r.memory.zeroFrom = 1000;
    r.startAt(0);
    const batch1 = 1000 * 4104 + 24 * 9;
    r.sim.run(Math.ceil((batch1 / (4104 * 1000)) * 1e9) + 1);
    expect(r.path.sends.map((s) => s.bytes)).toEqual([batch1, 1024 * 9]);
    expect(r.migration.roundBytesSoFar).toBe(batch1);
    r.sim.run();
    expect(r.migration.roundBytesSoFar).toBe(0);
    expect(r.migration.memoryBytesSent).toBe(batch1 + 1024 * 9);
  });
});

describe('what ends pre-copy, as the last row reports it', () => {
  it('stop-and-copy: no live round at all', () => {
    const r = rig({ policy: bare({ precopy: false }) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.final, x.pages, x.stopReason])).toEqual([[1, true, 64, 'stopAndCopy']]);
    expect(r.memory.logDirtyEnabled).toBe(false);
  });

  it('a pre-copy policy held to a single round stops at the round cap before any live round', () => {
    const r = rig({ policy: bare({ maxRounds: 1 }) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.final, x.pages, x.stopReason])).toEqual([[1, true, 64, 'maxRounds']]);
  });
});

describe("Xen's order and skip rule (2048 pages: the first batch is pages 0–511 and 1024–1535)", () => {
  const xen = bare({ order: 'xen', skipRedirtied: true, maxRounds: 3 });
  const bits = orderBits(2048);
  const batchOf = (page: number) => Math.floor(unpermute(page, 2048, bits) / 1024);

  it('round 1 sends every page in permuted order; a page written before its batch is skipped', () => {
    expect([batchOf(600), batchOf(700), batchOf(100), batchOf(1100)]).toEqual([1, 1, 0, 0]);
    // Page 600 is written during batch 1 and is still to come (batch 2): skipped. Page 700 is written
    // after batch 2 went out: sent, and sent again next round.
    const r = rig({ pages: 2048, policy: xen, writes: all(writeAt(600, 500 * MS), writeAt(700, 1500 * MS)) });
    r.startAt(0);
    r.sim.run();
    const rows = r.rows();
    expect(rows.map((x) => [x.round, x.pages, x.skippedPages, x.dirtyPages, x.durationMs])).toEqual([
      [1, 2047, 1, 2, 2047],
      [2, 2, 0, 0, 2],
      [3, 0, 0, 0, 2],
    ]);
    expect(r.path.sends.map((s) => s.bytes / PAGE)).toEqual([1024, 1023, 2, 2]);
    expect(r.migration.memoryPagesSent).toBe(2049);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('in address order the same writes are sent where they fall (the skip rule looks at the batch to come)', () => {
    const r = rig({ pages: 2048, policy: { ...xen, order: 'address' }, writes: all(writeAt(600, 500 * MS), writeAt(1100, 500 * MS)) });
    r.startAt(0);
    r.sim.run();
    // Page 600 was in batch 1 (already sent), page 1100 in batch 2: skipped.
    expect(r.rows().map((x) => [x.round, x.pages, x.skippedPages, x.dirtyPages])).toEqual([
      [1, 2047, 1, 2],
      [2, 2, 0, 0],
      [3, 0, 0, 0],
    ]);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('every later round sends exactly the pages dirtied, whatever the memory size', () => {
    // Pages written during round 1 in both batches; round 2 sends them by list, and the target matches.
    const pages = [3, 600, 1030, 1600, 2047];
    const r = rig({ pages: 2048, policy: xen, writes: all(...pages.map((p) => writeAt(p, 1800 * MS))) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.pages, x.skippedPages, x.dirtyPages])).toEqual([
      [1, 2048, 0, 5],
      [2, 5, 0, 0],
      [3, 0, 0, 0],
    ]);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('a batch whose pages were all written again is skipped whole and puts nothing on the stream', () => {
    // Every page of batch 2 (512–1023 and 1536–2047) is written during batch 1.
    const writeBatch2: Writes = (memory, _d, from, to) => {
      if (500 * MS > from && 500 * MS <= to) {
        memory.writeRange(512, 512);
        memory.writeRange(1536, 512);
      }
    };
    const r = rig({ pages: 2048, policy: xen, writes: writeBatch2 });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.pages, x.skippedPages, x.dirtyPages])).toEqual([
      [1, 1024, 1024, 1024],
      [2, 1024, 0, 0],
      [3, 0, 0, 0],
    ]);
    expect(r.path.sends.map((s) => s.bytes / PAGE)).toEqual([1024, 1024, 2]);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('small memory (at most 1024 pages) is sent in address order, the skip rule applied page by page', () => {
    const r = rig({ pages: 64, policy: xen, writes: writeAt(9, 10 * MS) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().map((x) => [x.round, x.pages, x.skippedPages, x.dirtyPages])).toEqual([
      [1, 64, 0, 1],
      [2, 1, 0, 0],
      [3, 0, 0, 0],
    ]);
  });
});

describe('bytes on the stream', () => {
  it("QEMU's zero pages: a 9-byte record for a page of zeros, header + page for the rest", () => {
    // Pages from 1000 up were never written (zero), except page 1500.
    const r = rig({ pages: 2048, policy: bare({ precopy: false, zeroPageBytes: 9, pageHeaderBytes: 8, capStopPhase: false }) });
    r.memory.zeroFrom = 1000;
    r.memory.write(1500);
    r.startAt(0);
    r.sim.run();
    const batch1 = 24 * 9 + 1000 * 4104; // pages 1000–1023 zero
    const batch2 = 1023 * 9 + 1 * 4104; // only page 1500 holds data
    expect(r.path.sends.map((s) => s.bytes)).toEqual([batch1, batch2, CPU_STATE_BYTES]);
    expect(r.rows()[0]!.bytes).toBe(batch1 + batch2);
    expect(r.migration.memoryBytesSent).toBe(batch1 + batch2);
    expect(r.migration.lastRoundBytes).toBe(batch1 + batch2);
    expect(r.migration.memoryConsistent).toBe(true);
  });

  it('zero pages sent by list are recognised page by page', () => {
    const r = rig({ pages: 64, policy: bare({ maxRounds: 2, zeroPageBytes: 9, pageHeaderBytes: 8 }), writes: all(writeAt(40, 10 * MS), writeAt(41, 10 * MS)) });
    r.memory.zeroFrom = 32;
    r.startAt(0);
    r.sim.run();
    // Round 1: 32 data pages, 32 zero pages; the stop phase sends 40 and 41, now data.
    expect(r.path.sends.map((s) => s.bytes)).toEqual([32 * 4104 + 32 * 9, 2 * 4104, CPU_STATE_BYTES]);
  });

  it('a page header is charged to memory pages only, not to disk blocks', () => {
    const r = rig({ pages: 64, blocks: 16, disk: true, policy: bare({ precopy: false, pageHeaderBytes: 8, zeroPageBytes: 9 }) });
    r.memory.zeroFrom = 0; // memory all zeros: a disk block must not be taken for a zero page
    r.startAt(0);
    r.sim.run();
    const diskRows = r.rows().filter((x) => x.resource === 'disk');
    expect(diskRows.map((x) => x.bytes)).toEqual([16 * 4096]);
    expect(r.migration.diskBytesSent).toBe(16 * 4096);
    expect(r.migration.memoryBytesSent).toBe(64 * 9);
  });
});

describe('auto-converge judges its first period on everything sent since pre-copy began, the disk included', () => {
  // 4096 disk blocks (16 MiB, 4.096 s) go first; memory round 1 is then 4.096–6.144 s (8 MiB sent).
  // A period is "high" when more than half of what was sent in it was dirtied again; two high
  // periods in a row start the throttle at 20 %.
  const pagesAt =
    (atNs: number, count: number): Writes =>
    (memory, _d, from, to) => {
      if (atNs > from && atNs <= to) memory.writeRange(0, count);
    };
  const run = (writes: Writes, maxRounds: number) => {
    const r = rig({ pages: 2048, blocks: 4096, disk: true, policy: bare({ autoConverge: true, maxRounds }), writes });
    r.startAt(0);
    r.sim.run();
    return r;
  };

  it('1200 pages dirtied in each of the first two periods: high twice, throttled from round 3', () => {
    // 1200 pages (4.9 MB) > half of 8 MiB; then 1200 again out of 1200 sent.
    const r = run(all(pagesAt(5000 * MS, 1200), pagesAt(6500 * MS, 1200)), 4);
    const memory = r.rows().filter((x) => x.resource === 'memory');
    expect(memory.map((x) => [x.round, x.pages, x.throttlePct])).toEqual([
      [1, 2048, 0],
      [2, 1200, 0],
      [3, 1200, 20],
      [4, 0, 20],
    ]);
    expect(r.vm.vcpu.throttleFraction).toBe(0); // throttling ends with the migration
  });

  it('1010 pages dirtied in the first period are not more than half of it: throttled one period later', () => {
    const r = run(all(pagesAt(5000 * MS, 1010), pagesAt(6500 * MS, 1010), pagesAt(7500 * MS, 1010)), 5);
    const memory = r.rows().filter((x) => x.resource === 'memory');
    expect(memory.map((x) => [x.round, x.pages, x.throttlePct])).toEqual([
      [1, 2048, 0],
      [2, 1010, 0],
      [3, 1010, 0],
      [4, 1010, 20],
      [5, 0, 20],
    ]);
  });
});

describe('the switch compares the target with the source', () => {
  it('a disk change the dirty log never saw shows as an inconsistent disk', () => {
    // Block 3 changed by a replicated write (apply: not a guest write, so not tracked) mid-copy.
    const r = rig({ blocks: 16, disk: true, policy: bare({ precopy: false }) });
    r.startAt(0);
    r.sim.at(30 * MS, () => r.disk.apply({ block: 3, version: 99 }));
    r.sim.run();
    expect(r.migration.completed).toBe(true);
    expect(r.migration.memoryConsistent).toBe(true);
    expect(r.migration.diskConsistent).toBe(false);
  });
});
