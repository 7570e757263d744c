import { describe, expect, it } from 'vitest';
import { failover, POST_FAILOVER_EPOCH_BASE, type FailoverOutcome } from '../../../lib/engines/remus/failover.js';
import type { SnapshotKeeper } from '../../../lib/engines/remus/invariants.js';
import type { RemusRun } from '../../../lib/engines/remus/wire.js';
import type { ParamValue } from '../../../lib/params/index.js';
import { runScenario } from '../../../lib/scenario/index.js';
import type { Packet, VM } from '../../../lib/vm/index.js';
import { remusPair, remusRun } from './harness.js';

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

/*
 * failover() called directly on a running pair: a Remus pair built as the engine builds it, its
 * primary started but with no watchdog and no fault injected, the clock run to the moment of the
 * test's choosing; the test fails the primary (or not) and calls failover itself.
 */

/** The pair at `atS` s of a kvstore run, what its primary released and its VM's status changes recorded. */
function pairAt(atS: number, params: Record<string, ParamValue> = {}) {
  const { run, start } = remusPair(params);
  const primary = run.primaries[0]!;
  // Every packet the primary lets out, with its epoch (provenance), counted independently.
  const released: Packet[] = [];
  primary.output?.onRelease((pkt) => released.push(pkt));
  const statuses: Array<VM['status']> = [];
  primary.vm.onStatus((st) => statuses.push(st));
  start();
  run.sim.run(atS * 1e9);
  return { run, primary, sim: run.sim, released, statuses };
}

/** The primary's host crashes now, as the fault injector does it. */
function crashPrimary(run: RemusRun): void {
  const p = run.primaries[0]!;
  p.host.alive = false;
  p.vm.crash();
  p.crash();
  run.transport.hostDown(p.host);
  run.network.hostCrashed(p.host);
}

/** The backup declares primary 0 failed now; `resumed` collects what onResumed reports. */
function failOver(run: RemusRun, snapshots: SnapshotKeeper | null = run.keepers[0] ?? null) {
  const p = run.primaries[0]!;
  const resumed: FailoverOutcome[] = [];
  const nextEpoch = POST_FAILOVER_EPOCH_BASE + p.currentEpoch;
  const outcome = failover({
    sim: run.sim,
    primary: p,
    backup: run.backup,
    snapshots,
    network: run.network,
    service: run.guests[0]!.service,
    timeline: run.timeline,
    nextEpoch,
    restoreNs: run.config.costs.restoreNs,
    onResumed: (o) => resumed.push(o),
  });
  return { outcome, resumed, nextEpoch };
}

const events = (run: RemusRun): unknown[] => run.timeline.rows.map((r) => r.event);

