import { describe, expect, it } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';
import { getWorkload } from '../../workloads/index.js';

describe('kernel-compile preset (Remus fig. 6)', () => {
  it('is registered with its source, fixed work and a declared write model', () => {
    const w = getWorkload('kernel-compile');
    expect(w.from).toBe('Remus fig. 6');
    expect(w.fixedWork).toBe(true);
    const keys = w.params.map((p) => p.key);
    for (const k of ['workload.bytesChangedPerWrite', 'workload.runsPerWrite', 'workload.pageEntropyBits']) expect(keys).toContain(k);
  });

  it('finishes its CPU work in ≈ workload.workS when alone, writing pages and disk blocks', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'kernel-compile', params: { 'workload.workS': 20 } });
    expect(r.metrics.completed).toBe(true);
    expect(r.metrics.completionTimeS).toBeCloseTo(20, 0);
    const dirty = r.series.dirty!;
    // A busy writable working set: thousands of distinct pages per second.
    expect(dirty.length).toBeGreaterThan(10);
    expect(dirty[5]!.dirtyPages as number).toBeGreaterThan(2000);
  });

  it('bad input: a working set larger than memory names the key', () => {
    expect(() => runScenario({ engine: 'unprotected', workload: 'kernel-compile', params: { 'workload.workingSetMiB': 1024 } })).toThrow(/workload.workingSetMiB/);
  });

  it('is deterministic for a seed', () => {
    const a = runScenario({ engine: 'remus', workload: 'kernel-compile', params: { 'workload.workS': 5 }, seed: 3 });
    const b = runScenario({ engine: 'remus', workload: 'kernel-compile', params: { 'workload.workS': 5 }, seed: 3 });
    const strip = (m: Record<string, unknown>) => ({ ...m, wallMs: 0 });
    expect(strip(a.metrics)).toEqual(strip(b.metrics));
    expect(a.series.epochs).toEqual(b.series.epochs);
  });
});
