import type { SeriesRecord } from '../metrics/index.js';
import type { ReplicationGroup } from '../replication/index.js';
import type { Simulation } from '../sim/index.js';
import type { VM } from '../vm/index.js';

/** GiB in bytes. */
const GIB = 1024 ** 3;
/** MiB in bytes. */
const MIB = 1024 ** 2;

/** What the ResourceMeter reports (`activeReplicas`, `passiveReplicas`: when replicas were counted). */
export type ResourceMetrics = {
  hostsReserved: number;
  vmsReserved: number;
  cpuSeconds: number;
  memoryGiBSeconds: number;
  networkMiB: number;
  activeReplicas?: number;
  passiveReplicas?: number;
};

/** The resources of a service behind replica managers, and what the RMs did. */
export type ReplicatedMetrics = ResourceMetrics & {
  rmMessages: number;
  rmCpuSeconds: number;
  orderedRequests: number;
};

/**
 * What a protection costs, counted the same way for every engine (docs/replication.md has the
 * definitions per engine):
 * - `hostsReserved`, `vmsReserved`: hosts and VMs the engine keeps for the service;
 * - `cpuSeconds`: guest vCPU time actually consumed plus domain-0 work (replica managers,
 *   checkpointing, pause/unpause, VM creation), accumulated from simulated work;
 * - `memoryGiBSeconds`: each VM's memory × the time it exists, running or paused;
 * - `networkMiB`: payload carried on the host-to-host links.
 */
export class ResourceMeter {
  private readonly vms = new Map<string, { bytes: number; fromNs: number; toNs: number | null }>();
  private dom0Ns = 0;
  private readonly replicaRecords: SeriesRecord[] = [];
  private lastReplicas: { active: number; passive: number } | null = null;

  constructor(private readonly sim: Simulation) {}

  /**
   * VM `name` with `memoryBytes` of memory exists from now, or from `fromNs` when the engine knows
   * already when it will create it (a replica, a backup image, a migration target).
   */
  vmExists(name: string, memoryBytes: number, fromNs: number = this.sim.now): void {
    if (this.vms.has(name)) throw new Error(`VM ${name} counted twice`);
    this.vms.set(name, { bytes: memoryBytes, fromNs, toNs: null });
  }

  /** VM `name` is gone from now (discarded, or lost with its host). */
  vmGone(name: string): void {
    const v = this.vms.get(name);
    if (v !== undefined && v.toNs === null) v.toNs = this.sim.now;
  }

  /** Domain-0 CPU work (ns of one core). */
  dom0(ns: number): void {
    if (!(ns >= 0)) throw new Error(`bad CPU work ${ns}`);
    this.dom0Ns += ns;
  }

  /** Active and passive replicas from now on (the `replicas` series records each change). */
  replicas(active: number, passive: number): void {
    const l = this.lastReplicas;
    if (l !== null && l.active === active && l.passive === passive) return;
    this.lastReplicas = { active, passive };
    this.replicaRecords.push({ timeS: this.sim.now / 1e9, active, passive });
  }

  get replicaSeries(): SeriesRecord[] {
    return this.replicaRecords;
  }

  /** The metrics at `endNs`, given the guests' consumed vCPU time and the host-link payload bytes. */
  report(endNs: number, o: { readonly hostsReserved: number; readonly guestCpuNs: number; readonly hostLinkBytes: number }): ResourceMetrics {
    let gibNs = 0;
    for (const v of this.vms.values()) gibNs += (v.bytes / GIB) * Math.max(0, (v.toNs ?? endNs) - v.fromNs);
    const first = this.replicaRecords[0];
    return {
      hostsReserved: o.hostsReserved,
      vmsReserved: this.vms.size,
      cpuSeconds: (o.guestCpuNs + this.dom0Ns) / 1e9,
      memoryGiBSeconds: gibNs / 1e9,
      networkMiB: o.hostLinkBytes / MIB,
      ...(first === undefined ? {} : { activeReplicas: first.active as number, passiveReplicas: first.passive as number }),
    };
  }

  /**
   * The metrics at `endNs` of a service whose replicas sit behind replica managers (active, SPARE):
   * `report`'s, with the consumed vCPU time of every VM in `vms` and the RMs' CPU counted as
   * domain-0 work, then what the RMs did — `rmMessages`, `rmCpuSeconds` and `orderedRequests` (the
   * most any of the `hosts` RMs delivered).
   */
  replicatedReport(endNs: number, o: { readonly hosts: number; readonly vms: Iterable<VM>; readonly group: ReplicationGroup; readonly hostLinkBytes: number }): ReplicatedMetrics {
    let guestCpuNs = 0;
    for (const vm of o.vms) guestCpuNs += vm.vcpu.cpuNs;
    const t = o.group.totals();
    this.dom0(t.cpuNs);
    return {
      ...this.report(endNs, { hostsReserved: o.hosts, guestCpuNs, hostLinkBytes: o.hostLinkBytes }),
      rmMessages: t.messagesSent,
      rmCpuSeconds: t.cpuNs / 1e9,
      orderedRequests: Math.max(...Array.from({ length: o.hosts }, (_, i) => o.group.deliveredUpTo(i))),
    };
  }
}
