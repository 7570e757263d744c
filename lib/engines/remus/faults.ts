import type { ScheduledFault } from '../../faults/index.js';
import { diskMismatch, imageMismatch } from './invariants.js';
import type { RemusRun } from './wire.js';

/**
 * Apply the run's scheduled faults. A host crash acts on whichever host runs the first VM now; a
 * guest crash on a live host is outside Remus's fault model but stops the stream all the same; a
 * partition cuts the replication link (for `forNs`, if given).
 */
export function injectFaults(run: RemusRun, faults: readonly ScheduledFault[]): void {
  const { sim, transport, timeline } = run;
  for (const f of faults) {
    sim.at(f.atNs, () => {
      switch (f.kind) {
        case 'primaryCrash':
          // The first primary's host; with several primaries the others stay protected.
          crashPrimaryHost(run, 0);
          break;
        case 'backupCrash':
          crashBackupHost(run);
          break;
        case 'hostCrash':
          // Whichever host runs the (first) VM now.
          if (run.failovers[0] !== null || run.primaries[0]!.vm.host === run.backup) crashBackupHost(run);
          else crashPrimaryHost(run, 0);
          break;
        case 'vmCrash':
          timeline.record('vm-crash', 'the guest crashed on a live host: outside Remus’s fault model (host crash-stop)', 0);
          // The primary failed here as far as clients and failoverMs are concerned.
          run.crashAt[0] = sim.now;
          run.gaps.markCrash(sim.now);
          run.primaries[0]!.vm.crash();
          break;
        case 'linkDown':
          timeline.record('link-down', 'replication link partitioned');
          transport.setUp(false);
          if (f.forNs !== undefined)
            sim.schedule(f.forNs, () => {
              timeline.record('link-up', 'replication link healed');
              transport.setUp(true);
            });
          break;
      }
    });
  }
}

function crashPrimaryHost(run: RemusRun, i: number): void {
  const { sim } = run;
  const p = run.primaries[i]!;
  if (!p.host.alive) return;
  p.host.alive = false;
  run.crashAt[i] = sim.now;
  if (i === 0) run.gaps.markCrash(sim.now);
  run.timeline.record('crash', `primary host ${p.host.name} crashed`, i);
  if (p.vm.host === p.host) p.vm.crash();
  p.crash();
  run.transport.hostDown(p.host);
  run.network.hostCrashed(p.host);
}

function crashBackupHost(run: RemusRun): void {
  const { backup, primaries, failovers } = run;
  if (!backup.alive) return;
  // What the backup held at that moment, against the last committed capture.
  let mem = true;
  let disk = true;
  primaries.forEach((p, i) => {
    if (failovers[i] !== null) return;
    const snap = run.keepers[i]?.get(p.replica.committedEpoch);
    if (snap === undefined) return;
    if (p.replica.image !== null && snap.memVersions !== null) mem &&= imageMismatch(p.replica.image, snap.memVersions, p.vm.memory) < 0;
    disk &&= diskMismatch(p.replica.disk, snap.diskVersions) < 0;
  });
  run.backupCrashCheck = { memory: mem, disk };
  backup.alive = false;
  run.timeline.record('crash', `backup host ${backup.name} crashed`);
  primaries.forEach((p, i) => {
    if (failovers[i] !== null && p.vm.host === backup) p.vm.crash();
  });
  run.transport.hostDown(backup);
  run.network.hostCrashed(backup);
}
