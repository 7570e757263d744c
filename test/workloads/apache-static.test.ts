import { describe, expect, it } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';

describe('apache-static (Clark fig. 8)', () => {
  it('serves ≈ 870 Mbit/s, and ≈ 765 while migrated over the same NIC (domain 0 shares its core)', () => {
    const r = runScenario({ engine: 'migration', workload: 'apache-static', params: { 'run.durationS': 25 } });
    const before = r.metrics.throughputBeforeMbps;
    const during = r.metrics.throughputDuringMbps!;
    expect(Math.abs(before - 870) / 870).toBeLessThan(0.03);
    expect(Math.abs(during - 765) / 765).toBeLessThan(0.05);
    expect(r.metrics.overheadPct).toBeGreaterThan(0);
  }, 60_000);
  it('without shared CPU the migration costs the server (almost) nothing', () => {
    const r = runScenario({ engine: 'migration', workload: 'apache-static', params: { 'run.durationS': 25, 'host.sharedCpu': false } });
    expect(r.metrics.throughputDuringMbps).toBeGreaterThan(850);
  }, 60_000);
});

describe('apache-static across the switch', () => {
  it('TCP clients resend what reached the source after the VM left; no request fails', () => {
    const r = runScenario({ engine: 'migration', workload: 'apache-static', params: { 'run.durationS': 20, 'vm.memoryMiB': 128, 'migration.startAtS': 2 } });
    expect(r.metrics.migrationCompleted).toBe(true);
    expect(r.invariants.memoryConsistent).toBe(true);
    expect(r.metrics.failedRequests).toBe(0);
    expect(r.metrics.retransmissions as number).toBeGreaterThan(0);
    expect(r.metrics.latencyMsP99 as number).toBeGreaterThan(r.metrics.latencyMsP50 as number);
  }, 60_000);
});
