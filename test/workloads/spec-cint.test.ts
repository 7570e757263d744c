import { describe, expect, it } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';
import { CINT_PROGRAMS } from '../../workloads/presets/spec-cint.js';

type Rec = Record<string, number | string | boolean | null>;

/** Peak distinct pages per `run.sampleMs` window (series.dirty) among windows inside each program. */
function measuredPeaks(series: Record<string, Rec[]>): Record<string, number> {
  const dirty = series.dirty!;
  const windowS = 1;
  const out: Record<string, number> = {};
  for (const p of series.programs!) {
    const inside = dirty.filter((d) => (d.timeS as number) - windowS >= (p.startS as number) - 1e-9 && (d.timeS as number) <= (p.endS as number) + 1e-9);
    out[p.program as string] = Math.max(0, ...inside.map((d) => d.dirtyPages as number));
  }
  return out;
}

describe('spec-cint (Clark fig. 2, C8)', () => {
  // A quick run: 5 % of each program's CPU time still spans ≥ 6 windows of 1 s per program.
  const r = runScenario({ engine: 'unprotected', workload: 'spec-cint', params: { 'workload.timeScale': 0.05 } });
  const peaks = measuredPeaks(r.series as Record<string, Rec[]>);

  it('runs the twelve CINT2000 programs in SPEC order, as fixed work that completes', () => {
    expect((r.series.programs as Rec[]).map((p) => p.program)).toEqual(['gzip', 'vpr', 'gcc', 'mcf', 'crafty', 'parser', 'eon', 'perlbmk', 'gap', 'vortex', 'bzip2', 'twolf']);
    expect(r.metrics.completed).toBe(true);
    const cpu = CINT_PROGRAMS.reduce((a, p) => a + p.refTimeS / 7, 0) * 0.05;
    expect(r.metrics.completionTimeS).toBeCloseTo(cpu, 3);
    expect(r.params['vm.memoryMiB']).toBe(512);
  });

  it('C8: gzip, gap and bzip2 peak at ≈45–50 k pages per 1 s window (tolerance 5 % of the 80 k scale)', () => {
    for (const name of ['gzip', 'gap', 'bzip2']) {
      expect(peaks[name]).toBeGreaterThanOrEqual(45_000 - 4_000);
      expect(peaks[name]).toBeLessThanOrEqual(50_000 + 4_000);
    }
  });

  it('C8: gcc, mcf, crafty and vortex peak at ≈15–35 k pages', () => {
    for (const name of ['gcc', 'mcf', 'crafty', 'vortex']) {
      expect(peaks[name]).toBeGreaterThanOrEqual(15_000 - 4_000);
      expect(peaks[name]).toBeLessThanOrEqual(35_000 + 4_000);
    }
  });

  it('C8: eon and twolf have a writable working set of ≈0 (under 5 % of the scale)', () => {
    expect(peaks.eon).toBeLessThan(4_000);
    expect(peaks.twolf).toBeLessThan(4_000);
  });

  it('the programs series carries each program’s modelled peak, equal to what the sampler measured', () => {
    for (const p of r.series.programs as Rec[]) expect(peaks[p.program as string]).toBe(p.wwsPeakPages);
  });

  it('is deterministic and its length scales with workload.timeScale', () => {
    const a = runScenario({ engine: 'unprotected', workload: 'spec-cint', params: { 'workload.timeScale': 0.01 } });
    const b = runScenario({ engine: 'unprotected', workload: 'spec-cint', params: { 'workload.timeScale': 0.01 } });
    expect(JSON.stringify(a.series)).toBe(JSON.stringify(b.series));
    expect(a.metrics.completionTimeS).toBeCloseTo(r.metrics.completionTimeS! / 5, 3);
  });

  it('rejects a VM too small for the largest working set', () => {
    expect(() => runScenario({ engine: 'unprotected', workload: 'spec-cint', params: { 'vm.memoryMiB': 64 } })).toThrow(/vm\.memoryMiB/);
  });
});
