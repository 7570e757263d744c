import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirtyLog, PageMemory } from '../../lib/vm/index.js';

describe('DirtyLog.readAndClear()', () => {
  it('returns every unit marked since the last read exactly once, sorted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.array(fc.nat(), { maxLength: 200 }), { maxLength: 6 }),
        (size, batches) => {
          const log = new DirtyLog(size);
          for (const batch of batches) {
            const pages = batch.map((p) => p % size);
            for (const p of pages) log.mark(p);
            const got = Array.from(log.readAndClear());
            expect(got).toEqual([...new Set(pages)].sort((a, b) => a - b));
            expect(log.count).toBe(0);
          }
        },
      ),
    );
  });

  it('sorts clustered and scattered sets alike, peek() included, over many bitmap words', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 300 })), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 400 }),
        (size, runs, scattered) => {
          const log = new DirtyLog(size);
          const marked: number[] = [];
          for (const [start, len] of runs) for (let i = 0; i < len; i++) marked.push((start + i * 7) % size);
          for (const p of scattered) marked.push(p % size);
          for (const p of marked) log.mark(p);
          const want = [...new Set(marked)].sort((a, b) => a - b);
          expect(Array.from(log.peek())).toEqual(want);
          expect(log.count).toBe(want.length);
          expect(Array.from(log.readAndClear())).toEqual(want);
          expect(log.readAndClear().length).toBe(0);
          for (const p of want) expect(log.isDirty(p)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('after markAll() reads every unit in order, then nothing', () => {
    for (const size of [1, 31, 32, 33, 1000, 70_000]) {
      const log = new DirtyLog(size);
      log.mark(size - 1);
      log.markAll();
      const got = log.readAndClear();
      expect(got.length).toBe(size);
      expect(got.every((v, i) => v === i)).toBe(true);
      expect(log.readAndClear().length).toBe(0);
    }
  });

  it('mark(i) reports a trap only for the first write to a clean unit', () => {
    const log = new DirtyLog(64);
    expect(log.mark(3)).toBe(true);
    expect(log.mark(3)).toBe(false);
    log.readAndClear();
    expect(log.mark(3)).toBe(true);
  });

  it('markAll() marks every unit, including a partial last word', () => {
    const log = new DirtyLog(70);
    log.markAll();
    expect(log.count).toBe(70);
    expect(log.isDirty(69)).toBe(true);
    expect(Array.from(log.readAndClear())).toEqual(Array.from({ length: 70 }, (_, i) => i));
    expect(log.isDirty(69)).toBe(false);
  });
});

describe('PageMemory log-dirty mode', () => {
  it('logs every write between two reads exactly once and counts one trap per newly dirty page', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 500 }), (writes) => {
        const mem = new PageMemory({ pages: 256 });
        mem.enableLogDirty();
        mem.writeMany(writes);
        const distinct = new Set(writes);
        expect(mem.takeTraps()).toBe(distinct.size);
        expect(Array.from(mem.dirty.readAndClear())).toEqual([...distinct].sort((a, b) => a - b));
        let versionSum = 0;
        for (const v of mem.versions) versionSum += v;
        expect(versionSum).toBe(writes.length);
      }),
    );
  });

  it('does not log or trap outside log-dirty mode', () => {
    const mem = new PageMemory({ pages: 8 });
    mem.write(1);
    expect(mem.dirty.count).toBe(0);
    expect(mem.takeTraps()).toBe(0);
    mem.enableLogDirty();
    expect(mem.dirty.count).toBe(0); // enabling marks every page clean
    mem.writeRange(2, 3);
    expect(Array.from(mem.dirty.peek())).toEqual([2, 3, 4]);
  });
});
