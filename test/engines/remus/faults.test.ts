import { describe, expect, it } from 'vitest';
import type { SeriesRecord } from '../../../lib/metrics/records.js';
import { remusRun, type RemusOutcome } from './harness.js';

/** A 4 s kvstore run in a 16 MiB VM, 50 ms epochs, a 200 ms heartbeat timeout. */
const run = (params: Record<string, number>): RemusOutcome =>
  remusRun('kvstore', { 'vm.memoryMiB': 16, 'run.durationS': 4, 'remus.epochMs': 50, 'remus.heartbeatTimeoutMs': 200, ...params });

const events = (o: RemusOutcome): string[] => o.series.remusTimeline!.map((r) => r.event as string);
const at = (o: RemusOutcome, event: string): SeriesRecord[] => o.series.remusTimeline!.filter((r) => r.event === event);
/** When the first primary's clients last received a packet. */
const lastOutputS = (o: RemusOutcome): number => Math.max(...o.series.output!.map((r) => r.timeS as number));

describe('remus injectFaults(run, faults)', { timeout: 120_000 }, () => {
  it('faults.hostCrashAtS before any failover crashes the host running the VM, the primary: the backup takes over', () => {
    const o = run({ 'faults.hostCrashAtS': 1 });
    expect(events(o)).toEqual(['crash', 'detected', 'resumed']);
    expect(at(o, 'crash')[0]).toMatchObject({ timeS: 1, primary: 0 });
    expect(o.metrics.failoverMs!).toBeGreaterThan(0);
    // Clients are served again from the backup after the failover.
    expect(lastOutputS(o)).toBeGreaterThan(3.5);
    expect(o.invariants).toMatchObject({ memoryConsistent: true, diskConsistent: true, noLostOutput: true });
  });

  it('faults.hostCrashAtS after a failover crashes the backup, where the VM now runs: the guest dies with it', () => {
    const o = run({ 'faults.primaryCrashAtS': 1, 'faults.hostCrashAtS': 2.5 });
    expect(events(o)).toEqual(['crash', 'detected', 'resumed', 'crash']);
    // The second crash is the backup host's: no primary named.
    expect(at(o, 'crash')[1]).not.toHaveProperty('primary');
    expect(at(o, 'crash')[1]!.timeS).toBe(2.5);
    // Nothing reaches the clients after the guest died on the backup.
    expect(lastOutputS(o)).toBeLessThanOrEqual(2.5);
    expect(lastOutputS(o)).toBeGreaterThan(1.5);
  });

  it('a host that is already down is not crashed again (primary and host crash at one instant; two crashes of the backup)', () => {
    const same = run({ 'faults.primaryCrashAtS': 1, 'faults.hostCrashAtS': 1 });
    expect(events(same)).toEqual(['crash', 'detected', 'resumed']);
    expect(same.metrics.failoverMs).toBeCloseTo((at(same, 'resumed')[0]!.timeS as number) * 1e3 - 1e3, 6);
    const twice = run({ 'faults.primaryCrashAtS': 1, 'faults.hostCrashAtS': 2.5, 'faults.backupCrashAtS': 2.5 });
    expect(events(twice)).toEqual(['crash', 'detected', 'resumed', 'crash']);
  });

  it('faults.backupCrashAtS: what the backup held is checked against the last committed checkpoint; the primary goes on unprotected', () => {
    const o = run({ 'faults.backupCrashAtS': 1.5 });
    expect(events(o)).toEqual(['crash', 'unprotected']);
    expect(o.invariants).toMatchObject({ memoryConsistent: true, diskConsistent: true });
    expect(o.series.primaries![0]).toMatchObject({ memoryConsistent: true, diskConsistent: true, state: 'unprotected' });
    expect(lastOutputS(o)).toBeGreaterThan(3.5);
  });

  it('faults.vmCrashAtS: the guest alone crashes (outside Remus’s fault model); the backup takes over as for a host crash', () => {
    const o = run({ 'faults.vmCrashAtS': 1 });
    expect(events(o)).toEqual(['vm-crash', 'detected', 'resumed']);
    expect(at(o, 'vm-crash')[0]).toMatchObject({ timeS: 1, primary: 0 });
    expect(o.metrics.failoverMs!).toBeCloseTo((at(o, 'resumed')[0]!.timeS as number) * 1e3 - 1e3, 6);
  });
});
