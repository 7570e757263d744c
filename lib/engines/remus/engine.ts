import { InputError } from '../../params/index.js';
import type { SeriesRecord } from '../../metrics/records.js';
import type { Timer } from '../../sim/index.js';
import { type EngineDef, type EngineReport, type RunLayout, TWO_HOST_FAULT_KINDS } from '../engine.js';
import { installCheckpoint } from './backup.js';
import { failover, type FailoverOutcome } from './failover.js';
import { diskDifference, diskMismatch, imageMismatch, memoryDifference, SnapshotKeeper } from './invariants.js';
import { FluidTransport } from './fluid-transport.js';
import { NetTransport } from './net-transport.js';
import type { ReplicationTransport } from './transport.js';
import { REMUS_PARAMS, remusConfig } from './params.js';
import { Primary } from './primary.js';
import { ClientGapMeter } from './outage.js';
import { OutputBuffer } from './output-buffer.js';
import { OutputCommitCheck } from './output-commit.js';

/**
 * Remus's machines: each primary VM on a host of its own serving a service of its own (its own
 * clients), and one backup host, last. One primary: hosts A and B; N: A0 … A(N−1) and B.
 */
export function remusLayout(primaries: number): RunLayout {
  const hosts = primaries === 1 ? ['A'] : Array.from({ length: primaries }, (_, i) => `A${i}`);
  return { hosts: [...hosts, 'B'], guests: hosts.map((_, i) => ({ host: i, service: i })) };
}

/** Epoch numbers of a VM's life after failover start here, above any primary epoch. */
const POST_FAILOVER_EPOCH_BASE = 1 << 30;

