import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';

describe('remus invariants are reported only when checked', () => {
  it('checks memory and disk at a failover caused by a VM crash (snapshots kept for any fault)', () => {
    const r = runScenario({ engine: 'remus', workload: 'kvstore', params: { 'run.durationS': 6, 'faults.vmCrashAtS': 2 } });
    expect(r.metrics.failoverMs).toBeGreaterThan(0);
    expect(r.invariants).toMatchObject({ memoryConsistent: true, diskConsistent: true, noLostOutput: true, outputCommitted: true });
  });

  it('leaves means of checkpoints out when none was taken', () => {
    const r = runScenario({ engine: 'remus', workload: 'synthetic', params: { 'run.durationS': 3, 'faults.backupCrashAtS': 0 } });
    expect(r.metrics.protected).toBe(false);
    expect(r.metrics.transmitMsMean).toBeUndefined();
  });
});
