import type { Process, Simulation } from '../../sim/index.js';
import type { VM } from '../../vm/index.js';

/** The fixed parts of the downtime, ns (from the host profile: host.migrationSuspendNs, host.restoreNs, host.redirectNs). */
export interface StopPhaseCosts {
  readonly suspendNs: number;
  readonly startupNs: number;
  readonly redirectNs: number;
}

/**
 * The stop phase, whose length is the downtime: the VM is paused and suspended on the source,
 * the last pages and its CPU state are sent (by the round loop, between `suspend` and
 * `startOnTarget`), the target builds and starts it, and an unsolicited ARP redirects its
 * traffic. Downtime = reachable − paused (docs/design.md#engines).
 */
export class StopPhase {
  pausedNs = -1;
  resumedNs = -1;
  reachableNs = -1;

  constructor(
    private readonly sim: Simulation,
    private readonly vm: VM,
    private readonly costs: StopPhaseCosts,
  ) {}

  /** Pause the guest (its writes stop) and wait for the suspend to complete. */
  *suspend(): Process<void> {
    this.vm.pause();
    this.pausedNs = this.sim.now;
    if (this.costs.suspendNs > 0) yield this.costs.suspendNs;
  }

  /** Start-up on the target, then the guest runs again (the VM has been moved already). */
  *startOnTarget(): Process<void> {
    if (this.costs.startupNs > 0) yield this.costs.startupNs;
    this.vm.resume();
    this.resumedNs = this.sim.now;
  }

  /** The unsolicited ARP: clients' traffic reaches the target from now on. */
  *redirect(announce: () => void): Process<void> {
    announce();
    if (this.costs.redirectNs > 0) yield this.costs.redirectNs;
    this.reachableNs = this.sim.now;
  }

  get downtimeNs(): number {
    return this.reachableNs - this.pausedNs;
  }
}
