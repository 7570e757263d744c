import type { Channel } from '../../net/index.js';
import { Signal, type Simulation, type Yieldable } from '../../sim/index.js';
import type { CpuClaim, HostCpu } from '../../vm/index.js';

/**
 * The path the migration stream takes (`NetworkPath`: flows on a lib/net channel). Kept as an interface
 * so the rounds do not depend on how the bytes are carried.
 */
export interface TransferPath {
  /** Payload bytes per second this path carries for the migration alone. */
  readonly goodputBytesPerS: number;
  /** Send `bytes` at no more than `capBytesPerS`: a delay (ns) or a signal, when the last byte has left. */
  send(bytes: number, capBytesPerS: number): Yieldable;
  /** Wait until everything sent has arrived: a delay (ns) or a signal. */
  drain(): Yieldable;
}

/**
 * Domain-0 CPU spent on the migration stream (mapping, copying, sending pages). While sending,
 * it claims `rate × nsPerByte` of a core on the source's dom0 CPU — the guest's own core where
 * `host.sharedCpu` — and the stream is limited to what the granted share can push.
 */
export class Dom0Work {
  private claim: CpuClaim | null = null;
  private _cpuNs = 0;

  constructor(
    private readonly cpu: HostCpu,
    private readonly nsPerByte: number,
  ) {}

  /** Want to send at `bytesPerS`; returns the rate the granted CPU share allows. */
  want(bytesPerS: number): number {
    if (this.nsPerByte <= 0) return bytesPerS;
    const demand = Math.min(1, (bytesPerS * this.nsPerByte) / 1e9);
    if (this.claim === null) this.claim = this.cpu.claim('dom0-migration', demand);
    else this.claim.setDemand(demand);
    const share = this.claim.share;
    // Granted in full: the wanted rate exactly (no floating-point round trip through cores).
    if (share >= (bytesPerS * this.nsPerByte) / 1e9) return bytesPerS;
    return (share * 1e9) / this.nsPerByte;
  }

  /** Account the CPU time of sending `bytes`. */
  spent(bytes: number): void {
    this._cpuNs += bytes * this.nsPerByte;
  }

  /** Domain-0 CPU time spent so far, ns. */
  get cpuNs(): number {
    return this._cpuNs;
  }

  idle(): void {
    this.claim?.setDemand(0);
  }

  release(): void {
    this.claim?.release();
    this.claim = null;
  }
}

/**
 * The migration stream on lib/net: the shared client-facing NIC (`tx` of the source host,
 * competing max-min with the workload's own traffic) or the host-to-host link. Each batch is one
 * flow under the round's cap. Like a sender writing into its socket, the next batch starts as soon
 * as this one has left (its last byte is on the wire), not when it arrives: the stream stays
 * continuous, and `drain` waits for the last byte to arrive (the stop phase, before the switch).
 */
export class NetworkPath implements TransferPath {
  readonly goodputBytesPerS: number;
  private inFlight = 0;
  private drained: Signal<void> | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly channel: Channel,
  ) {
    this.goodputBytesPerS = channel.capacity * 1e9;
  }

  send(bytes: number, capBytesPerS: number): Signal<void> {
    const left = new Signal<void>('migration batch sent');
    this.inFlight++;
    const arrived = (): void => {
      if (--this.inFlight === 0 && this.drained !== null) {
        const d = this.drained;
        this.drained = null;
        d.trigger();
      }
    };
    const flow = this.channel.send(bytes, { capBps: capBytesPerS * 8, onDelivered: arrived, onDropped: arrived });
    // Wake when the flow's last byte should leave at its current rate (the channel rounds the
    // same way); if rates changed meanwhile, look again.
    const check = (): void => {
      if (flow.state !== 'sending') {
        left.trigger();
        return;
      }
      const rate = flow.rateBps / 8 / 1e9;
      const rest = flow.bytes - flow.bytesDone;
      this.sim.schedule(rate > 0 ? Math.max(1, Math.round(rest / rate)) : STALLED_POLL_NS, check);
    };
    check();
    return left;
  }

  /** A signal when every byte sent so far has arrived (at once if nothing is in flight). */
  drain(): Yieldable {
    if (this.inFlight === 0) return 0;
    this.drained ??= new Signal<void>('migration stream drained');
    return this.drained;
  }
}

/** How often a stalled stream (a partitioned link) looks again, ns. */
const STALLED_POLL_NS = 1_000_000;
