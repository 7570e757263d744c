import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';

describe('a content-backed guest (kvstore) migrated mid-run', () => {
  it('runs on from the bytes the target received and keeps answering every client correctly', () => {
    for (const policy of ['xen-classic', 'qemu']) {
      const r = runScenario({ engine: 'migration', workload: 'kvstore', params: { 'migration.policy': policy, 'migration.startAtS': 2, 'run.durationS': 8 } });
      expect(r.metrics.migrationCompleted).toBe(true);
      expect(r.invariants.memoryConsistent).toBe(true); // versions and bytes equal at the switch
      for (const [name, holds] of Object.entries(r.invariants)) expect(holds, name).toBe(true);
      expect(r.metrics.wrongReplies).toBe(0);
      expect(r.metrics.corruptReplies).toBe(0);
      expect(r.metrics.opsCompleted as number).toBeGreaterThan(1000);
    }
  }, 60_000);
});
