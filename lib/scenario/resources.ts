import type { EngineDef } from '../engines/engine.js';
import { ResourceMeter } from '../engines/resources.js';
import type { Network } from '../net/index.js';
import type { Params } from '../params/index.js';
import type { Simulation } from '../sim/index.js';
import type { Host, VM } from '../vm/index.js';
import type { SeriesRecord } from './result.js';

/**
 * Resource accounting for an engine that does not count its resources itself (docs/design.md#metrics),
 * on the same meter the replicating engines use:
 * - `hostsReserved`: the hosts the run's layout uses (the baseline: only its guests' hosts);
 * - `vmsReserved`: the guests plus the VMs the engine holds besides them (`EngineDef.extraVms`:
 *   Remus's backup images, a migration's target);
 * - `cpuSeconds`: the guests' consumed vCPU time plus the engine's domain-0 work (`dom0CpuSeconds`);
 * - `memoryGiBSeconds`: guest memory × the time each VM exists (a guest until it crashes; an extra
 *   VM from when the engine creates it);
 * - `networkMiB`: payload on the host-to-host links;
 * - `serviceLost`: every guest crashed by the end.
 * Built before the run (it watches the guests crash); `report` at the end.
 */
export class DefaultResources {
  private readonly meter: ResourceMeter;
  private active: number;

  constructor(
    sim: Simulation,
    private readonly engine: EngineDef,
    params: Params,
    private readonly guests: readonly VM[],
    private readonly replicas: { readonly active: number; readonly passive: number },
  ) {
    const meter = (this.meter = new ResourceMeter(sim));
    this.active = replicas.active;
    meter.replicas(this.active, replicas.passive);
    const crashed = new Set<VM>();
    guests.forEach((vm) => {
      meter.vmExists(vm.name, vm.memory.sizeBytes);
      vm.onStatus((st) => {
        if (st !== 'crashed' || crashed.has(vm)) return;
        crashed.add(vm);
        meter.vmGone(vm.name);
        this.active = Math.max(0, this.active - 1);
        meter.replicas(this.active, replicas.passive);
      });
    });
    const bytes = guests[0]!.memory.sizeBytes;
    (engine.extraVms?.(params) ?? []).forEach((e, i) => meter.vmExists(`${engine.name}-extra-${i}`, bytes, e.fromS * 1e9));
  }

  report(endNs: number, o: { readonly hosts: readonly Host[]; readonly network: Network; readonly dom0CpuSeconds?: number }): { metrics: Record<string, number | boolean>; replicas: SeriesRecord[] } {
    let guestCpuNs = 0;
    for (const vm of this.guests) guestCpuNs += vm.vcpu.cpuNs;
    this.meter.dom0((o.dom0CpuSeconds ?? 0) * 1e9);
    const hostsReserved = this.engine.name === 'unprotected' ? new Set(this.guests.map((v) => v.host)).size : o.hosts.length;
    return {
      metrics: {
        ...this.meter.report(endNs, { hostsReserved, guestCpuNs, hostLinkBytes: o.network.hostLinkBytes() }),
        serviceLost: this.guests.every((vm) => vm.status === 'crashed'),
      },
      replicas: this.meter.replicaSeries,
    };
  }
}
