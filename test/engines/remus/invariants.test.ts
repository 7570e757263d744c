import { describe, expect, it } from 'vitest';
import {
  SnapshotKeeper,
  diskDifference,
  diskMismatch,
  imageMismatch,
  memoryDifference,
  sparseCloneDisk,
  sparseCloneMemory,
} from '../../../lib/engines/remus/invariants.js';
import { Disk, PageMemory, type VM } from '../../../lib/vm/index.js';
import { multiPrimaryRun } from './harness.js';

/*
 * The consistency checks must be able to fail: a write that escapes dirty tracking, or a disk write
 * that is never forwarded, is found — at the end of a run and at a failover.
 */

/** Run synthetic under Remus; at `atNs` do `sabotage(vm)` on the primary. */
function run(params: Record<string, number | string | boolean>, atNs: number, sabotage: (vm: VM) => void) {
  return multiPrimaryRun(1, 'synthetic', { 'workload.dirtyPagesPerS': 2000, 'run.durationS': 3, ...params }, 1, (run) =>
    run.sim.at(atNs, () => sabotage(run.guests[0]!.vm)),
  ).report;
}

describe('memoryConsistent and diskConsistent can fail', () => {
  it('a write that escapes dirty tracking is found at the end of the run', () => {
    const r = run({}, 1_000_000_000, (vm) => {
      vm.vcpu.sync();
      vm.memory.disableLogDirty();
      vm.memory.write(12345);
      vm.memory.enableLogDirty();
    });
    expect(r.invariants.memoryConsistent).toBe(false);
    expect(r.invariants.diskConsistent).toBe(true);
  });

  it('a disk write that was never forwarded is found at the end of the run', () => {
    const r = run({}, 1_000_000_000, (vm) => vm.disk.apply({ block: 7, version: 99 }));
    expect(r.invariants.diskConsistent).toBe(false);
    expect(r.invariants.memoryConsistent).toBe(true);
  });

  it('both are found at a failover too', () => {
    const r = run({ 'faults.primaryCrashAtS': 2, 'run.durationS': 4 }, 1_000_000_000, (vm) => {
      vm.vcpu.sync();
      vm.memory.disableLogDirty();
      vm.memory.write(4242);
      vm.memory.enableLogDirty();
      vm.disk.apply({ block: 9, version: 77 });
    });
    expect(r.series.remusTimeline!.map((e) => e.event)).toEqual(['crash', 'detected', 'resumed']);
    expect(r.invariants.memoryConsistent).toBe(false);
    expect(r.invariants.diskConsistent).toBe(false);
  });

  it('and hold when nothing is sabotaged', () => {
    const r = run({ 'faults.primaryCrashAtS': 2, 'run.durationS': 4 }, 1_000_000_000, () => {});
    expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
  });
});

/*
 * The checks themselves, on hand-made memories and disks: what counts as a difference (a version,
 * or the bytes of a page both sides should hold unchanged), and the snapshots they compare against.
 */

/** `pages` pages of `pageBytes` bytes, content-backed unless said otherwise. */
function mem(pages: number, pageBytes = 16, contentBacked = true): PageMemory {
  return new PageMemory({ pages, pageBytes, contentBacked });
}

/** Write page `p` of `m` with `fill` in every byte (its version goes up by one). */
function fillPage(m: PageMemory, p: number, fill: number): void {
  m.writeBytes(p * m.pageBytes, new Uint8Array(m.pageBytes).fill(fill));
}

/** Block `b` of `d` written with `fill` in every byte. */
function fillBlock(d: Disk, b: number, fill: number): void {
  d.write(b, new Uint8Array(d.blockBytes).fill(fill));
}

