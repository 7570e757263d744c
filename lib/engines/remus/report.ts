import type { SeriesRecord } from '../../metrics/records.js';
import type { EngineReport } from '../engine.js';
import { installCheckpoint } from './backup.js';
import { POST_FAILOVER_EPOCH_BASE } from './failover.js';
import { diskDifference, memoryDifference } from './invariants.js';
import type { RemusMetrics } from './metrics.js';
import type { Primary } from './primary.js';
import type { RemusRun } from './wire.js';

/** What one primary's run came to: how long it was protected and what its checks found. */
interface PrimaryOutcome {
  readonly p: Primary;
  /** Seconds from the start to the end of its protection (at least 1 ns). */
  readonly spanS: number;
  /** Its memory and disk checks (null: none ran). */
  readonly memory: boolean | null;
  readonly disk: boolean | null;
  readonly lostOutputs: number;
}

/**
 * The run's metrics, invariants and series: each primary's outcome, then the totals over all
 * primaries (throughput-like metrics per protected second, means over what actually happened).
 */
export function remusReport(run: RemusRun, endNs: number): EngineReport {
  const { primaries, config } = run;
  const outcomes = primaries.map((p, i) => primaryOutcome(run, i, endNs));
  const sum = (of: (o: PrimaryOutcome) => number): number => outcomes.reduce((a, o) => a + of(o), 0);
  const checkpoints = sum((o) => o.p.stats.checkpoints);
  const protectedS = sum((o) => o.spanS);
  const pauseNs = sum((o) => o.p.stats.pauseNsSum);
  const acked = sum((o) => o.p.stats.acked);
  // What reached the backup: a checkpoint still on the wire at the end does not count.
  const bytes = sum((o) => o.p.deliveredBytes);
  const lost = sum((o) => o.lostOutputs);
  const intervals = sum((o) => o.p.stats.epochIntervals);
  const n = primaries.length;
  // Failover and the client outage are about the first primary (its clients are the run's).
  const fo = run.failovers[0] ?? null;
  const failedAt = run.crashAt[0]!;
  const outage = fo !== null && failedAt >= 0 ? run.gaps.outageMs(endNs) : undefined;
  // Domain-0 CPU of replication, part of cpuSeconds: the checkpoint pauses (bitmap scan, page
  // copies, suspend/resume), putting the delivered stream on the wire and receiving it on the
  // backup (per byte, whether or not that CPU binds), and each acknowledged checkpoint's commit.
  // Compression's CPU is not counted.
  const c = config.costs;
  const metrics = {
    achievedCheckpointsPerS: checkpoints / protectedS,
    replicationMbps: (bytes * 8) / (protectedS / n) / 1e6,
    lostOutputs: lost,
    compressionRatio: config.compression !== 'none' ? primaries.reduce((a, p) => a + p.compressionRatio, 0) / n : 1,
    protected: primaries.every((p) => p.state === 'protected'),
    dom0CpuSeconds: (pauseNs + bytes * (c.sendNsPerByte + c.recvNsPerByte) + acked * c.checkpointCommitNs) / 1e9,
    // Means of things that never happened are left out rather than reported as 0.
    ...(intervals > 0 ? { epochMsMean: sum((o) => o.p.stats.epochNsSum) / intervals / 1e6 } : {}),
    // The suspend/resume part of the pause (C7): the rest is the bitmap walk and page copies.
    ...(checkpoints > 0 ? { pauseMsMean: pauseNs / checkpoints / 1e6, suspendMsMean: sum((o) => o.p.stats.suspendNsSum) / checkpoints / 1e6 } : {}),
    ...(acked > 0 ? { transmitMsMean: sum((o) => o.p.stats.transmitNsSum) / acked / 1e6 } : {}),
    ...(fo !== null && fo.resumedNs >= 0 && failedAt >= 0 ? { failoverMs: (fo.resumedNs - failedAt) / 1e6 } : {}),
    ...(outage !== undefined ? { clientOutageMs: outage } : {}),
  } satisfies RemusMetrics;
  // outputCommitted: what clients saw came from committed state (every run); noLostOutput:
  // what a failover took back (only a failover loses output). An invariant is reported only when
  // at least one check of it actually ran.
  const invariants: Record<string, boolean> = { noLostOutput: lost === 0, outputCommitted: run.outputCommit.holds };
  if (outcomes.some((o) => o.disk !== null)) invariants.diskConsistent = outcomes.every((o) => o.disk !== false);
  if (config.memory && outcomes.some((o) => o.memory !== null)) invariants.memoryConsistent = outcomes.every((o) => o.memory !== false);
  // Released packets the failover took back (from epochs the backup never committed).
  if (fo !== null)
    for (const r of run.gaps.rows) if (r.epoch > fo.committedEpoch && r.epoch < POST_FAILOVER_EPOCH_BASE && r.timeS * 1e9 <= fo.detectedNs) r.lost = true;
  const series: Record<string, SeriesRecord[]> = { epochs: run.epochs, remusTimeline: run.timeline.rows, primaries: outcomes.map(primaryRecord) };
  if (run.gaps.rows.length > 0) series.output = run.gaps.rows;
  return { metrics, invariants, series };
}

