import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Replica } from '../../../lib/engines/remus/backup.js';
import { Disk, PageMemory } from '../../../lib/vm/index.js';
import type { Checkpoint } from '../../../lib/engines/remus/backup.js';

/*
 * The backup's disk (Remus §2.4): forwarded writes are held per epoch and reach the backup disk
 * only when the checkpoint of their epoch commits; at failover the uncommitted ones are dropped.
 */

function replicaWithDisk(blocks = 8): { primary: Disk; replica: Replica } {
  const primary = new Disk(blocks);
  return { primary, replica: new Replica({ image: null, disk: new Disk(blocks), cpu: null }) };
}

/** The primary writes `block` in `epoch`; the write is forwarded to the replica. */
function write(primary: Disk, replica: Replica, epoch: number, block: number): void {
  primary.write(block);
  replica.holdWrite(epoch, { block, version: primary.versions[block]! });
}

describe('Replica: disk writes wait for their checkpoint', () => {
  it('holds every write until its epoch commits, then applies exactly the committed ones', () => {
    const { primary, replica } = replicaWithDisk();
    write(primary, replica, 1, 0);
    write(primary, replica, 1, 1);
    write(primary, replica, 2, 2);
    write(primary, replica, 3, 0);
    expect(Array.from(replica.disk.versions)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    replica.commit(1, null);
    expect(Array.from(replica.disk.versions.subarray(0, 3))).toEqual([1, 1, 0]);
    expect(replica.appliedWrites).toBe(2);
    expect(replica.pendingWriteCount).toBe(2);
    replica.commit(2, null);
    expect(Array.from(replica.disk.versions.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(replica.committedEpoch).toBe(2);
    expect(replica.heldWrites().map((h) => h.epoch)).toEqual([3]);
  });

  it('drops the uncommitted writes at failover and never applies them', () => {
    const { primary, replica } = replicaWithDisk();
    write(primary, replica, 1, 3);
    replica.commit(1, null);
    write(primary, replica, 2, 3);
    write(primary, replica, 2, 4);
    expect(replica.discardUncommitted()).toBe(2);
    expect(replica.discardedWrites).toBe(2);
    expect(replica.pendingWriteCount).toBe(0);
    expect(replica.heldWrites()).toEqual([]);
    expect(replica.disk.versions[3]).toBe(1);
    expect(replica.disk.versions[4]).toBe(0);
    replica.commit(2, null); // nothing left to apply
    expect(replica.disk.versions[3]).toBe(1);
    expect(replica.appliedWrites).toBe(1);
  });

  it('refuses a checkpoint committed out of order', () => {
    const { replica } = replicaWithDisk();
    replica.commit(2, null);
    expect(() => replica.commit(2, null)).toThrow(/committed after 2/);
  });

  it('after any interleaving of writes, checkpoints and commits, the backup disk is the primary disk at the last committed checkpoint', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ block: fc.integer({ min: 0, max: 15 }) }), fc.constant('checkpoint' as const), fc.constant('commit' as const)), { maxLength: 200 }),
        (ops) => {
          const { primary, replica } = replicaWithDisk(16);
          // The primary runs epoch `epoch`; checkpoints of earlier epochs are in flight until committed
          // (the backup commits one while the primary already writes in the next epoch).
          let epoch = 1;
          const atCheckpoint = new Map<number, Uint32Array>([[0, new Uint32Array(16)]]);
          for (const op of ops) {
            if (op === 'checkpoint') {
              atCheckpoint.set(epoch, primary.versions.slice());
              epoch++;
            } else if (op === 'commit') {
              if (replica.committedEpoch + 1 < epoch) replica.commit(replica.committedEpoch + 1, null);
            } else write(primary, replica, epoch, op.block);
            // Never ahead of the last commit, never behind it.
            expect(Array.from(replica.disk.versions)).toEqual(Array.from(atCheckpoint.get(replica.committedEpoch)!));
          }
          replica.discardUncommitted();
          expect(Array.from(replica.disk.versions)).toEqual(Array.from(atCheckpoint.get(replica.committedEpoch)!));
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });

  it('applies held writes in order across its queue compaction (tens of thousands of writes)', () => {
    const { primary, replica } = replicaWithDisk(64);
    let epoch = 1;
    for (let k = 0; k < 40; k++) {
      for (let i = 0; i < 500; i++) write(primary, replica, epoch, (k * 7 + i) % 64);
      const atEnd = primary.versions.slice();
      epoch++;
      for (let i = 0; i < 300; i++) write(primary, replica, epoch, (k * 3 + i) % 64); // the next epoch, already running
      replica.commit(epoch - 1, null);
      expect(Array.from(replica.disk.versions)).toEqual(Array.from(atEnd));
      // The next epoch's writes keep their places behind the committed ones.
      epoch++;
      replica.commit(epoch - 1, null);
      expect(Array.from(replica.disk.versions)).toEqual(Array.from(primary.versions));
    }
    expect(replica.appliedWrites).toBe(40 * 800);
    expect(replica.pendingWriteCount).toBe(0);
  });
});

describe('Replica: the memory image follows committed checkpoints', () => {
  const cpu = (n: number) => ({ n }) as unknown as Checkpoint['cpu'];
  function checkpoint(epoch: number, pages: number[], versions: number[], bytes: Uint8Array | null, c: Checkpoint['cpu'] = null): Checkpoint {
    return { epoch, pages: Int32Array.from(pages), versions: Uint32Array.from(versions), bytes, cpu: c };
  }

  it('installs the pages, versions and bytes of each committed checkpoint, and its CPU state', () => {
    const image = new PageMemory({ pages: 8, pageBytes: 4, contentBacked: true });
    const replica = new Replica({ image, disk: new Disk(4), cpu: cpu(0) });
    replica.commit(1, checkpoint(1, [2, 5], [3, 1], Uint8Array.from([1, 2, 3, 4, 9, 9, 9, 9]), cpu(1)));
    expect(Array.from(image.versions)).toEqual([0, 0, 3, 0, 0, 1, 0, 0]);
    expect(Array.from(image.bytes!.subarray(8, 12))).toEqual([1, 2, 3, 4]);
    expect(Array.from(image.bytes!.subarray(20, 24))).toEqual([9, 9, 9, 9]);
    expect(replica.committedCpu).toEqual(cpu(1));
    // A checkpoint without CPU state keeps the last one; a disk-only barrier leaves the image.
    replica.commit(2, checkpoint(2, [0], [1], Uint8Array.from([7, 7, 7, 7])));
    expect(image.versions[0]).toBe(1);
    expect(replica.committedCpu).toEqual(cpu(1));
    replica.commit(3, null);
    expect(Array.from(image.versions)).toEqual([1, 0, 3, 0, 0, 1, 0, 0]);
    expect(replica.committedEpoch).toBe(3);
  });

  it('installs versions alone for a guest without contents', () => {
    const image = new PageMemory({ pages: 4, pageBytes: 4096, contentBacked: false });
    const replica = new Replica({ image, disk: new Disk(4), cpu: null });
    replica.commit(1, checkpoint(1, [1, 3], [2, 5], null));
    expect(Array.from(image.versions)).toEqual([0, 2, 0, 5]);
  });

  it('disk-only (no image): the pages of a checkpoint have nowhere to go', () => {
    const replica = new Replica({ image: null, disk: new Disk(4), cpu: null });
    replica.commit(1, checkpoint(1, [1], [2], null, cpu(4)));
    expect(replica.image).toBeNull();
    expect(replica.committedCpu).toBeNull();
  });
});
