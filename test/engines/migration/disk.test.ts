import { describe, expect, it } from 'vitest';
import { CPU_STATE_BYTES } from '../../../lib/engines/migration/index.js';
import { bare, rig, type Writes } from './rig.js';

const MS = 1_000_000;
const BLOCK = 4096;

/** Writes blocks [first, first + count) at guest time `atNs`. */
const blocksAt =
  (atNs: number, first: number, count: number, data?: (b: number) => Uint8Array): Writes =>
  (_m, disk, from, to) => {
    if (atNs > from && atNs <= to) for (let b = first; b < first + count; b++) disk.write(b, data?.(b));
  };
const each =
  (...ws: Writes[]): Writes =>
  (m, d, from, to) => {
    for (const w of ws) w(m, d, from, to);
  };

/** Memory goes by stop-and-copy here: the disk's own rounds are what is looked at. */
const memoryStopAndCopy = bare({ precopy: false });

describe('disk pre-copy: rounds until fewer than 50 blocks are dirty, the dirty set stops shrinking, or 30 rounds', () => {
  it('50 dirty blocks are not few: another round; 0 left then ends it', () => {
    // 200 blocks, 1 ms each: round 1 is 0–200 ms.
    const r = rig({ blocks: 200, disk: true, policy: memoryStopAndCopy, writes: blocksAt(100 * MS, 0, 50) });
    r.startAt(0);
    r.sim.run();
    const disk = r.rows().filter((x) => x.resource === 'disk');
    expect(disk.map((x) => [x.round, x.final, x.pages, x.dirtyPages, x.startS, x.durationMs])).toEqual([
      [1, false, 200, 50, 0, 200],
      [2, false, 50, 0, 0.2, 50],
    ]);
    expect(disk.every((x) => x.rateLimitMbps === undefined && x.stopReason === undefined)).toBe(true);
    // The stop phase finds no block dirty.
    expect(r.rows().at(-1)).toMatchObject({ resource: 'memory', final: true, diskBlocks: 0 });
    expect(r.migration.diskBytesSent).toBe(250 * BLOCK);
    expect(r.migration.diskConsistent).toBe(true);
    expect(r.migration.pausedNs).toBe(250 * MS);
  });

  it('49 dirty blocks are few: they wait for the stop phase', () => {
    const r = rig({ blocks: 200, disk: true, policy: memoryStopAndCopy, writes: blocksAt(100 * MS, 0, 49) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().filter((x) => x.resource === 'disk').map((x) => [x.round, x.pages, x.dirtyPages])).toEqual([[1, 200, 49]]);
    expect(r.rows().at(-1)).toMatchObject({ final: true, pages: 64, diskBlocks: 49 });
    expect(r.migration.diskBytesSent).toBe(249 * BLOCK);
    expect(r.migration.diskConsistent).toBe(true);
    // Stop phase: 64 pages, then the 49 blocks, then the CPU state.
    expect(r.path.sends.slice(1).map((s) => s.bytes)).toEqual([64 * BLOCK, 49 * BLOCK, CPU_STATE_BYTES]);
  });

  it('a dirty set as large as the one before ends the rounds', () => {
    // 60 blocks written in round 1, 60 others in round 2 (200–260 ms).
    const r = rig({ blocks: 200, disk: true, policy: memoryStopAndCopy, writes: each(blocksAt(100 * MS, 0, 60), blocksAt(230 * MS, 100, 60)) });
    r.startAt(0);
    r.sim.run();
    expect(r.rows().filter((x) => x.resource === 'disk').map((x) => [x.round, x.pages, x.dirtyPages])).toEqual([
      [1, 200, 60],
      [2, 60, 60],
    ]);
    expect(r.rows().at(-1)).toMatchObject({ diskBlocks: 60 });
    expect(r.migration.diskConsistent).toBe(true);
  });

  it('at most 30 rounds, however slowly the dirty set shrinks', () => {
    // Round k leaves 100 − k blocks dirty (written just after it starts): always ≥ 50, always shrinking.
    const starts = [0, 200 * MS];
    for (let k = 2; k <= 40; k++) starts.push(starts[k - 1]! + (100 - (k - 1)) * MS);
    const writes: Writes = (m, d, from, to) => {
      for (let k = 1; k <= 40; k++) blocksAt(starts[k - 1]! + MS / 2, 0, 100 - k)(m, d, from, to);
    };
    const r = rig({ blocks: 200, disk: true, policy: memoryStopAndCopy, writes });
    r.startAt(0);
    r.sim.run();
    const disk = r.rows().filter((x) => x.resource === 'disk');
    expect(disk.map((x) => x.round)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(disk.map((x) => x.dirtyPages)).toEqual(Array.from({ length: 30 }, (_, i) => 99 - i));
    expect(r.rows().at(-1)).toMatchObject({ diskBlocks: 70 });
    expect(r.migration.diskConsistent).toBe(true);
  });
});

describe('disk bytes and caps', () => {
  it('content-backed blocks reach the target with their bytes, in every round and the stop phase', () => {
    const fill = (b: number) => new Uint8Array(BLOCK).fill(b + 1);
    const r = rig({ blocks: 16, disk: true, diskContentBacked: true, policy: memoryStopAndCopy, writes: blocksAt(5 * MS, 5, 1, () => new Uint8Array(BLOCK).fill(99)) });
    r.disk.write(3, fill(3));
    r.startAt(0);
    r.sim.run();
    expect(r.vm.disk).not.toBe(r.disk);
    expect(r.vm.disk.bytes).not.toBeNull();
    expect(Array.from(r.vm.disk.readBlock(3)!.subarray(0, 4))).toEqual([4, 4, 4, 4]);
    expect(Array.from(r.vm.disk.readBlock(5)!.subarray(0, 4))).toEqual([99, 99, 99, 99]);
    expect(r.migration.diskConsistent).toBe(true);
    expect(r.rows().at(-1)).toMatchObject({ diskBlocks: 1 });
  });

  it('a stop phase freed from the cap sends the disk blocks at link speed too', () => {
    // Cap 2 MiB/s (half the link); pre-copy rounds obey it, the stop phase does not.
    const policy = bare({ precopy: false, maxBandwidthMiBps: 2, capStopPhase: false });
    const r = rig({ blocks: 16, disk: true, policy, writes: blocksAt(MS, 2, 3) });
    r.startAt(0);
    r.sim.run();
    expect(r.path.sends.map((s) => [s.bytes, s.capBytesPerS])).toEqual([
      [16 * BLOCK, 2 * 1048576],
      [64 * BLOCK, 4096 * 1000],
      [3 * BLOCK, 4096 * 1000],
      [CPU_STATE_BYTES, 4096 * 1000],
    ]);
    expect(r.migration.diskBytesSent).toBe(19 * BLOCK);
  });
});