describe('SnapshotKeeper keeps the captures of checkpoints not yet superseded', () => {
  it('a capture is a copy of every page and block version at that moment, unaffected by later writes', () => {
    const keeper = new SnapshotKeeper();
    const m = mem(4);
    const d = new Disk(3, { blockBytes: 8 });
    m.write(1);
    m.write(1);
    d.write(2);
    keeper.take(5, m, d);
    m.write(1);
    m.write(3);
    d.write(0);
    const s = keeper.get(5)!;
    expect(s.epoch).toBe(5);
    expect([...s.memVersions!]).toEqual([0, 2, 0, 0]);
    expect([...s.diskVersions]).toEqual([0, 0, 1]);
    expect(keeper.get(4)).toBeUndefined();
  });

  it('disk-only replication captures the disk alone (no memory versions)', () => {
    const keeper = new SnapshotKeeper();
    const d = new Disk(2);
    d.write(1);
    keeper.take(1, null, d);
    expect(keeper.get(1)!.memVersions).toBeNull();
    expect([...keeper.get(1)!.diskVersions]).toEqual([0, 1]);
  });

  it('committing epoch k releases the captures before k and keeps k and later ones', () => {
    const keeper = new SnapshotKeeper();
    const m = mem(2);
    const d = new Disk(2);
    for (const e of [1, 2, 3, 4]) keeper.take(e, m, d);
    keeper.committed(3);
    expect(keeper.get(1)).toBeUndefined();
    expect(keeper.get(2)).toBeUndefined();
    expect(keeper.get(3)?.epoch).toBe(3);
    expect(keeper.get(4)?.epoch).toBe(4);
  });

  it('a released capture’s buffers serve the next capture, which holds the new versions', () => {
    const keeper = new SnapshotKeeper();
    const m = mem(3);
    const d = new Disk(3);
    keeper.take(1, m, d);
    const old = keeper.get(1)!;
    keeper.take(2, m, d);
    keeper.committed(2);
    m.write(0);
    d.write(2);
    d.write(2);
    keeper.take(3, m, d);
    const s = keeper.get(3)!;
    expect(s.memVersions).toBe(old.memVersions);
    expect(s.diskVersions).toBe(old.diskVersions);
    expect([...s.memVersions!]).toEqual([1, 0, 0]);
    expect([...s.diskVersions]).toEqual([0, 0, 2]);
    // The capture still live was not handed out again.
    expect(keeper.get(2)!.memVersions).not.toBe(s.memVersions);
    expect([...keeper.get(2)!.memVersions!]).toEqual([0, 0, 0]);
  });
});

describe('imageMismatch: the backup image against the committed capture', () => {
  /** A primary with pages 0–2 written, its capture, and a backup image equal to it. */
  function captured(contentBacked = true) {
    const primary = mem(4, 16, contentBacked);
    if (contentBacked) for (const p of [0, 1, 2]) fillPage(primary, p, 10 + p);
    else primary.writeMany([0, 1, 2]);
    const snap = primary.versions.slice();
    return { primary, snap, image: sparseCloneMemory(primary) };
  }

  it('finds nothing when the image equals the capture', () => {
    const { primary, snap, image } = captured();
    expect(imageMismatch(image, snap, primary)).toBe(-1);
  });

  it('reports the first page whose version differs from the capture', () => {
    const { primary, snap, image } = captured();
    image.installPage(2, 7, new Uint8Array(16).fill(12));
    image.installPage(3, 1, new Uint8Array(16));
    expect(imageMismatch(image, snap, primary)).toBe(2);
    image.installPage(0, 9, new Uint8Array(16).fill(10));
    expect(imageMismatch(image, snap, primary)).toBe(0);
  });

  it('reports a page whose version matches but whose bytes differ from the primary’s unchanged page', () => {
    const { primary, snap, image } = captured();
    // The last byte of page 1 only: every byte of the page is compared.
    image.pageView(1)[15] = 99;
    expect(imageMismatch(image, snap, primary)).toBe(1);
  });

  it('does not compare the bytes of a page the primary wrote after the capture (they are newer)', () => {
    const { primary, snap, image } = captured();
    fillPage(primary, 1, 50);
    expect(imageMismatch(image, snap, primary)).toBe(-1);
    // Page 0 is still compared, and only its own bytes: page 1's first byte differs, page 0's do not.
    image.pageView(0)[0] = 1;
    expect(imageMismatch(image, snap, primary)).toBe(0);
  });

  it('compares versions only when the memory holds no bytes', () => {
    const { primary, snap, image } = captured(false);
    expect(imageMismatch(image, snap, primary)).toBe(-1);
    image.installPage(1, 5);
    expect(imageMismatch(image, snap, primary)).toBe(1);
  });
});

describe('diskMismatch: the backup disk against the committed capture', () => {
  it('reports the first block whose version differs, or −1', () => {
    const d = new Disk(4);
    d.write(1);
    const snap = d.versions.slice();
    const backup = sparseCloneDisk(d);
    expect(diskMismatch(backup, snap)).toBe(-1);
    backup.apply({ block: 3, version: 4 });
    expect(diskMismatch(backup, snap)).toBe(3);
    backup.apply({ block: 0, version: 1 });
    expect(diskMismatch(backup, snap)).toBe(0);
  });
});

