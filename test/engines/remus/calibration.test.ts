import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';
import { remusRun } from './harness.js';

/*
 * Calibration rows (docs/design.md#calibration), reproduced by engine runs — never by evaluating the cost
 * functions against themselves. Tolerance: the larger of the stated percentage and 5 % of the
 * figure's full scale (C3's figure: ≈80 ms → 4 ms).
 */

const C3 = [
  { pages: 1, pauseMs: 0.5, transmitMs: 0.5 },
  { pages: 256, pauseMs: 1.5, transmitMs: 14 },
  { pages: 512, pauseMs: 2.5, transmitMs: 35 },
  { pages: 1024, pauseMs: 4.3, transmitMs: 57 },
];
const C3_TOLERANCE_MS = 0.05 * 80;

describe('C3: checkpoint cost by pages dirtied (synthetic, 512 MiB, GbE)', () => {
  for (const row of C3) {
    it(`${row.pages} pages per epoch: pause ≈ ${row.pauseMs} ms, transmit ≈ ${row.transmitMs} ms`, () => {
      const o = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': row.pages, 'run.durationS': 3 });
      const m = o.metrics as Record<string, number>;
      expect(Math.abs(m.pauseMsMean! - row.pauseMs)).toBeLessThanOrEqual(C3_TOLERANCE_MS);
      expect(Math.abs(m.transmitMsMean! - row.transmitMs)).toBeLessThanOrEqual(C3_TOLERANCE_MS);
      // The pause is much closer than the tolerance: it is the better-determined half of the row.
      expect(Math.abs(m.pauseMsMean! - row.pauseMs)).toBeLessThan(0.25);
      expect(o.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
    });
  }

  it('each checkpoint copies exactly the pages the epoch dirtied', () => {
    const o = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': 256, 'run.durationS': 1 });
    const rows = o.series.epochs!;
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows.slice(1)) expect(r.dirtyPages).toBe(256);
  });

  it('transmission-bound epochs: the next checkpoint waits for the ack, so fewer happen than configured', () => {
    const m = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': 1024, 'run.durationS': 3 }).metrics as Record<string, number>;
    expect(m.achievedCheckpointsPerS).toBeLessThan(25);
    expect(m.epochMsMean).toBeGreaterThan(50);
    const light = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': 1, 'run.durationS': 3 }).metrics as Record<string, number>;
    expect(light.achievedCheckpointsPerS).toBeCloseTo(40, 0);
    expect(light.epochMsMean).toBeCloseTo(25, 1);
  });
});

describe('C7: suspend/resume', () => {
  it('optimised ≈100 µs of the pause; stock Xen 30–40 ms', () => {
    const fast = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': 1, 'run.durationS': 1, 'vm.memoryMiB': 16, 'workload.workingSetMiB': 1 }).metrics as Record<string, number>;
    // A 16 MiB VM: the bitmap walk is 4096 × 3 ns, so the pause is almost all suspend/resume.
    expect(fast.pauseMsMean).toBeGreaterThan(0.09);
    expect(fast.pauseMsMean).toBeLessThan(0.13);
    const stock = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': 1, 'run.durationS': 1, 'remus.optimisedSuspend': false }).metrics as Record<string, number>;
    expect(stock.pauseMsMean).toBeGreaterThan(30);
    expect(stock.pauseMsMean).toBeLessThan(40);
    // suspendMsMean isolates the suspend/resume path within the pause, on any VM size.
    const big = remusRun('synthetic', { 'workload.dirtyPagesPerEpoch': 1, 'run.durationS': 1 }).metrics as Record<string, number>;
    expect(big.suspendMsMean).toBeCloseTo(0.1, 6);
    expect(big.pauseMsMean).toBeCloseTo(0.5, 1);
    expect(stock.suspendMsMean).toBeCloseTo(35, 6);
  });
});

describe('C4: kernel build overhead against checkpoint rate (Remus fig. 6)', () => {
  const published: ReadonlyArray<readonly [rate: number, overheadPct: number]> = [
    [10, 31],
    [20, 52],
    [30, 80],
    [40, 103],
  ];
  it.each(published)('at %d checkpoints/s costs %d %% ± 15 points against its unprotected twin', (rate, pct) => {
    const r = runScenario({ engine: 'remus', workload: 'kernel-compile', params: { 'remus.checkpointsPerS': rate } });
    const m = r.metrics as Record<string, number | boolean>;
    expect(m.completed).toBe(true);
    expect(Math.abs((m.overheadPct as number) - pct)).toBeLessThanOrEqual(15);
    expect(m.achievedCheckpointsPerS).toBeGreaterThan(0.85 * rate);
    expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
  }, 60_000);

  it('is a curve, not a level: each extra 10 checkpoints/s adds at least 10 points', () => {
    const ov = [10, 20, 30, 40].map((rate) => runScenario({ engine: 'remus', workload: 'kernel-compile', params: { 'remus.checkpointsPerS': rate } }).metrics.overheadPct!);
    for (let i = 1; i < ov.length; i++) expect(ov[i]! - ov[i - 1]!).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('the unprotected build takes ≈310 s', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'kernel-compile' });
    expect(r.metrics.completionTimeS).toBeGreaterThan(305);
    expect(r.metrics.completionTimeS).toBeLessThan(316);
  });
});
