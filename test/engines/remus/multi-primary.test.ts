import { describe, expect, it } from 'vitest';
import { multiPrimaryRun } from './harness.js';

type M = Record<string, number>;

describe('several primaries on one backup (remus.primaries)', () => {
  it('they share the backup link: each keeps its invariants and slows as the link saturates', () => {
    const runs = [1, 2, 4].map((n) => multiPrimaryRun(n, 'synthetic', { 'workload.dirtyPagesPerEpoch': 200, 'run.durationS': 3, 'link.bandwidthMbps': 300 }).report);
    for (const r of runs) {
      expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
      for (const p of r.series.primaries!) {
        expect(p.memoryConsistent).toBe(true);
        expect(p.diskConsistent).toBe(true);
      }
    }
    const tx = runs.map((r) => (r.metrics as M).transmitMsMean!);
    const cps = runs.map((r) => (r.metrics as M).achievedCheckpointsPerS!);
    // Transmission stretches and the checkpoint rate falls as primaries are added.
    expect(tx[1]).toBeGreaterThan(tx[0]! * 1.5);
    expect(tx[2]).toBeGreaterThan(tx[1]! * 1.5);
    expect(cps[2]).toBeLessThan(cps[0]! * 0.75);
    // Per-primary metrics are in the series.
    expect(runs[2]!.series.primaries).toHaveLength(4);
  });

  it('with kvstore guests, a crash of one primary fails it over; the others stay protected', () => {
    for (const n of [2, 4]) {
      const { report } = multiPrimaryRun(n, 'kvstore', { 'run.durationS': 4, 'faults.primaryCrashAtS': 1.5 });
      expect(report.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
      expect(report.series.remusTimeline!.map((r) => r.event)).toEqual(['crash', 'detected', 'resumed']);
      const states = report.series.primaries!.map((p) => p.state);
      expect(states).toEqual(['failed-over', ...Array(n - 1).fill('protected')]);
    }
  }, 120_000);
});