function primaryOutcome(run: RemusRun, i: number, endNs: number): PrimaryOutcome {
  const p = run.primaries[i]!;
  const fo = run.failovers[i] ?? null;
  const crashAt = run.crashAt[i]!;
  // Protection ends at the primary's crash, at a failover (a partition), or when it lost its backup.
  const until = crashAt >= 0 ? crashAt : fo !== null ? fo.detectedNs : p.unprotectedAt >= 0 ? p.unprotectedAt : endNs;
  const spanS = Math.max(1e-9, until / 1e9);
  // Its memory and disk checked at the failover, when the backup crashed, or drained at the end.
  const checks =
    fo !== null
      ? { memory: fo.memoryConsistent, disk: fo.diskConsistent }
      : run.backupCrashCheck !== null
        ? run.backupCrashCheck
        : p.state === 'protected' && run.backup.alive
          ? drainCheck(p)
          : { memory: null, disk: null };
  return { p, spanS, memory: checks.memory, disk: checks.disk, lostOutputs: fo?.lostOutputs ?? 0 };
}

/** One row of the `primaries` series. */
function primaryRecord(o: PrimaryOutcome, i: number): SeriesRecord {
  const s = o.p.stats;
  return {
    primary: i,
    state: o.p.state,
    checkpoints: s.checkpoints,
    achievedCheckpointsPerS: s.checkpoints / o.spanS,
    pauseMsMean: s.checkpoints > 0 ? s.pauseNsSum / s.checkpoints / 1e6 : 0,
    transmitMsMean: s.acked > 0 ? s.transmitNsSum / s.acked / 1e6 : 0,
    epochMsMean: s.epochIntervals > 0 ? s.epochNsSum / s.epochIntervals / 1e6 : 0,
    replicationMbps: (o.p.deliveredBytes * 8) / o.spanS / 1e6,
    lostOutputs: o.lostOutputs,
    memoryConsistent: o.memory,
    diskConsistent: o.disk,
  };
}

/**
 * End of a run without failover: the backup's image plus the checkpoint in flight plus the pages
 * dirtied since must equal the primary exactly — every write since the start went through dirty
 * tracking and the stream. Likewise the backup disk plus the writes it holds. Before that, the
 * backup must hold nothing of an uncommitted epoch (a page or block newer than its commit).
 */
function drainCheck(p: Primary): { memory: boolean | null; disk: boolean } {
  const r = p.replica;
  let memory: boolean | null = null;
  // Set when the backup already holds state of an epoch it has not committed.
  let early = false;
  // The run is over: the backup's image and disk are brought forward in place.
  if (r.image !== null) {
    const img = r.image;
    const cp = p.staged;
    if (cp !== null && cp.epoch > r.committedEpoch) {
      // Its pages were written in its epoch: newer than anything the backup committed.
      for (let i = 0; i < cp.pages.length; i++) if (img.versions[cp.pages[i]!]! >= cp.versions[i]!) early = true;
      installCheckpoint(img, cp);
    }
    p.vm.vcpu.sync();
    const dirty = p.vm.memory.dirty.peek();
    for (let i = 0; i < dirty.length; i++) img.copyPageFrom(p.vm.memory, dirty[i]!);
    memory = !early && memoryDifference(img, p.vm.memory) < 0;
    early = false;
  }
  // A held write is newer than anything committed to its block: the backup disk must not have it yet.
  const held = r.heldWrites();
  for (const h of held) if (r.disk.versions[h.w.block]! >= h.w.version) early = true;
  for (const h of held) r.disk.apply(h.w);
  return { memory, disk: !early && diskDifference(r.disk, p.vm.disk) < 0 };
}
