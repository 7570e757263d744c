import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../lib/scenario/index.js';
import { remusRun } from './harness.js';

describe('remus failover (primary crash) with a kvstore guest', () => {
  it('buffered output: nothing externalized is lost, the backup resumes from the last checkpoint', () => {
    const o = remusRun('kvstore', { 'faults.primaryCrashAtS': 3.3, 'run.durationS': 8 });
    const m = o.metrics;
    expect(o.invariants).toMatchObject({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true, repliesConsistent: true, noLostAckedWrite: true });
    expect(m.lostOutputs).toBe(0);
    // Detection by the 1000 ms heartbeat timeout, then ≈40 ms to restore the domain.
    expect(m.failoverMs).toBeGreaterThan(1000);
    expect(m.failoverMs).toBeLessThan(1100);
    expect(m.wrongReplies).toBe(0);
    expect(m.brokenConnections).toBe(0);
    expect(m.protected).toBe(false);
    const events = o.series.remusTimeline!.map((r) => r.event);
    expect(events).toEqual(['crash', 'detected', 'resumed']);
  });

  it('unsafe mode (remus.netBuffering=false): the invariants can fail, and do', () => {
    const o = remusRun('kvstore', { 'faults.primaryCrashAtS': 3.3, 'run.durationS': 8, 'remus.netBuffering': false });
    const m = o.metrics;
    // Replies from epochs the backup never committed reached clients; the writes they
    // acknowledged are gone from the backup's state.
    expect(m.lostOutputs).toBeGreaterThan(0);
    expect(o.invariants.noLostOutput).toBe(false);
    expect(o.invariants.noLostAckedWrite).toBe(false);
    // Memory and disk replication are unaffected by the output mode.
    expect(o.invariants.memoryConsistent).toBe(true);
    expect(o.invariants.diskConsistent).toBe(true);
  });

  it('the heartbeat timeout sets the failover time', () => {
    const o = remusRun('kvstore', { 'faults.primaryCrashAtS': 2, 'run.durationS': 5, 'remus.heartbeatTimeoutMs': 300 });
    expect(o.metrics.failoverMs).toBeGreaterThan(300);
    expect(o.metrics.failoverMs).toBeLessThan(400);
    expect(o.invariants.noLostOutput).toBe(true);
  });

  it('a fixed-work guest redoes the lost epochs and completes on the backup', () => {
    const r = runScenario({ engine: 'remus', workload: 'kernel-compile', params: { 'workload.workS': 10, 'faults.primaryCrashAtS': 8, 'run.durationS': 60 } });
    const m = r.metrics;
    expect(m.completed).toBe(true);
    expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
    expect(m.failoverMs).toBeGreaterThan(1000);
  });
});

describe('remus backup failure', () => {
  it('the primary goes on unprotected: protected=false, output no longer held', () => {
    const base = remusRun('kvstore', { 'run.durationS': 6 }).metrics;
    const o = remusRun('kvstore', { 'faults.backupCrashAtS': 1, 'run.durationS': 6 });
    const m = o.metrics;
    expect(m.protected).toBe(false);
    expect(o.series.remusTimeline!.map((r) => r.event)).toEqual(['crash', 'unprotected']);
    expect(o.invariants).toMatchObject({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true, repliesConsistent: true });
    // Without the output barrier, replies leave at once: median latency falls well below an epoch.
    expect(m.latencyMsP50 as number).toBeLessThan((base.latencyMsP50 as number) / 2);
    expect(m.throughputOpsPerS as number).toBeGreaterThan(base.throughputOpsPerS as number);
  });
});

describe('remus link partition', () => {
  it('a partition longer than the heartbeat timeout makes the backup take over (the old primary fenced)', () => {
    const o = remusRun('kvstore', { 'faults.linkDownAtS': 2, 'faults.linkDownForS': 2, 'run.durationS': 6 });
    const events = o.series.remusTimeline!.map((r) => r.event);
    expect(events).toContain('link-down');
    expect(events).toContain('resumed');
    expect(o.invariants).toMatchObject({ memoryConsistent: true, diskConsistent: true, repliesConsistent: true });
  });

  it('a short partition only delays acknowledgements', () => {
    const o = remusRun('kvstore', { 'faults.linkDownAtS': 2, 'faults.linkDownForS': 0.3, 'run.durationS': 5 });
    expect(o.series.remusTimeline!.map((r) => r.event)).toEqual(['link-down', 'link-up']);
    expect(o.metrics.protected).toBe(true);
    expect(o.invariants).toMatchObject({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true, repliesConsistent: true });
  });
});

describe('remus metrics around a failover', () => {
  it('the achieved checkpoint rate counts the protected span only; the client outage covers detection and TCP back-off', () => {
    const o = remusRun('kvstore', { 'faults.primaryCrashAtS': 3, 'run.durationS': 6 });
    const m = o.metrics;
    expect(m.achievedCheckpointsPerS).toBeGreaterThan(38);
    expect(m.clientOutageMs).toBeGreaterThan(m.failoverMs!);
    expect(m.clientOutageMs).toBeLessThan(m.failoverMs! + 1700);
    // The output series marks nothing as taken back when output was buffered.
    expect(o.series.output!.some((r) => r.lost === true)).toBe(false);
  });
});
