import type { EngineDef } from '../engines/engine.js';
import type { Network } from '../net/index.js';
import type { Params } from '../params/index.js';
import type { Simulation } from '../sim/index.js';
import type { Host, VM } from '../vm/index.js';
import type { SeriesRecord } from './result.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** When each guest VM crashed (it no longer exists from then on), and the replicas series. */
export class VmLifetimes {
  readonly crashedAt = new Map<VM, number>();
  readonly records: SeriesRecord[] = [];

  constructor(sim: Simulation, vms: readonly VM[], replicas: { readonly active: number; readonly passive: number }) {
    let active = replicas.active;
    this.records.push({ timeS: 0, active, passive: replicas.passive });
    for (const vm of vms)
      vm.onStatus((st) => {
        if (st !== 'crashed' || this.crashedAt.has(vm)) return;
        this.crashedAt.set(vm, sim.now);
        active = Math.max(0, active - 1);
        this.records.push({ timeS: sim.now / 1e9, active, passive: replicas.passive });
      });
  }
}

export interface ResourceInputs {
  readonly endNs: number;
  readonly hosts: readonly Host[];
  readonly guests: readonly VM[];
  readonly network: Network;
  readonly replicas: { readonly active: number; readonly passive: number };
  readonly lifetimes: VmLifetimes;
  /** Domain-0 CPU the engine reported (`dom0CpuSeconds`), if any. */
  readonly dom0CpuSeconds?: number;
}

/**
 * Resource metrics for an engine that does not count them itself (docs/replication.md):
 * - `hostsReserved`: the hosts the run's layout uses (the baseline: only its guests' hosts);
 * - `vmsReserved`: the guests plus the VMs the engine holds besides them (`EngineDef.extraVms`:
 *   Remus's backup images, a migration's target);
 * - `cpuSeconds`: the guests' consumed vCPU time plus the engine's domain-0 work;
 * - `memoryGiBSeconds`: guest memory × the time each VM exists (a guest until it crashes; an
 *   extra VM from when the engine creates it);
 * - `networkMiB`: payload on the host-to-host links;
 * - `serviceLost`: every guest crashed by the end.
 */
export function defaultResources(engine: EngineDef, params: Params, inp: ResourceInputs): { metrics: Record<string, number | boolean>; replicas: SeriesRecord[] } {
  const endNs = inp.endNs;
  const guestHosts = new Set(inp.guests.map((v) => v.host));
  let gibNs = 0;
  let cpuNs = 0;
  let lost = true;
  for (const vm of inp.guests) {
    const until = inp.lifetimes.crashedAt.get(vm) ?? endNs;
    gibNs += (vm.memory.sizeBytes / GIB) * until;
    cpuNs += vm.vcpu.cpuNs;
    if (vm.status !== 'crashed') lost = false;
  }
  const extra = engine.extraVms?.(params) ?? [];
  for (const e of extra) gibNs += (inp.guests[0]!.memory.sizeBytes / GIB) * Math.max(0, endNs - e.fromS * 1e9);
  return {
    metrics: {
      hostsReserved: engine.name === 'unprotected' ? guestHosts.size : inp.hosts.length,
      vmsReserved: inp.guests.length + extra.length,
      cpuSeconds: cpuNs / 1e9 + (inp.dom0CpuSeconds ?? 0),
      memoryGiBSeconds: gibNs / 1e9,
      networkMiB: inp.network.hostLinkBytes() / MIB,
      serviceLost: lost,
      activeReplicas: inp.replicas.active,
      passiveReplicas: inp.replicas.passive,
    },
    replicas: inp.lifetimes.records,
  };
}
