import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Disk, PageMemory } from '../../lib/vm/index.js';

describe('PageMemory content-backed', () => {
  it('writeBytes() stores bytes and writes every page it touches', () => {
    const mem = new PageMemory({ pages: 4, pageBytes: 16, contentBacked: true });
    mem.enableLogDirty();
    mem.writeBytes(14, new Uint8Array([1, 2, 3, 4]));
    expect(Array.from(mem.readBytes(14, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(mem.dirty.peek())).toEqual([0, 1]);
    expect(Array.from(mem.versions)).toEqual([1, 1, 0, 0]);
  });

  it('a replica built from copied pages equals the source; a missed page is found', () => {
    const src = new PageMemory({ pages: 8, pageBytes: 8, contentBacked: true });
    src.writeBytes(0, new Uint8Array(64).map((_, i) => i));
    const dst = new PageMemory({ pages: 8, pageBytes: 8, contentBacked: true });
    for (let p = 0; p < 8; p++) if (p !== 5) dst.copyPageFrom(src, p);
    expect(dst.firstDifference(src)).toBe(5);
    dst.installPage(5, src.versions[5]!, src.pageView(5));
    expect(dst.firstDifference(src)).toBe(-1);
  });

  it('detects a byte difference even with equal versions', () => {
    const a = new PageMemory({ pages: 2, pageBytes: 8, contentBacked: true });
    const b = a.clone();
    b.bytes![9] = 7;
    expect(a.firstDifference(b)).toBe(1);
  });

  it('refuses byte access on a memory without content', () => {
    const m = new PageMemory({ pages: 2 });
    expect(() => m.readBytes(0, 1)).toThrow(/not content-backed/);
  });
});

describe('Disk', () => {
  it('bumps versions, notifies listeners and tracks dirty blocks', () => {
    const d = new Disk(16);
    const seen: Array<[number, number]> = [];
    d.onWrite((w) => seen.push([w.block, w.version]));
    d.startTracking();
    d.write(3);
    d.write(3);
    d.write(9);
    expect(seen).toEqual([
      [3, 1],
      [3, 2],
      [9, 1],
    ]);
    expect(Array.from(d.dirty.readAndClear())).toEqual([3, 9]);
  });

  it('a replica that applied every write equals the source', () => {
    const d = new Disk(8, { blockBytes: 4, contentBacked: true });
    const r = new Disk(8, { blockBytes: 4, contentBacked: true });
    d.onWrite((w) => r.apply(w));
    d.write(2, new Uint8Array([1, 2, 3, 4]));
    d.write(5, new Uint8Array([9, 9, 9, 9]));
    expect(r.firstDifference(d)).toBe(-1);
    expect(() => d.write(99)).toThrow(/out of disk/);
  });
});

describe('PageMemory zero pages', () => {
  it('content-backed: a page is zero exactly when its bytes are', () => {
    const m = new PageMemory({ pages: 8, contentBacked: true });
    expect([...Array(8).keys()].every((p) => m.isZero(p))).toBe(true);
    m.writeBytes(3 * 4096 + 4095, new Uint8Array([1])); // the last byte of page 3
    expect(m.isZero(3)).toBe(false);
    expect(m.isZero(2)).toBe(true);
    m.writeBytes(3 * 4096 + 4095, new Uint8Array([0])); // written, but zeros again
    expect(m.isZero(3)).toBe(true);
  });

  it('version-only: pages at or above zeroFrom are zero until written; by default none is', () => {
    const m = new PageMemory({ pages: 8 });
    expect(m.isZero(7)).toBe(false); // the default: all memory holds data
    m.zeroFrom = 4;
    expect([0, 1, 2, 3].some((p) => m.isZero(p))).toBe(false);
    expect([4, 5, 6, 7].every((p) => m.isZero(p))).toBe(true);
    m.write(6);
    expect(m.isZero(6)).toBe(false);
    expect(m.clone().isZero(5)).toBe(true);
  });
});

describe('PageMemory touchedEnd', () => {
  const PAGES = 64;
  const op = fc.oneof(
    fc.record({ kind: fc.constant('write' as const), page: fc.nat(PAGES - 1) }),
    fc.record({ kind: fc.constant('writeMany' as const), pages: fc.array(fc.nat(PAGES - 1), { maxLength: 8 }) }),
    fc.record({ kind: fc.constant('writeRange' as const), first: fc.nat(PAGES - 1), count: fc.nat(8) }),
    fc.record({ kind: fc.constant('writeBytes' as const), offset: fc.nat(PAGES * 8 - 4) }),
    fc.record({ kind: fc.constant('installPage' as const), page: fc.nat(PAGES - 1) }),
    fc.record({ kind: fc.constant('copyPageFrom' as const), page: fc.nat(PAGES - 1) }),
    fc.record({ kind: fc.constant('logDirty' as const) }),
  );

  it('every page at or above it has version 0 and zero bytes, whatever wrote the memory', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const m = new PageMemory({ pages: PAGES, pageBytes: 8, contentBacked: true });
        const other = new PageMemory({ pages: PAGES, pageBytes: 8, contentBacked: true });
        other.writeRange(0, PAGES);
        other.writeBytes(0, new Uint8Array(PAGES * 8).fill(3));
        for (const o of ops) {
          if (o.kind === 'write') m.write(o.page);
          else if (o.kind === 'writeMany') m.writeMany(o.pages);
          else if (o.kind === 'writeRange') m.writeRange(o.first, Math.min(o.count, PAGES - o.first));
          else if (o.kind === 'writeBytes') m.writeBytes(o.offset, new Uint8Array([1, 2, 3, 4]));
          else if (o.kind === 'installPage') m.installPage(o.page, 9, new Uint8Array(8).fill(5));
          else if (o.kind === 'copyPageFrom') m.copyPageFrom(other, o.page);
          else m.enableLogDirty();
        }
        for (const mem of [m, m.clone()]) {
          expect(mem.touchedEnd).toBeLessThanOrEqual(PAGES);
          for (let p = mem.touchedEnd; p < PAGES; p++) expect(mem.versions[p]).toBe(0);
          expect(mem.bytes!.subarray(mem.touchedEnd * 8).every((b) => b === 0)).toBe(true);
          // Tight for writes: the highest written page is just below it.
          if (mem.touchedEnd > 0) expect(mem.versions[mem.touchedEnd - 1]).not.toBe(0);
        }
      }),
    );
  });

  it('touched() only ever raises it, up to the page count', () => {
    const m = new PageMemory({ pages: 8 });
    m.touched(5);
    m.touched(3);
    expect(m.touchedEnd).toBe(5);
    m.touched(100);
    expect(m.touchedEnd).toBe(8);
  });
});
