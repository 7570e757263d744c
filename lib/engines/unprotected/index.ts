import type { EngineDef } from '../engine.js';

/**
 * The baseline: the workload runs on one host with no protection. Faults act on it directly (a
 * crashed host takes the VM with it). Every protected run also runs this as its twin.
 */
export const unprotectedEngine: EngineDef = {
  name: 'unprotected',
  description: 'the workload alone on one host: the baseline every protected run is compared with',
  params: [],
  // One host: a backup or target crash and a host-to-host partition have nothing to act on.
  faultKinds: ['primaryCrash', 'hostCrash', 'vmCrash'],
  tolerates: [],
  invariants: { everyRun: [] },
  create(ctx) {
    return {
      start() {
        for (const f of ctx.faults) {
          if (f.kind === 'linkDown' || f.kind === 'backupCrash') continue; // refused up front; the twin never has faults
          ctx.sim.at(f.atNs, () => {
            if (f.kind !== 'vmCrash') {
              ctx.hosts[0]!.alive = false;
              ctx.network.hostCrashed(ctx.hosts[0]!);
            }
            ctx.vm.crash();
          });
        }
      },
      finish() {
        return { metrics: {}, invariants: {}, series: {} };
      },
    };
  },
};
