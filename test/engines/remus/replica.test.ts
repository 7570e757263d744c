import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Replica } from '../../../lib/engines/remus/backup.js';
import { Disk } from '../../../lib/vm/index.js';

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
});