describe('sparse copies hold everything the original holds', () => {
  it('a memory copy has the same geometry, versions and bytes, and is independent of the original', () => {
    const m = mem(5, 8);
    fillPage(m, 0, 3);
    fillPage(m, 2, 4);
    fillPage(m, 4, 5);
    const c = sparseCloneMemory(m);
    expect([c.pages, c.pageBytes, c.contentBacked]).toEqual([5, 8, true]);
    expect([...c.versions]).toEqual([...m.versions]);
    expect([...c.bytes!]).toEqual([...m.bytes!]);
    expect(c.touchedEnd).toBe(5);
    fillPage(m, 2, 9);
    expect(c.pageView(2)[0]).toBe(4);
  });

  it('a memory without bytes is copied by its versions', () => {
    const m = mem(3, 8, false);
    m.write(2);
    const c = sparseCloneMemory(m);
    expect(c.bytes).toBeNull();
    expect([...c.versions]).toEqual([0, 0, 1]);
  });

  it('a disk copy has the same block size, versions and bytes of written blocks', () => {
    const d = new Disk(4, { blockBytes: 8, contentBacked: true });
    fillBlock(d, 1, 6);
    fillBlock(d, 3, 7);
    const c = sparseCloneDisk(d);
    expect([c.blocks, c.blockBytes]).toEqual([4, 8]);
    expect([...c.versions]).toEqual([0, 1, 0, 1]);
    expect([...c.bytes!]).toEqual([...d.bytes!]);
    expect(c.readBlock(3)).toEqual(new Uint8Array(8).fill(7));
  });

  it('a disk without bytes is copied as one without bytes', () => {
    const d = new Disk(2, { blockBytes: 8 });
    d.write(0);
    const c = sparseCloneDisk(d);
    expect(c.bytes).toBeNull();
    expect([...c.versions]).toEqual([1, 0]);
  });
});

describe('memoryDifference and diskDifference: the end-of-run comparison of replica and primary', () => {
  it('identical memories and disks, written and content-backed, have no difference', () => {
    const a = mem(4, 8);
    fillPage(a, 1, 2);
    fillPage(a, 3, 3);
    expect(memoryDifference(a, sparseCloneMemory(a))).toBe(-1);
    const d = new Disk(3, { blockBytes: 8, contentBacked: true });
    fillBlock(d, 2, 1);
    expect(diskDifference(d, sparseCloneDisk(d))).toBe(-1);
  });

  it('a version difference is the first differing page', () => {
    const a = mem(4, 8);
    const b = sparseCloneMemory(a);
    b.installPage(2, 1, new Uint8Array(8));
    expect(memoryDifference(a, b)).toBe(2);
  });

  it('memories of different sizes differ from the first page', () => {
    expect(memoryDifference(mem(4, 8), mem(8, 8))).toBe(0);
    expect(diskDifference(new Disk(4), new Disk(5))).toBe(0);
  });

  it('a written page with the same version but other bytes is found, not the written page before it', () => {
    const a = mem(4, 8);
    fillPage(a, 1, 2);
    fillPage(a, 2, 3);
    const b = sparseCloneMemory(a);
    b.pageView(2)[0] = 77;
    expect(memoryDifference(a, b)).toBe(2);
    b.pageView(2)[0] = 3;
    b.pageView(2)[7] = 77;
    expect(memoryDifference(a, b)).toBe(2);
  });

  it('a block with the same version but other bytes is found by the disk comparison, in block units', () => {
    const d = new Disk(3, { blockBytes: 8, contentBacked: true });
    fillBlock(d, 0, 1);
    fillBlock(d, 1, 2);
    fillBlock(d, 2, 3);
    const c = sparseCloneDisk(d);
    c.bytes![2 * 8 + 5] = 0;
    expect(diskDifference(d, c)).toBe(2);
  });

  it('memories and disks without bytes are compared by version only', () => {
    const a = mem(3, 8, false);
    a.writeMany([0, 2]);
    expect(memoryDifference(a, sparseCloneMemory(a))).toBe(-1);
    const d = new Disk(3);
    d.write(1);
    expect(diskDifference(d, sparseCloneDisk(d))).toBe(-1);
  });
});
