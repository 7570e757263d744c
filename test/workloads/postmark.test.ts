import { describe, expect, it } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';

describe('postmark preset (Remus fig. 9)', () => {
  it('runs its transactions to completion, disk-bound', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'postmark', params: { 'workload.transactions': 1000 } });
    expect(r.metrics.completed).toBe(true);
    expect(r.metrics.transactions).toBe(1000);
    // 0.3 ms CPU + 4.7 ms disk per transaction.
    expect(r.metrics.completionTimeS).toBeCloseTo(5, 1);
  });

  it('disk replication alone (remus.memory=false, netBuffering=false) costs it almost nothing', () => {
    const r = runScenario({
      engine: 'remus',
      workload: 'postmark',
      params: { 'workload.transactions': 1000, 'remus.memory': false, 'remus.netBuffering': false },
    });
    expect(r.metrics.completed).toBe(true);
    expect(Math.abs(r.metrics.overheadPct as number)).toBeLessThan(1);
    expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, diskConsistent: true });
    expect(r.metrics.replicationMbps).toBeGreaterThan(0);
  });

  it('full Remus costs it the checkpoint pauses, a few percent', () => {
    const r = runScenario({ engine: 'remus', workload: 'postmark', params: { 'workload.transactions': 1000 } });
    expect(r.metrics.overheadPct).toBeGreaterThan(0);
    expect(r.metrics.overheadPct).toBeLessThan(15);
    expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
  });

  it('remus.memory=false with net buffering on is bad input', () => {
    expect(() => runScenario({ engine: 'remus', workload: 'postmark', params: { 'remus.memory': false } })).toThrow(/remus.memory/);
  });
});
