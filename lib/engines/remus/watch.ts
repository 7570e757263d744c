import type { Timer } from '../../sim/index.js';
import { failover, POST_FAILOVER_EPOCH_BASE } from './failover.js';
import { OutputBuffer } from './output-buffer.js';
import type { RemusRun } from './wire.js';

/**
 * Failure detection by silence, both ways: the backup watches each primary's stream and fails it
 * over after `heartbeatTimeoutNs` without a word; each primary watches for acknowledgements and
 * goes on unprotected once the backup falls silent.
 */
export class Watchdogs {
  /** The backup's next check of each primary. */
  private readonly pending: Array<Timer | null>;

  constructor(private readonly run: RemusRun) {
    this.pending = run.primaries.map(() => null);
  }

  /** Start watching primary `i` and, from it, the backup. */
  watch(i: number): void {
    watchPrimary(this.run, i, this.pending);
    watchBackup(this.run, i);
  }

  /** The run is over: cancel the backup's pending checks. */
  stop(): void {
    for (const w of this.pending) w?.cancel();
  }
}

/** The backup watches primary `i`'s stream; silence for the timeout means failure. */
function watchPrimary(run: RemusRun, i: number, pending: Array<Timer | null>): void {
  const { sim, backup, transport, config } = run;
  const p = run.primaries[i]!;
  const check = (): void => {
    pending[i] = null;
    if (!backup.alive || run.failovers[i] !== null || (p.state !== 'protected' && p.state !== 'crashed')) return;
    const due = transport.lastHeardNs(p.host, backup) + config.heartbeatTimeoutNs;
    if (due > sim.now) {
      pending[i] = sim.at(due, check);
      return;
    }
    run.failovers[i] = failover({
      sim,
      primary: p,
      backup,
      snapshots: run.keepers[i] ?? null,
      network: run.network,
      service: run.guests[i]!.service,
      timeline: run.timeline,
      nextEpoch: POST_FAILOVER_EPOCH_BASE + p.currentEpoch,
      restoreNs: config.costs.restoreNs,
      onResumed: () => {
        // The VM lives on, unprotected, on the backup: keep observing what it sends.
        const out = new OutputBuffer(p.vm.nic, { holding: false });
        if (i === 0) out.onRelease((pkt) => run.gaps.observe(pkt, sim.now));
      },
    });
  };
  pending[i] = sim.at(config.heartbeatTimeoutNs, check);
}

/** Primary `i` watches for acknowledgements; silence means the backup is gone. */
function watchBackup(run: RemusRun, i: number): void {
  const { sim, backup, transport, config } = run;
  const p = run.primaries[i]!;
  const check = (): void => {
    if (p.state !== 'protected' || !p.host.alive) return;
    const due = transport.lastHeardNs(backup, p.host) + config.heartbeatTimeoutNs;
    if (due > sim.now) {
      sim.at(due, check);
      return;
    }
    p.goUnprotected();
  };
  sim.at(config.heartbeatTimeoutNs, check);
}
