import { describe, expect, it } from 'vitest';
import type { KvRequest } from '../../workloads/kvstore/clients.js';
import { executeKv, falsifyKvReply, freshKvMemory, kvReplyDigest } from '../../workloads/kvstore/machine.js';
import { KvTable, keyOf, kvGeometry, valueOf } from '../../workloads/kvstore/table.js';

const RECORDS = 50;
const VB = 64;
const key = (k: number): string => keyOf(k, 24);
const upd = (k: number, w: number): KvRequest => ({ op: 'update', key: key(k), version: w, value: valueOf(k, w, VB) });
const rmw = (k: number, w: number): KvRequest => ({ op: 'rmw', key: key(k), version: w, value: valueOf(k, w, VB) });

function store(withWriter: boolean) {
  const table = new KvTable(kvGeometry(RECORDS, 24, VB, 4096, withWriter));
  return { table, memory: freshKvMemory(table, RECORDS, 4096) };
}

/** Apply requests in order (replicated: version = position + 1); the replies' digests and the memory. */
function run(withWriter: boolean, reqs: readonly KvRequest[]) {
  const s = store(withWriter);
  const digests = reqs.map((r, i) => kvReplyDigest(executeKv(s.table, s.memory, r, withWriter ? i + 1 : undefined)));
  return { digests, bytes: s.memory.bytes!.slice() };
}

describe('the kvstore state machine', () => {
  it('plain store: two updates commute (newest client version wins in any order)', () => {
    const a = run(false, [upd(3, 5), upd(3, 9), { op: 'read', key: key(3) }]);
    const b = run(false, [upd(3, 9), upd(3, 5), { op: 'read', key: key(3) }]);
    expect(a.digests[2]).toBe(b.digests[2]);
  });

  it('replicated store: order-assigned versions make two orders differ in bytes and in replies', () => {
    const a = run(true, [upd(3, 5), upd(3, 9), { op: 'read', key: key(3) }]);
    const b = run(true, [upd(3, 9), upd(3, 5), { op: 'read', key: key(3) }]);
    expect(a.digests[2]).not.toBe(b.digests[2]);
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes))).not.toBe(0);
    // The same order gives the same bytes and replies.
    const c = run(true, [upd(3, 5), upd(3, 9), { op: 'read', key: key(3) }]);
    expect(c.digests).toEqual(a.digests);
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(c.bytes))).toBe(0);
  });

  it('read-modify-write returns the prior record, so even its own reply depends on the order', () => {
    const s = store(true);
    const r1 = executeKv(s.table, s.memory, rmw(4, 11), 1);
    expect(r1.prior).toEqual({ found: true, version: 0, writer: 0 });
    expect(r1.value).toEqual(valueOf(4, 0, VB));
    expect(r1).toMatchObject({ found: true, version: 1, writer: 11 });
    const r2 = executeKv(s.table, s.memory, rmw(4, 12), 2);
    expect(r2.prior).toEqual({ found: true, version: 1, writer: 11 });
    expect(r2.value).toEqual(valueOf(4, 11, VB));
    const x = run(true, [rmw(4, 11), rmw(4, 12)]);
    const y = run(true, [rmw(4, 12), rmw(4, 11)]);
    expect(new Set([...x.digests, ...y.digests]).size).toBe(4);
  });

  it('the plain layout is what it was: a 16-byte slot header', () => {
    expect(kvGeometry(1000, 24, 1000, 4096).slotBytes).toBe(1040);
    expect(kvGeometry(1000, 24, 1000, 4096, true).slotBytes).toBe(1048);
  });

  it('the wrong-reply rule changes the reply and its digest, deterministically', () => {
    const s = store(true);
    const read = executeKv(s.table, s.memory, { op: 'read', key: key(1) });
    const bad = falsifyKvReply(read);
    expect(kvReplyDigest(bad)).not.toBe(kvReplyDigest(read));
    expect(kvReplyDigest(falsifyKvReply(read))).toBe(kvReplyDigest(bad));
    const ack = executeKv(s.table, s.memory, upd(1, 3), 1);
    expect(falsifyKvReply(ack).found).toBe(false);
  });
});
