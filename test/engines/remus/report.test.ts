import { mean } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_COMMIT_NS, RECV_NS_PER_PAGE, SEND_NS_PER_PAGE } from '../../../lib/engines/remus/costs.js';
import type { SeriesRecord } from '../../../lib/metrics/records.js';
import { remusRun, type RemusOutcome } from './harness.js';

const num = (r: SeriesRecord, k: string): number => r[k] as number;

/** A 3 s kvstore run in a 16 MiB VM, 50 ms epochs. */
const short = (params: Record<string, number | string | boolean> = {}): RemusOutcome =>
  remusRun('kvstore', { 'vm.memoryMiB': 16, 'run.durationS': 3, 'remus.epochMs': 50, ...params });

describe('remusReport(run, endNs): the totals are what the epochs series adds up to', { timeout: 120_000 }, () => {
  const o = short();
  const m = o.metrics;
  const epochs = o.series.epochs!;
  const acked = epochs.filter((e) => e.transmitMs !== null);

  it('achievedCheckpointsPerS = checkpoints ÷ protected seconds (the whole run without a fault)', () => {
    expect(epochs.length).toBeGreaterThan(40);
    expect(m.achievedCheckpointsPerS).toBeCloseTo(epochs.length / 3, 9);
  });

  it('pauseMsMean, transmitMsMean and epochMsMean are means over the checkpoints that had them', () => {
    expect(m.pauseMsMean).toBeCloseTo(mean(epochs.map((e) => num(e, 'pauseMs'))), 9);
    expect(m.transmitMsMean).toBeCloseTo(mean(acked.map((e) => num(e, 'transmitMs'))), 9);
    // An epoch runs from one checkpoint's start to the next (50 ms, plus the pause in between).
    expect(m.epochMsMean!).toBeGreaterThanOrEqual(50);
    expect(m.epochMsMean!).toBeLessThan(50 + 2 * m.pauseMsMean!);
    // The suspend/resume part of each pause: Remus's optimised path, 0.1 ms (C7).
    expect(m.suspendMsMean).toBeCloseTo(0.1, 9);
  });

  it('replicationMbps counts what reached the backup: at least every acknowledged checkpoint, at most everything sent', () => {
    const deliveredBytes = (m.replicationMbps * 1e6 * 3) / 8;
    expect(deliveredBytes).toBeGreaterThanOrEqual(acked.reduce((a, e) => a + num(e, 'wireKiB') * 1024, 0) * (1 - 1e-9));
    expect(deliveredBytes).toBeLessThanOrEqual(epochs.reduce((a, e) => a + num(e, 'wireKiB') * 1024, 0) + 64 * 1024 * 1024);
  });

  it('dom0CpuSeconds = the pauses + sending and receiving every delivered byte + each acknowledged checkpoint’s commit', () => {
    const bytes = (m.replicationMbps * 1e6 * 3) / 8;
    const pauses = mean(epochs.map((e) => num(e, 'pauseMs'))) * epochs.length * 1e6;
    const perByte = (SEND_NS_PER_PAGE + RECV_NS_PER_PAGE) / 4096;
    const expected = (pauses + bytes * perByte + acked.length * CHECKPOINT_COMMIT_NS) / 1e9;
    expect(m.dom0CpuSeconds / expected).toBeCloseTo(1, 6);
  });

  it('the primaries series holds the one primary’s own figures, equal to the totals', () => {
    const [p, ...rest] = o.series.primaries!;
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ primary: 0, state: 'protected', checkpoints: epochs.length, lostOutputs: 0, memoryConsistent: true, diskConsistent: true });
    for (const k of ['achievedCheckpointsPerS', 'pauseMsMean', 'transmitMsMean', 'epochMsMean', 'replicationMbps'] as const) expect(num(p!, k)).toBeCloseTo(m[k]!, 9);
  });

  it('a run without a fault: protected, nothing lost, no failover figure, every invariant checked', () => {
    expect(m).toMatchObject({ protected: true, lostOutputs: 0, compressionRatio: 1 });
    expect(m).not.toHaveProperty('failoverMs');
    expect(o.invariants).toMatchObject({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
  });
});

describe('remusReport(run, endNs): what never happened is left out', { timeout: 120_000 }, () => {
  it('a run shorter than one epoch has no checkpoint: no means, a rate of 0, zeros in its primary row', () => {
    const o = short({ 'run.durationS': 0.02 });
    expect(o.metrics.achievedCheckpointsPerS).toBe(0);
    for (const k of ['pauseMsMean', 'suspendMsMean', 'transmitMsMean', 'epochMsMean']) expect(o.metrics).not.toHaveProperty(k);
    expect(o.series.primaries![0]).toMatchObject({ checkpoints: 0, pauseMsMean: 0, transmitMsMean: 0, epochMsMean: 0 });
  });

  it('disk replication alone (remus.memory=false) reports no memory check', () => {
    const o = short({ 'remus.memory': false, 'remus.netBuffering': false });
    expect(o.invariants).not.toHaveProperty('memoryConsistent');
    expect(o.invariants.diskConsistent).toBe(true);
    expect(o.series.primaries![0]!.memoryConsistent).toBeNull();
  });
});

describe('remusReport(run, endNs) after a primary crash', { timeout: 120_000 }, () => {
  const o = short({ 'faults.primaryCrashAtS': 1.5, 'remus.heartbeatTimeoutMs': 200 });
  const m = o.metrics;

  it('protection ends at the crash: the checkpoint rate is over the 1.5 s before it', () => {
    const before = o.series.epochs!.filter((e) => num(e, 'startS') < 1.5).length;
    expect(m.achievedCheckpointsPerS).toBeCloseTo(before / 1.5, 9);
    expect(o.series.primaries![0]!.achievedCheckpointsPerS).toBeCloseTo(before / 1.5, 9);
  });

  it('failoverMs runs from the crash to the backup’s resumption; the clients’ outage is reported', () => {
    const resumed = o.series.remusTimeline!.find((r) => r.event === 'resumed')!;
    expect(m.failoverMs).toBeCloseTo((num(resumed, 'timeS') - 1.5) * 1e3, 6);
    // Detection within the 200 ms heartbeat timeout, then 40 ms to restore the domain.
    expect(m.failoverMs!).toBeGreaterThan(40);
    expect(m.failoverMs!).toBeLessThan(200 + 40 + 50);
    expect(m.clientOutageMs!).toBeGreaterThanOrEqual(m.failoverMs! - 50);
    expect(m.protected).toBe(false);
    expect(o.invariants).toMatchObject({ noLostOutput: true, memoryConsistent: true, diskConsistent: true });
  });
});