describe('failover() on the backup', () => {
  it('after a primary crash: reports what the backup committed and lost, then resumes the VM on the backup after the restore time', () => {
    const { run, primary, sim, statuses } = pairAt(0.313);
    crashPrimary(run);
    const committed = primary.replica.committedEpoch;
    const frontier = primary.currentEpoch;
    const held = primary.replica.pendingWriteCount;
    expect(committed).toBeGreaterThan(0);
    expect(frontier).toBeGreaterThan(committed);
    const before = statuses.length;
    const { outcome, resumed, nextEpoch } = failOver(run);
    expect(outcome).toEqual({
      detectedNs: sim.now,
      resumedNs: -1,
      committedEpoch: committed,
      lostEpochs: frontier - committed,
      lostOutputs: 0,
      discardedWrites: held,
      memoryConsistent: true,
      diskConsistent: true,
      fenced: false,
    });
    expect(primary.state).toBe('failed-over');
    expect(primary.replica.pendingWriteCount).toBe(0);
    expect(events(run)).toEqual(['detected']);
    // Rebuilt on the backup, paused until the restore is done.
    expect(primary.vm.host).toBe(run.backup);
    expect(primary.vm.memory).toBe(primary.replica.image);
    expect(primary.vm.status).toBe('paused');
    const detected = sim.now;
    sim.run(detected + run.config.costs.restoreNs - 1);
    expect(resumed).toEqual([]);
    sim.run(detected + run.config.costs.restoreNs);
    expect(resumed).toEqual([outcome]);
    expect(outcome.resumedNs).toBe(detected + run.config.costs.restoreNs);
    expect(primary.vm.status).toBe('running');
    expect(primary.vm.epoch).toBe(nextEpoch);
    // The timeline names the checkpoint the VM resumed from and where it runs now.
    expect(run.timeline.rows).toEqual([
      { timeS: detected / 1e9, primary: 0, event: 'detected', detail: expect.stringContaining(`last committed checkpoint ${committed}`) },
      { timeS: outcome.resumedNs / 1e9, primary: 0, event: 'resumed', detail: `VM running on ${run.backup.name} from checkpoint ${committed}` },
    ]);
    // The crashed VM was not crashed again: it went from crashed straight to its restore.
    expect(statuses.slice(before)).toEqual(['paused', 'running']);
  });

  it('a partitioned primary, still running and protected, is fenced off: its VM is stopped before the backup’s copy takes over', () => {
    const { run, primary, sim, statuses } = pairAt(0.313);
    run.transport.setUp(false);
    sim.run(sim.now + run.config.heartbeatTimeoutNs);
    expect(primary.state).toBe('protected');
    expect(primary.vm.status).not.toBe('crashed');
    const before = statuses.length;
    const { outcome } = failOver(run);
    expect(outcome.fenced).toBe(true);
    expect(statuses.slice(before)).toEqual(['crashed', 'paused']);
    expect(outcome.memoryConsistent).toBe(true);
    expect(outcome.diskConsistent).toBe(true);
  });

  it('takes back the held output and counts the released packets of uncommitted epochs as lost (unsafe mode)', () => {
    // A partitioned primary still holds its output (a crashed one's died with it).
    const safe = pairAt(0.313);
    safe.run.transport.setUp(false);
    const held = safe.primary.output!.buffered;
    expect(held).toBeGreaterThan(0);
    expect(failOver(safe.run).outcome.lostOutputs).toBe(0);
    expect(safe.primary.output!.buffered).toBe(0);
    expect(safe.primary.output!.discarded).toBe(held);

    const unsafe = pairAt(0.313, { 'remus.netBuffering': false });
    crashPrimary(unsafe.run);
    const committed = unsafe.primary.replica.committedEpoch;
    const lost = unsafe.released.filter((pkt) => pkt.epoch > committed).length;
    expect(lost).toBeGreaterThan(0);
    expect(unsafe.released.length).toBeGreaterThan(lost);
    expect(failOver(unsafe.run).outcome.lostOutputs).toBe(lost);
  });

  it('finds an image or a disk that differs from the committed capture, from the first page or block on', () => {
    const mem = pairAt(0.313);
    crashPrimary(mem.run);
    const img = mem.primary.replica.image!;
    img.installPage(0, img.versions[0]! + 1, img.pageView(0).slice());
    const m = failOver(mem.run).outcome;
    expect([m.memoryConsistent, m.diskConsistent]).toEqual([false, true]);

    const disk = pairAt(0.313);
    crashPrimary(disk.run);
    const d = disk.primary.replica.disk;
    d.apply({ block: 0, version: d.versions[0]! + 1, data: new Uint8Array(d.blockBytes) });
    const o = failOver(disk.run).outcome;
    expect([o.memoryConsistent, o.diskConsistent]).toEqual([true, false]);
  });

  it('does not check memory and disk without a capture of the committed checkpoint, and still resumes', () => {
    const { run, sim } = pairAt(0.313);
    crashPrimary(run);
    const { outcome, resumed } = failOver(run, null);
    expect([outcome.memoryConsistent, outcome.diskConsistent]).toEqual([null, null]);
    sim.run(sim.now + run.config.costs.restoreNs);
    expect(resumed).toEqual([outcome]);
  });

  it('disk-only replication: the disk is checked, but with no memory image there is nothing to resume', () => {
    const { run, primary, sim } = pairAt(0.313, { 'remus.memory': false, 'remus.netBuffering': false });
    expect(primary.output).toBeNull();
    crashPrimary(run);
    const { outcome, resumed } = failOver(run);
    expect(outcome.lostOutputs).toBe(0);
    expect([outcome.memoryConsistent, outcome.diskConsistent]).toEqual([null, true]);
    expect(events(run)).toEqual(['detected', 'no-failover']);
    sim.run(sim.now + 10 * run.config.costs.restoreNs);
    expect(resumed).toEqual([]);
    expect(outcome.resumedNs).toBe(-1);
    expect(primary.vm.status).toBe('crashed');
    expect(primary.vm.host).toBe(primary.host);
  });

  it('a backup that dies during the restore never resumes the VM', () => {
    const { run, primary, sim } = pairAt(0.313);
    crashPrimary(run);
    const { outcome, resumed } = failOver(run);
    run.backup.alive = false;
    sim.run(sim.now + 10 * run.config.costs.restoreNs);
    expect(resumed).toEqual([]);
    expect(outcome.resumedNs).toBe(-1);
    expect(primary.vm.status).toBe('paused');
    expect(events(run)).toEqual(['detected']);
  });
});
