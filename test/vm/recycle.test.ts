import { describe, expect, it } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';
import { DirtyLog, PageMemory, withRecycledArrays } from '../../lib/vm/index.js';

const PAGES = 64 * 1024; // versions of 256 KiB: large enough to be recycled

describe('withRecycledArrays', () => {
  it('hands a later scope the arrays of an earlier one, zeroed', () => {
    let first: Uint32Array | undefined;
    withRecycledArrays(() => {
      const m = new PageMemory({ pages: PAGES });
      m.writeRange(0, PAGES);
      first = m.versions;
    });
    expect(first![5]).toBe(1); // the scope's array is not cleared when the scope ends…
    withRecycledArrays(() => {
      const m = new PageMemory({ pages: PAGES });
      expect(m.versions).toBe(first); // …but when it is taken again
      expect(m.versions.every((v) => v === 0)).toBe(true);
    });
  });

  it('recycles the dirty logs’ lists, empty when reused', () => {
    withRecycledArrays(() => {
      const log = new DirtyLog(PAGES);
      log.markAll();
    });
    withRecycledArrays(() => {
      const log = new DirtyLog(PAGES);
      expect(log.count).toBe(0);
      log.markAll();
      expect(log.count).toBe(PAGES);
      log.mark(3);
      expect(Array.from(log.readAndClear().subarray(0, 4))).toEqual([0, 1, 2, 3]);
    });
  });

  it('outside a scope, or for two memories alive at once, every array is its own', () => {
    const a = new PageMemory({ pages: PAGES });
    const b = new PageMemory({ pages: PAGES });
    expect(a.versions).not.toBe(b.versions);
    withRecycledArrays(() => {
      const c = new PageMemory({ pages: PAGES });
      const d = new PageMemory({ pages: PAGES });
      c.write(1);
      expect(d.versions[1]).toBe(0);
    });
  });

  it('a run gives the same result whether its arrays are fresh or recycled', () => {
    const req = { engine: 'migration' as const, workload: 'mmuncher', params: { 'vm.memoryMiB': 512, 'run.durationS': 20 }, seed: 3 };
    const strip = (r: ReturnType<typeof runScenario>): unknown => ({ ...r, metrics: { ...r.metrics, wallMs: 0 } });
    // The first run on a thread allocates as usual; the second fills the free lists; the third reuses them.
    const first = strip(runScenario(req));
    expect(strip(runScenario(req))).toEqual(first);
    expect(strip(runScenario(req))).toEqual(first);
  });
});

describe('withRecycledArrays and lengths', () => {
  it('a shorter length reuses a larger array as a zeroed view of exactly that length', () => {
    let base: Int32Array | undefined;
    withRecycledArrays(() => {
      const log = new DirtyLog(PAGES);
      log.markAll();
      base = log.readAndClear();
      expect(base.length).toBe(PAGES);
    });
    withRecycledArrays(() => {
      const log = new DirtyLog(PAGES);
      for (let p = 0; p < 40_000; p++) log.mark(p);
      const out = log.readAndClear();
      expect(out.length).toBe(40_000);
      expect(out.buffer.byteLength).toBe(base!.buffer.byteLength); // a view of a 65,536-entry array
      expect(out.every((p, i) => p === i)).toBe(true);
    });
  });
});
