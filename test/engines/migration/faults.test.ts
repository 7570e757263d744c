import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';
import { synthetic } from '../../../workloads/index.js';
import { migrate } from './harness.js';

const S = 1e9;
/** An idle 256-MiB guest moved by stop-and-copy: the copy takes over two seconds, paused all along. */
const stopAndCopy = { 'migration.policy': 'stop-and-copy', 'workload.dirtyPagesPerS': 0, 'vm.memoryMiB': 256, 'workload.workingSetMiB': 1, 'run.durationS': 10 };

describe('the migration engine under failures', () => {
  it('a completed migration points the clients at the target and reports its downtime', () => {
    const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': 1 });
    expect(r.metrics.migrationCompleted).toBe(true);
    expect(r.network.serverHost()).toBe(r.hosts[1]);
    expect(r.vm.host).toBe(r.hosts[1]);
    expect(r.metrics.throughputDuringMbps).toBeDefined();
    expect(r.metrics.downtimeMs).toBeGreaterThan(2000);
    expect(r.series.migration).toBeUndefined();
  });

  it('a run that ends in the stop phase reports the downtime so far: from the pause to the end', () => {
    for (const startAtS of [0, 0.5]) {
      const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': startAtS, 'run.durationS': 1.5 });
      expect(r.metrics.migrationCompleted).toBe(false);
      expect(r.metrics.migrationAborted).toBe(false);
      expect(r.metrics.downtimeMs).toBe((1.5 - startAtS) * 1000);
      expect(r.metrics.totalTimeS).toBeUndefined();
      expect(r.metrics.throughputDuringMbps).toBeDefined();
      expect(r.network.serverHost()).toBe(r.hosts[0]);
    }
  });

  it('the target host crashes in the stop phase: abandoned, the guest resumed at the source, no downtime of its own', () => {
    const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': 0.5 }, { faults: [{ kind: 'backupCrash', atNs: 1.25 * S }] });
    expect(r.metrics.migrationAborted).toBe(true);
    expect(r.metrics.migrationCompleted).toBe(false);
    expect(r.metrics.downtimeMs).toBeUndefined();
    expect(r.series.migration).toEqual([{ event: 'aborted', reason: 'target host crashed', timeS: 1.25 }]);
    expect(r.hosts[1]!.alive).toBe(false);
    expect(r.hosts[0]!.alive).toBe(true);
    expect(r.vm.status).toBe('running');
    expect(r.vm.host).toBe(r.hosts[0]);
    expect(r.network.serverHost()).toBe(r.hosts[0]);
  });

  it("the VM's host crashes: the guest is lost with it", () => {
    const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': 0.5 }, { faults: [{ kind: 'hostCrash', atNs: 0.75 * S }] });
    expect(r.series.migration).toEqual([{ event: 'aborted', reason: 'host A crashed', timeS: 0.75 }]);
    expect(r.hosts[0]!.alive).toBe(false);
    expect(r.hosts[1]!.alive).toBe(true);
    expect(r.vm.status).toBe('crashed');
  });

  it('the source host crashes: named as such', () => {
    const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': 0.5 }, { faults: [{ kind: 'primaryCrash', atNs: 2 * S }] });
    expect(r.series.migration).toEqual([{ event: 'aborted', reason: 'source host crashed', timeS: 2 }]);
    expect(r.hosts[0]!.alive).toBe(false);
    expect(r.vm.status).toBe('crashed');
  });

  it('the VM crashes: both hosts stay up', () => {
    const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': 0.5 }, { faults: [{ kind: 'vmCrash', atNs: 0.6 * S }] });
    expect(r.series.migration).toEqual([{ event: 'aborted', reason: 'VM crashed', timeS: 0.6 }]);
    expect(r.hosts.map((h) => h.alive)).toEqual([true, true]);
    expect(r.vm.status).toBe('crashed');
    expect(r.metrics.downtimeMs).toBeUndefined();
  });

  it('a VM that crashed before the start is not migrated at all', () => {
    const r = migrate(synthetic, { ...stopAndCopy, 'migration.startAtS': 2 }, { faults: [{ kind: 'vmCrash', atNs: 1 * S }] });
    expect(r.metrics.migrationAborted).toBe(false);
    expect(r.metrics.migrationCompleted).toBe(false);
    expect(r.metrics.rounds).toBe(0);
    expect(r.metrics.sentMiB).toBe(0);
    expect(r.metrics.throughputDuringMbps).toBeUndefined();
    expect(r.series.migration).toBeUndefined();
    expect(r.series.rounds).toEqual([]);
  });

  it('an abandoned migration measures the throughput during it up to the end of the run', () => {
    // Quake 3 serves 20 frames a second throughout: the target's crash does not touch it.
    const r = runScenario({ engine: 'migration', workload: 'quake3', params: { 'run.durationS': 20, 'migration.startAtS': 5, 'faults.backupCrashAtS': 7 } });
    expect(r.metrics.migrationAborted).toBe(true);
    const before = r.metrics.throughputBeforeMbps as number;
    expect(before).toBeGreaterThan(0);
    expect(Math.abs((r.metrics.throughputDuringMbps as number) - before)).toBeLessThan(0.1 * before);
  });
});
