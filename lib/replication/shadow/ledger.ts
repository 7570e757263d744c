import type { Nanos } from '../../sim/index.js';

/** What a CPU charge was for. */
export type CpuUse =
  | 'pause'
  | 'unpause'
  | 'capture'
  | 'apply'
  | 'digest'
  | 'save'
  | 'restore'
  | 'destroy'
  | 'guest';

/**
 * Where shadow mechanics report the resources they consume: CPU time (domain-0 work and the guest
 * work of applying an update) and the lifetime of every VM, running or paused — a paused VM holds
 * its memory. A replicated-service run feeds the same meter from its own work (ordering, voting,
 * request execution) to report `cpuSeconds` and `memoryGiBSeconds`.
 */
export interface ResourceMeter {
  /** `ns` of CPU spent on `host` for `use`. */
  cpu(host: number, ns: number, use: CpuUse): void;
  /** VM `vm` holding `bytes` of guest memory exists from `at` on. */
  vmUp(vm: string, bytes: number, at: Nanos): void;
  /** VM `vm` is gone at `at` (destroyed or crashed). */
  vmDown(vm: string, at: Nanos): void;
}

const GIB = 1024 ** 3;

/** A ResourceMeter that sums: CPU by use, memory as GiB × seconds over every VM's lifetime. */
export class ResourceLedger implements ResourceMeter {
  private readonly cpuByUse = new Map<CpuUse, number>();
  private readonly cpuByHost = new Map<number, number>();
  private readonly live = new Map<string, { bytes: number; since: Nanos }>();
  private closedByteNs = 0;
  private _cpuNs = 0;

  cpu(host: number, ns: number, use: CpuUse): void {
    if (!(ns >= 0)) throw new Error(`bad CPU charge ${ns} ns for ${use}`);
    this._cpuNs += ns;
    this.cpuByUse.set(use, (this.cpuByUse.get(use) ?? 0) + ns);
    this.cpuByHost.set(host, (this.cpuByHost.get(host) ?? 0) + ns);
  }

  vmUp(vm: string, bytes: number, at: Nanos): void {
    if (this.live.has(vm)) throw new Error(`VM ${vm} is already up`);
    if (!(bytes >= 0)) throw new Error(`bad memory size ${bytes} for VM ${vm}`);
    this.live.set(vm, { bytes, since: at });
  }

  vmDown(vm: string, at: Nanos): void {
    const v = this.live.get(vm);
    if (v === undefined) throw new Error(`VM ${vm} is not up`);
    if (at < v.since) throw new Error(`VM ${vm} down at ${at} before it came up at ${v.since}`);
    this.closedByteNs += v.bytes * (at - v.since);
    this.live.delete(vm);
  }

  /** CPU seconds charged so far (all uses, all hosts). */
  get cpuSeconds(): number {
    return this._cpuNs / 1e9;
  }

  /** CPU seconds charged for one use. */
  cpuSecondsFor(use: CpuUse): number {
    return (this.cpuByUse.get(use) ?? 0) / 1e9;
  }

  /** CPU seconds charged on one host. */
  cpuSecondsOn(host: number): number {
    return (this.cpuByHost.get(host) ?? 0) / 1e9;
  }

  /** VMs up now. */
  get liveVms(): number {
    return this.live.size;
  }

  /** GiB × seconds of guest memory held up to `now` (VMs still up count until `now`). */
  memoryGiBSeconds(now: Nanos): number {
    let byteNs = this.closedByteNs;
    for (const v of this.live.values()) {
      if (now < v.since) throw new Error(`memory asked for at ${now}, before a VM came up at ${v.since}`);
      byteNs += v.bytes * (now - v.since);
    }
    return byteNs / GIB / 1e9;
  }
}
