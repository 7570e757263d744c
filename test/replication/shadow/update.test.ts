import { describe, expect, it } from 'vitest';
import { PageMemory, digestPages } from '../../../lib/vm/index.js';
import { UpdateProducer, payloadDigest, payloadMatches } from '../../../lib/replication/shadow/index.js';
import { contentMemory, fillPage } from './helpers.js';

describe('UpdateProducer', () => {
  it('captures the pages written since the last accepted update, with their bytes at the update point', () => {
    const mem = contentMemory(16, 32);
    fillPage(mem, 1, 1);
    const prod = new UpdateProducer(mem);
    fillPage(mem, 9, 2);
    fillPage(mem, 4, 3);
    const u = prod.capture();
    const at = mem.readBytes(4 * 32, 32);
    fillPage(mem, 4, 99); // after the point: not in this update
    expect(u.seq).toBe(1);
    expect(Array.from(u.pages)).toEqual([4, 9]);
    expect(Array.from(u.bytes.subarray(0, 32))).toEqual(Array.from(at));
    expect(Array.from(u.versions)).toEqual([1, 1]);
    expect(u.digest).toBe(digestPages(u.pages, u.bytes, 32));
    expect(payloadDigest(u)).toBe(u.digest);
    prod.settle(true);
    const v = prod.capture();
    expect(v.seq).toBe(2);
    expect(Array.from(v.pages)).toEqual([4]);
    expect(v.versions[0]).toBe(2);
  });

  it('carries the pages of an update that was not accepted into the next one', () => {
    const mem = contentMemory(8, 16);
    const prod = new UpdateProducer(mem);
    fillPage(mem, 2, 1);
    prod.capture();
    prod.settle(false);
    fillPage(mem, 5, 1);
    expect(prod.pendingPages).toBe(2);
    const u = prod.capture();
    expect(Array.from(u.pages)).toEqual([2, 5]);
    prod.settle(true);
    expect(prod.pendingPages).toBe(0);
    expect(prod.capture().pages.length).toBe(0);
  });

  it('coexists with a checkpoint stream reading memory.dirty', () => {
    const mem = contentMemory(8, 16);
    mem.enableLogDirty();
    const prod = new UpdateProducer(mem);
    fillPage(mem, 3, 1);
    expect(Array.from(mem.dirty.readAndClear())).toEqual([3]); // the other user's read
    fillPage(mem, 6, 1);
    expect(Array.from(prod.capture().pages)).toEqual([3, 6]);
    expect(Array.from(mem.dirty.readAndClear())).toEqual([6]);
  });

  it('identical writes on two replicas give identical digests; one differing byte does not', () => {
    const a = contentMemory(8, 16);
    const b = contentMemory(8, 16);
    const pa = new UpdateProducer(a);
    const pb = new UpdateProducer(b);
    for (const m of [a, b]) {
      fillPage(m, 1, 7);
      fillPage(m, 6, 8);
    }
    expect(pa.capture().digest).toBe(pb.capture().digest);
    pa.settle(true);
    pb.settle(true);
    fillPage(a, 2, 1);
    fillPage(b, 2, 1);
    b.writeBytes(2 * 16 + 3, new Uint8Array([0xee]));
    expect(pa.capture().digest).not.toBe(pb.capture().digest);
  });

  it('a payload altered after its digest was agreed fails the receiver check', () => {
    const mem = contentMemory(8, 16);
    const prod = new UpdateProducer(mem);
    fillPage(mem, 1, 1);
    const u = prod.capture();
    expect(payloadMatches(u, u.digest)).toBe(true);
    const bytes = u.bytes.slice();
    bytes[5]! ^= 0x10;
    expect(payloadMatches({ ...u, bytes }, u.digest)).toBe(false);
  });

  it('refuses memory without content, an unsettled capture, and use after close', () => {
    expect(() => new UpdateProducer(new PageMemory({ pages: 4 }))).toThrow(/content-backed/);
    const mem = contentMemory(4);
    const prod = new UpdateProducer(mem);
    prod.capture();
    expect(() => prod.capture()).toThrow(/not settled/);
    prod.settle(true);
    expect(() => prod.settle(true)).toThrow(/no captured update/);
    prod.close();
    expect(mem.attachedDirtyLogs).toBe(0);
    expect(() => prod.capture()).toThrow(/closed/);
  });
});
