import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';

/*
 * A busy server's downtime, from first principles (no published value is used): what it rewrites
 * all the time — the receive ring its clients' ACKs land in, the socket buffers of its active
 * connections — is dirty in every pre-copy round, so it is in the last one, copied while the VM is
 * stopped. Quake 3's few datagrams leave its last round nearly empty.
 */
function downtime(workload: string, params: Record<string, number | string | boolean> = {}, seed = 1): { downtimeMs: number; lastRoundKiB: number } {
  const r = runScenario({ engine: 'migration', workload, seed, params: { 'migration.policy': 'xen-classic', ...params } });
  expect(r.metrics.migrationCompleted).toBe(true);
  expect(r.invariants.memoryConsistent).toBe(true);
  return { downtimeMs: r.metrics.downtimeMs!, lastRoundKiB: r.metrics.lastRoundKiB! };
}

describe('migrating a busy server', () => {
  it('apache-static (100 clients) is down at least a fifth longer than quake3, with a last round of hundreds of pages', () => {
    const apache = downtime('apache-static');
    const quake = downtime('quake3');
    expect(apache.downtimeMs).toBeGreaterThanOrEqual(1.2 * quake.downtimeMs);
    expect(apache.lastRoundKiB).toBeGreaterThan(4 * 200);
  }, 120_000);

  it('apache-static is down longer with 100 clients than with one', () => {
    for (const seed of [1, 2]) {
      const many = downtime('apache-static', {}, seed);
      const one = downtime('apache-static', { 'workload.clients': 1 }, seed);
      expect(many.downtimeMs).toBeGreaterThan(one.downtimeMs);
      expect(many.lastRoundKiB).toBeGreaterThan(one.lastRoundKiB);
    }
  }, 240_000);

  it('without the network buffers (vm.netBufferMiB = 0) the busy server’s last round is nearly empty again', () => {
    const bare = downtime('apache-static', { 'vm.netBufferMiB': 0 });
    const busy = downtime('apache-static');
    expect(bare.lastRoundKiB).toBeLessThan(busy.lastRoundKiB / 4);
  }, 120_000);
});
