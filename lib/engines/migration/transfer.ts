import type { Channel as NetChannel } from '../../net/index.js';
import { Signal, type Simulation, type Yieldable } from '../../sim/index.js';
import type { CpuClaim, HostCpu } from '../../vm/index.js';

/**
 * The path the migration stream takes. Today a fixed-rate path (line rate × TCP goodput); once
 * lib/net is wired in, a network flow on the shared NIC or the host-to-host link implements the
 * same interface (its `send` then returns the flow's completion signal).
 */
export interface Channel {
  /** Payload bytes per second this path carries for the migration alone. */
  readonly goodputBytesPerS: number;
  /** Send `bytes` at no more than `capBytesPerS`: a delay (ns) or a signal, when the last byte has left. */
  send(bytes: number, capBytesPerS: number): Yieldable;
  /** Wait until everything sent has arrived: a delay (ns) or a signal. */
  drain(): Yieldable;
}

/**
 * A path of fixed goodput (`bandwidthMbps` × `efficiency`, docs/design.md#network-hosts-and-clients). Timing is exact to the
 * nanosecond over back-to-back sends at one rate: each send ends at round(start + bytes so far /
 * rate), so cutting a transfer into batches never adds rounding error.
 */
export class FixedRateChannel implements Channel {
  readonly goodputBytesPerS: number;
  private streamStart = -1;
  private streamEnd = -1;
  private streamBytes = 0;
  private streamRate = 0;

  constructor(
    private readonly sim: Simulation,
    bandwidthMbps: number,
    efficiency: number,
  ) {
    this.goodputBytesPerS = (bandwidthMbps * 1e6 * efficiency) / 8;
  }

  send(bytes: number, capBytesPerS: number): number {
    const rate = Math.min(capBytesPerS, this.goodputBytesPerS);
    if (!(rate > 0)) throw new Error(`migration stream rate must be positive (got ${rate})`);
    const now = this.sim.now;
    if (rate !== this.streamRate || now !== this.streamEnd) {
      this.streamStart = now;
      this.streamBytes = 0;
      this.streamRate = rate;
    }
    this.streamBytes += bytes;
    this.streamEnd = Math.round(this.streamStart + (this.streamBytes / rate) * 1e9);
    return this.streamEnd - now;
  }

  /** The fixed-rate path has no propagation delay: what has left has arrived. */
  drain(): number {
    return 0;
  }
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
export class NetworkChannel implements Channel {
  readonly goodputBytesPerS: number;
  private inFlight = 0;
  private drained: Signal<void> | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly channel: NetChannel,
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
