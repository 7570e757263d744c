import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';

describe('migration that does not finish before the run ends', () => {
  it('reports no downtime, total time or last round rather than zeros', () => {
    // qemu never forces the switch: a guest dirtying faster than the link never converges.
    const r = runScenario({
      engine: 'migration',
      workload: 'synthetic',
      params: {
        'migration.policy': 'qemu',
        'migration.startAtS': 1,
        'run.durationS': 8,
        'vm.memoryMiB': 256,
        'workload.workingSetMiB': 256,
        'workload.dirtyPagesPerS': 60000,
        'host.sharedCpu': false,
      },
    });
    expect(r.metrics.migrationCompleted).toBe(false);
    expect(r.metrics.downtimeMs).toBeUndefined();
    expect(r.metrics.totalTimeS).toBeUndefined();
    expect(r.metrics.lastRoundKiB).toBeUndefined();
    expect(r.metrics.sentMiB).toBeGreaterThan(256);
  });
});