export const remusEngine: EngineDef = {
  name: 'remus',
  description: 'Remus: asynchronous VM replication by frequent checkpoints, output commit, disk replication, failover',
  params: REMUS_PARAMS,
  faultKinds: TWO_HOST_FAULT_KINDS,
  // Crash-stop of either host; a crashed guest alone stops the checkpoint stream, so the backup
  // takes over as for a host crash; a partition leaves the primary running unprotected.
  tolerates: ['hostCrash', 'vmCrash', 'linkDown'],
  layout: (params) => remusLayout(remusConfig(params).primaries),
  // Each primary's backup image exists on the backup host from the start.
  replicas: () => ({ active: 1, passive: 1 }),
  extraVms: (params) => Array.from({ length: remusConfig(params).primaries }, () => ({ fromS: 0 })),
  // `remus.checkpointsPerS` is another way to say the epoch: the epoch that runs is recorded as
  // `remus.epochMs`, and saying both is ambiguous input.
  derivedDefaults(input): Record<string, number> {
    const cps = input['remus.checkpointsPerS'];
    if (cps === undefined) return {};
    if (input['remus.epochMs'] !== undefined)
      throw new InputError('remus.checkpointsPerS', 'set together with remus.epochMs', 'one of remus.epochMs or remus.checkpointsPerS');
    const n = Number(cps);
    return Number.isFinite(n) && n > 0 ? { 'remus.epochMs': 1000 / n } : {};
  },
  create(ctx) {
    const { sim, params } = ctx;
    const config = remusConfig(params);
    // The layout's last host is the backup; every guest is a primary on a host of its own.
    const backup = ctx.hosts[ctx.hosts.length - 1]!;
    const targets = ctx.guests;
    if (targets.length !== config.primaries)
      throw new InputError(
        'remus.primaries',
        `${config.primaries} primaries need the scenario to supply ${config.primaries} VMs (this run has ${targets.length})`,
        String(targets.length),
      );
    const net = ctx.network;
    // One primary: its stream and acks are flows on lib/net's host-to-host link. Several: lib/net
    // gives each host pair a cable of its own and cannot make them share the backup's one
    // replication NIC, so the fluid model (FluidTransport) models that shared NIC.
    const link: ReplicationTransport =
      config.primaries === 1
        ? new NetTransport(sim, net)
        : new FluidTransport(sim, {
            bandwidthMbps: params.num('link.bandwidthMbps'),
            efficiency: params.num('link.efficiency'),
            latencyNs: Math.round(params.num('link.latencyMs') * 1e6),
            lossRate: params.num('link.lossRate'),
          });
    const gaps = new ClientGapMeter();
    const outputCommit = new OutputCommitCheck();
    // Snapshots of committed checkpoints let a failover check memory and disk against the truth:
    // kept whenever a failover can happen (any fault, or a lossy link starving the heartbeat).
    const crashScheduled = ctx.faults.length > 0 || params.num('link.lossRate') > 0;
    const epochs: SeriesRecord[] = [];
    const timeline: SeriesRecord[] = [];
    const keepers: Array<SnapshotKeeper | null> = [];
    const primaries = targets.map((t, i) => {
      const keeper = crashScheduled ? new SnapshotKeeper() : null;
      keepers.push(keeper);
      t.vm.vcpu.setTrapNs(config.costs.logDirtyTrapNs);
      return new Primary({ sim, id: i, vm: t.vm, host: t.host, backup, transport: link, config, rng: ctx.rng, snapshots: keeper, epochs, timeline });
    });
    const failovers: Array<FailoverOutcome | null> = primaries.map(() => null);
    const crashAt: number[] = primaries.map(() => -1);
    let backupCrashCheck: { memory: boolean; disk: boolean } | null = null;
    const watchdogs: Array<Timer | null> = primaries.map(() => null);

    /** The backup watches each primary's stream; silence for the timeout means failure. */
    const watchPrimary = (i: number): void => {
      const p = primaries[i]!;
      const check = (): void => {
        watchdogs[i] = null;
        if (!backup.alive || failovers[i] !== null || (p.state !== 'protected' && p.state !== 'crashed')) return;
        const heard = link.lastHeardNs(p.host, backup);
        const due = heard + config.heartbeatTimeoutNs;
        if (due > sim.now) {
          watchdogs[i] = sim.at(due, check);
          return;
        }
        failovers[i] = failover({
          sim,
          primary: p,
          backup,
          snapshots: keepers[i]!,
          network: net,
          service: targets[i]!.service,
          timeline,
          nextEpoch: POST_FAILOVER_EPOCH_BASE + p.currentEpoch,
          restoreNs: config.costs.restoreNs,
          onResumed: () => {
            // The VM lives on, unprotected, on the backup: keep observing what it sends.
            const out = new OutputBuffer(p.vm.nic, { holding: false });
            if (i === 0) out.onRelease((pkt) => gaps.observe(pkt, sim.now));
          },
        });
      };
      watchdogs[i] = sim.at(config.heartbeatTimeoutNs, check);
    };

    /** Each primary watches for acknowledgements; silence means the backup is gone. */
    const watchBackup = (i: number): void => {
      const p = primaries[i]!;
      const check = (): void => {
        if (p.state !== 'protected' || !p.host.alive) return;
        const heard = link.lastHeardNs(backup, p.host);
        const due = heard + config.heartbeatTimeoutNs;
        if (due > sim.now) {
          sim.at(due, check);
          return;
        }
        p.goUnprotected();
      };
      sim.at(config.heartbeatTimeoutNs, check);
    };

    const crashPrimaryHost = (i: number): void => {
      const p = primaries[i]!;
      if (!p.host.alive) return;
      p.host.alive = false;
      crashAt[i] = sim.now;
      if (i === 0) gaps.markCrash(sim.now);
      timeline.push({ timeS: sim.now / 1e9, primary: i, event: 'crash', detail: `primary host ${p.host.name} crashed` });
      if (p.vm.host === p.host) p.vm.crash();
      p.crash();
      link.hostDown(p.host);
      net.hostCrashed(p.host);
    };

    const crashBackupHost = (): void => {
      if (!backup.alive) return;
      // What the backup held at that moment, against the last committed capture.
      let mem = true;
      let disk = true;
      primaries.forEach((p, i) => {
        if (failovers[i] !== null) return;
        const snap = keepers[i]?.get(p.replica.committedEpoch);
        if (snap === undefined) return;
        if (p.replica.image !== null && snap.memVersions !== null) mem &&= imageMismatch(p.replica.image, snap.memVersions, p.vm.memory) < 0;
        disk &&= diskMismatch(p.replica.disk, snap.diskVersions) < 0;
      });
      backupCrashCheck = { memory: mem, disk };
      backup.alive = false;
      timeline.push({ timeS: sim.now / 1e9, event: 'crash', detail: `backup host ${backup.name} crashed` });
      primaries.forEach((p, i) => {
        if (failovers[i] !== null && p.vm.host === backup) p.vm.crash();
      });
      link.hostDown(backup);
      net.hostCrashed(backup);
    };

    return {
      start() {
        primaries.forEach((p, i) => {
          p.start();
          // clientOutageMs and the output series are about the first primary's clients (client
          // numbers are per service: another primary's clients have the same ones).
          if (i === 0) p.output?.onRelease((pkt) => gaps.observe(pkt, sim.now));
          outputCommit.watch(p);
          watchPrimary(i);
          watchBackup(i);
        });
        for (const f of ctx.faults) {
          sim.at(f.atNs, () => {
            switch (f.kind) {
              case 'primaryCrash':
                // The first primary's host; with several primaries the others stay protected.
                crashPrimaryHost(0);
                break;
              case 'backupCrash':
                crashBackupHost();
                break;
              case 'hostCrash':
                // Whichever host runs the (first) VM now.
                if (failovers[0] !== null || primaries[0]!.vm.host === backup) crashBackupHost();
                else crashPrimaryHost(0);
                break;
              case 'vmCrash':
                timeline.push({ timeS: sim.now / 1e9, primary: 0, event: 'vm-crash', detail: 'the guest crashed on a live host: outside Remus’s fault model (host crash-stop)' });
                // The primary failed here as far as clients and failoverMs are concerned.
                crashAt[0] = sim.now;
                gaps.markCrash(sim.now);
                primaries[0]!.vm.crash();
                break;
              case 'linkDown':
                timeline.push({ timeS: sim.now / 1e9, event: 'link-down', detail: 'replication link partitioned' });
                link.setUp(false);
                if (f.forNs !== undefined)
                  sim.schedule(f.forNs, () => {
                    timeline.push({ timeS: sim.now / 1e9, event: 'link-up', detail: 'replication link healed' });
                    link.setUp(true);
                  });
                break;
            }
          });
        }
      },
      finish(endNs): EngineReport {
        for (const w of watchdogs) w?.cancel();
        return report(endNs);
      },
    };

    function report(endNs: number): EngineReport {
      const per: SeriesRecord[] = [];
      let checkpoints = 0;
      let protectedS = 0;
      let pauseSum = 0;
      let suspendSum = 0;
      let transmitSum = 0;
      let acked = 0;
      let epochSum = 0;
      let intervals = 0;
      let bytes = 0;
      let raw = 0;
      let wireMem = 0;
      let lost = 0;
      let memOk = true;
      let diskOk = true;
      // An invariant is reported only when at least one check of it actually ran.
      let memChecked = false;
      let diskChecked = false;
      let anyUnprotected = false;
      let failoverMs: number | undefined;
      primaries.forEach((p, i) => {
        const s = p.stats;
        const fo = failovers[i];
        // Protection ends at the primary's crash, at a failover (a partition), or when it lost its backup.
        const until = crashAt[i]! >= 0 ? crashAt[i]! : fo !== null ? fo!.detectedNs : p.unprotectedAt >= 0 ? p.unprotectedAt : endNs;
        const spanS = Math.max(1e-9, until / 1e9);
        checkpoints += s.checkpoints;
        protectedS += spanS;
        pauseSum += s.pauseNsSum;
        suspendSum += s.suspendNsSum;
        transmitSum += s.transmitNsSum;
        acked += s.acked;
        epochSum += s.epochNsSum;
        intervals += s.epochIntervals;
        // What reached the backup: a checkpoint still on the wire at the end does not count.
        bytes += p.deliveredBytes;
        raw += s.rawBytes;
        wireMem += s.wireBytes;
        if (p.state !== 'protected') anyUnprotected = true;
        let pMem: boolean | null = null;
        let pDisk: boolean | null = null;
        if (fo !== null) {
          lost += fo!.lostOutputs;
          pMem = fo!.memoryConsistent;
          pDisk = fo!.diskConsistent;
          if (fo!.resumedNs >= 0 && crashAt[i]! >= 0 && i === 0) failoverMs = (fo!.resumedNs - crashAt[i]!) / 1e6;
        } else if (backupCrashCheck !== null) {
          pMem = backupCrashCheck.memory;
          pDisk = backupCrashCheck.disk;
        } else if (p.state === 'protected' && backup.alive) {
          const d = drainCheck(p);
          pMem = d.memory;
          pDisk = d.disk;
        }
        if (pMem !== null) memChecked = true;
        if (pDisk !== null) diskChecked = true;
        if (pMem === false) memOk = false;
        if (pDisk === false) diskOk = false;
        per.push({
          primary: i,
          state: p.state,
          checkpoints: s.checkpoints,
          achievedCheckpointsPerS: s.checkpoints / spanS,
          pauseMsMean: s.checkpoints > 0 ? s.pauseNsSum / s.checkpoints / 1e6 : 0,
          transmitMsMean: s.acked > 0 ? s.transmitNsSum / s.acked / 1e6 : 0,
          epochMsMean: s.epochIntervals > 0 ? s.epochNsSum / s.epochIntervals / 1e6 : 0,
          replicationMbps: (p.deliveredBytes * 8) / spanS / 1e6,
          lostOutputs: fo?.lostOutputs ?? 0,
          memoryConsistent: pMem,
          diskConsistent: pDisk,
        });
      });
      const n = primaries.length;
      const metrics: Record<string, number | boolean> = {
        achievedCheckpointsPerS: checkpoints / protectedS,
        replicationMbps: (bytes * 8) / (protectedS / n) / 1e6,
        lostOutputs: lost,
        compressionRatio: wireMem > 0 && config.compression !== 'none' ? raw / Math.max(1, wireMem - checkpoints * 0) : 1,
        protected: !anyUnprotected,
      };
      // Domain-0 CPU of replication, part of cpuSeconds: the checkpoint pauses (bitmap scan, page
      // copies, suspend/resume), putting the delivered stream on the wire and receiving it on the
      // backup (per byte, whether or not that CPU binds), and each acknowledged checkpoint's commit.
      // Compression's CPU is not counted.
      const c = config.costs;
      metrics.dom0CpuSeconds = (pauseSum + bytes * (c.sendNsPerByte + c.recvNsPerByte) + acked * c.checkpointCommitNs) / 1e9;
      // Means of things that never happened are left out rather than reported as 0.
      if (intervals > 0) metrics.epochMsMean = epochSum / intervals / 1e6;
      if (checkpoints > 0) {
        metrics.pauseMsMean = pauseSum / checkpoints / 1e6;
        // The suspend/resume part of the pause (C7): the rest is the bitmap walk and page copies.
        metrics.suspendMsMean = suspendSum / checkpoints / 1e6;
      }
      if (acked > 0) metrics.transmitMsMean = transmitSum / acked / 1e6;
      if (config.compression !== 'none') metrics.compressionRatio = primaries.reduce((a, p) => a + p.compressionRatio, 0) / n;
      if (failoverMs !== undefined) metrics.failoverMs = failoverMs;
      const failedAt = crashAt[0]!;
      if (failovers[0] !== null && failedAt >= 0) {
        const outage = gaps.outageMs(endNs);
        if (outage !== undefined) metrics.clientOutageMs = outage;
      }
      // outputCommitted: what clients saw came from committed state (every run); noLostOutput:
      // what a failover took back (only a failover loses output).
      const invariants: Record<string, boolean> = { noLostOutput: lost === 0, outputCommitted: outputCommit.holds };
      if (diskChecked) invariants.diskConsistent = diskOk;
      if (config.memory && memChecked) invariants.memoryConsistent = memOk;
      // Released packets the failover took back (from epochs the backup never committed).
      const fo0 = failovers[0] ?? null;
      if (fo0 !== null)
        for (const r of gaps.rows)
          if ((r.epoch as number) > fo0.committedEpoch && (r.epoch as number) < POST_FAILOVER_EPOCH_BASE && (r.timeS as number) * 1e9 <= fo0.detectedNs) r.lost = true;
      const series: Record<string, SeriesRecord[]> = { epochs, remusTimeline: timeline, primaries: per };
      if (gaps.rows.length > 0) series.output = gaps.rows;
      return { metrics, invariants, series };
    }
  },
};

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
