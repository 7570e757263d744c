import type { Simulation } from '../sim/index.js';
import { IDLE_GUEST_DEMAND_CORES, LOG_DIRTY_TRAP_NS } from './cost-model.js';
import type { Disk } from './disk.js';
import type { Host } from './host.js';
import type { PageMemory } from './memory.js';
import { NetBuffers, type NetBufferOptions } from './net-buffers.js';
import { Nic } from './nic.js';
import { type GuestProgram, VCpu } from './vcpu.js';

export type VmStatus = 'running' | 'paused' | 'crashed';

/** Guest state outside memory and disk, as a checkpoint or migration carries it. */
export interface CpuState {
  readonly progressNs: number;
  readonly program: unknown;
}

export interface VmOptions {
  readonly sim: Simulation;
  readonly name?: string;
  readonly host: Host;
  readonly memory: PageMemory;
  readonly disk: Disk;
  readonly program: GuestProgram;
  readonly cpuBound: boolean;
  readonly idleDemandCores?: number;
  readonly trapNs?: number;
  /** The guest kernel's network memory: traffic over the NIC dirties it (lib/vm/net-buffers.ts). */
  readonly netBuffers?: NetBufferOptions;
}

/**
 * The emulated machine: memory, disk, NIC and vCPU, running on a host. Engines pause and resume
 * it, read its dirty logs, hook its NIC, and move it: `moveTo` keeps all state (a completed
 * migration), `restoreOn` rebuilds it from a checkpoint image (Remus failover) — from then on the
 * guest runs only from the image it was given.
 */
export class VM {
  readonly sim: Simulation;
  readonly name: string;
  readonly nic: Nic;
  readonly vcpu: VCpu;
  /** The network-buffer region traffic dirties, or null when the run has none. */
  readonly netBuffers: NetBuffers | null;
  private readonly program: GuestProgram;
  private _host: Host;
  private _memory: PageMemory;
  private _disk: Disk;
  private _status: VmStatus = 'running';
  private resumeWaiters: Array<() => void> = [];
  private listeners: Array<(status: VmStatus) => void> = [];
  private epochListeners: Array<(epoch: number) => void> = [];

  constructor(opts: VmOptions) {
    this.sim = opts.sim;
    this.name = opts.name ?? 'vm';
    this._host = opts.host;
    this._memory = opts.memory;
    this._disk = opts.disk;
    this.program = opts.program;
    this.nic = new Nic();
    const nb = opts.netBuffers === undefined ? null : new NetBuffers(opts.netBuffers);
    this.netBuffers = nb;
    if (nb !== null) {
      if (nb.firstPage < 0 || nb.firstPage + nb.pages > opts.memory.pages) throw new Error(`network buffers [${nb.firstPage}, ${nb.firstPage + nb.pages}) outside guest memory`);
      // Writes go to the memory the VM has at the time (after a migration or failover, the new one).
      this.nic.setTrafficListener({ sent: (p) => nb.sent(this._memory, p), received: (p) => nb.received(this._memory, p) });
    }
    this.vcpu = new VCpu({
      sim: opts.sim,
      memory: opts.memory,
      program: opts.program,
      cpu: opts.host.cpu,
      cpuBound: opts.cpuBound,
      idleDemandCores: opts.idleDemandCores ?? IDLE_GUEST_DEMAND_CORES,
      trapNs: opts.trapNs ?? LOG_DIRTY_TRAP_NS,
    });
  }

  get host(): Host {
    return this._host;
  }
  get memory(): PageMemory {
    return this._memory;
  }
  get disk(): Disk {
    return this._disk;
  }
  get status(): VmStatus {
    return this._status;
  }
  get running(): boolean {
    return this._status === 'running';
  }

  /** The current guest epoch (checkpoint interval); stamped on every packet the guest sends. */
  get epoch(): number {
    return this.nic.epoch;
  }

  /**
   * An engine starts checkpoint epoch `epoch` (Remus: right after a checkpoint's state was
   * captured). Packets sent from now on carry it; workloads that dirty pages per epoch listen.
   */
  beginEpoch(epoch: number): void {
    this.nic.epoch = epoch;
    for (const l of this.epochListeners) l(epoch);
  }

  onEpoch(listener: (epoch: number) => void): void {
    this.epochListeners.push(listener);
  }

  /** Observe status changes (timelines, clients' view of reachability). */
  onStatus(listener: (status: VmStatus) => void): void {
    this.listeners.push(listener);
  }

  pause(): void {
    if (this._status !== 'running') throw new Error(`cannot pause a ${this._status} VM`);
    this.vcpu.setPaused(true);
    this.nic.setPaused(true);
    this.setStatus('paused');
  }

  resume(): void {
    if (this._status !== 'paused') throw new Error(`cannot resume a ${this._status} VM`);
    this.vcpu.setPaused(false);
    this.setStatus('running');
    this.nic.setPaused(false);
    const ws = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of ws) w();
  }

  /** The VM (or its host) fails: it stops for good, with whatever it had not externalized. */
  crash(): void {
    if (this._status === 'crashed') return;
    this.vcpu.halt();
    this.nic.discardQueue();
    this.resumeWaiters = [];
    this.setStatus('crashed');
  }

  /** Run `fn` now if the guest is running, else when it resumes (a guest timer firing late). */
  whenRunning(fn: () => void): void {
    if (this._status === 'running') fn();
    else if (this._status === 'paused') this.resumeWaiters.push(fn);
  }

  /** Guest state outside memory: what a checkpoint or the final migration round carries. */
  cpuState(): CpuState {
    return { progressNs: this.vcpu.progress, program: this.program.snapshot() };
  }

  /** A completed migration: the paused VM continues on `host` from the images it received. */
  moveTo(host: Host, memory: PageMemory, disk: Disk): void {
    if (this._status !== 'paused') throw new Error('a VM is moved while paused');
    this._host = host;
    this._memory = memory;
    this._disk = disk;
    this.vcpu.moveTo(memory, host.cpu);
  }

  /**
   * Failover: the VM is rebuilt on `host` from a checkpoint (memory and disk images plus CPU
   * state). Everything newer — queued jobs, the crashed primary's speculative state — is gone.
   * The VM comes back paused; the engine resumes it.
   */
  restoreOn(host: Host, memory: PageMemory, disk: Disk, state: CpuState): void {
    this._host = host;
    this._memory = memory;
    this._disk = disk;
    this.vcpu.restore(state.progressNs, memory, host.cpu);
    this.vcpu.setPaused(true);
    this.program.restore(state.program);
    this.nic.discardQueue();
    this.nic.setPaused(true);
    this.resumeWaiters = [];
    this.setStatus('paused');
  }

  private setStatus(s: VmStatus): void {
    this._status = s;
    for (const l of this.listeners) l(s);
  }
}
