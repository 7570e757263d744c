import { byzantineFault, type ScheduledFault } from '../../faults/index.js';
import type { Activations } from './activation.js';
import type { SpareRun } from './run.js';

/**
 * Apply the run's scheduled faults to `faults.targetHost`'s host: a host crash (its active replica,
 * shadow and RM with it, and a proactive recovery renewing it), a crash of its active replica, or of its RM. Each is recorded as
 * injected, and so are the replicas a Byzantine fault strikes (the scenario makes them misbehave),
 * for `faultBoundHeld` and the fault latency.
 */
export function injectFaults(run: SpareRun, activations: Activations, faults: readonly ScheduledFault[], durationNs: number): void {
  const { sim, target } = run;
  for (const fault of faults) {
    sim.at(fault.atNs, () => {
      if (fault.kind === 'hostCrash') crashHost(run, activations, target);
      else if (fault.kind === 'vmCrash') {
        const vm = run.active[target]!;
        run.injected.push({ host: target, atS: sim.now / 1e9 });
        vm.crash();
        run.countReplicas();
      } else if (fault.kind === 'rmCrash') {
        run.injected.push({ host: target, atS: sim.now / 1e9 });
        run.group.crash(target);
        run.updates.hostDown(target);
        run.countReplicas();
      } else throw new Error(`spare cannot apply a ${fault.kind} fault`);
    });
  }
  // Which replicas the scenario's Byzantine fault strikes (the same choice: highest host first).
  const byz = byzantineFault(run.params, durationNs / 1e9);
  if (byz !== null)
    sim.at(byz.atNs, () => {
      const live = run
        .activeVms()
        .map((vm) => run.active.indexOf(vm))
        .sort((x, y) => y - x);
      for (const h of live.slice(0, byz.replicas)) run.injected.push({ host: h, atS: sim.now / 1e9 });
    });
}

function crashHost(run: SpareRun, activations: Activations, i: number): void {
  const h = run.hosts[i]!;
  if (!h.alive) return;
  run.injected.push({ host: i, atS: run.sim.now / 1e9 });
  h.alive = false;
  run.network.hostCrashed(h);
  run.group.crash(i);
  run.updates.hostDown(i);
  for (const vm of [run.active[i]!, run.updates.host(i).shadow.vm]) {
    vm.crash();
    run.meter.vmGone(vm.name);
  }
  run.shadowLive[i] = false;
  // A proactive recovery renewing this host is abandoned; the VMs it had made there go too.
  for (const vm of activations.recovery?.hostDown(i) ?? []) run.meter.vmGone(vm.name);
  run.countReplicas();
  activations.recheck();
}
