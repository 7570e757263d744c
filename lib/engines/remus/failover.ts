import type { Network, Service } from '../../net/index.js';
import type { Simulation } from '../../sim/index.js';
import type { Host } from '../../vm/index.js';
import { diskMismatch, imageMismatch, type SnapshotKeeper } from './invariants.js';
import type { Primary } from './primary.js';
import type { RemusTimeline } from './timeline.js';

/** Epoch numbers of a VM's life after failover start here, above any primary epoch. */
export const POST_FAILOVER_EPOCH_BASE = 1 << 30;

/** What a failover found and did. */
export interface FailoverOutcome {
  readonly detectedNs: number;
  /** When the VM runs again on the backup (−1 until then). */
  resumedNs: number;
  readonly committedEpoch: number;
  /** The primary's speculative frontier: epochs after `committedEpoch` up to this are lost. */
  readonly lostEpochs: number;
  /** Released packets from epochs the backup never committed (provenance). */
  readonly lostOutputs: number;
  readonly discardedWrites: number;
  readonly memoryConsistent: boolean | null;
  /** null: not checked (no snapshot of the committed checkpoint was kept). */
  readonly diskConsistent: boolean | null;
  /** The primary was still alive (a partition, not a crash): it is fenced off. */
  readonly fenced: boolean;
}

/**
 * Failover on the backup (Remus §2.5): the backup stopped hearing from the primary for the
 * heartbeat timeout. It discards what the primary had not committed (held disk writes of later
 * epochs, a partly received checkpoint), checks its image and disk against the last committed
 * capture, rebuilds the VM from the last complete checkpoint, resumes it and announces the new
 * location; clients retransmit what the primary's speculative output never delivered.
 */
export function failover(opts: {
  sim: Simulation;
  primary: Primary;
  backup: Host;
  snapshots: SnapshotKeeper | null;
  network: Network;
  /** The service the primary's VM serves: redirected to the backup at resume. */
  service: Service;
  timeline: RemusTimeline;
  /** Epoch numbers for the VM's new life, above anything the primary used. */
  nextEpoch: number;
  onResumed: (o: FailoverOutcome) => void;
  /** Building and starting the VM from the backup's image (the host profile's restoreNs). */
  restoreNs: number;
}): FailoverOutcome {
  const { sim, primary, backup } = opts;
  const replica = primary.replica;
  const vm = primary.vm;
  const fenced = primary.state === 'protected';
  const committed = replica.committedEpoch;
  // Provenance: every packet the primary let out carries its epoch; the ones from epochs after
  // the last committed checkpoint were output of state the backup does not have.
  const lostOutputs = primary.output?.releasedBetween(committed) ?? 0;
  primary.output?.discard();
  if (vm.status !== 'crashed') vm.crash(); // a partitioned primary is fenced off
  primary.failedOver();
  const discardedWrites = replica.discardUncommitted();

  const snap = opts.snapshots?.get(committed);
  let memoryConsistent: boolean | null = null;
  let diskConsistent: boolean | null = null;
  if (snap !== undefined) {
    if (replica.image !== null && snap.memVersions !== null) memoryConsistent = imageMismatch(replica.image, snap.memVersions, vm.memory) < 0;
    diskConsistent = diskMismatch(replica.disk, snap.diskVersions) < 0;
  }
  opts.timeline.record('detected', `backup declares the primary failed; last committed checkpoint ${committed}`, primary.id);
  const outcome: FailoverOutcome = {
    detectedNs: sim.now,
    resumedNs: -1,
    committedEpoch: committed,
    lostEpochs: primary.currentEpoch - committed,
    lostOutputs,
    discardedWrites,
    memoryConsistent,
    diskConsistent,
    fenced,
  };
  if (replica.image === null || replica.committedCpu === null) {
    // Disk-only replication keeps no memory image: the disk is safe, but there is no VM to resume.
    opts.timeline.record('no-failover', 'disk-only replication: no memory image to resume', primary.id);
    return outcome;
  }
  vm.restoreOn(backup, replica.image, replica.disk, replica.committedCpu);
  sim.schedule(opts.restoreNs, () => {
    if (!backup.alive) return;
    vm.beginEpoch(opts.nextEpoch);
    vm.resume();
    // Unsolicited ARP: the clients' packets now go to the backup.
    opts.network.redirect(backup, opts.service);
    outcome.resumedNs = sim.now;
    opts.timeline.record('resumed', `VM running on ${backup.name} from checkpoint ${committed}`, primary.id);
    opts.onResumed(outcome);
  });
  return outcome;
}
