import { maxMinShare } from '../sim/fair-share.js';
import type { RandomStream } from '../sim/random.js';
import type { Simulation, Timer } from '../sim/simulation.js';
import type { Nanos } from '../sim/time.js';

/** TCP payload per Ethernet frame on the wire: 1448 B of 1538 B (MTU 1500 + 38 B framing, 52 B TCP/IP headers with timestamps). */
export const MSS_BYTES = 1448;
export const WIRE_BYTES_PER_SEGMENT = 1538;
/** Payload goodput ÷ line rate for bulk TCP over Ethernet (docs/design.md#network-hosts-and-clients: a gigabit link moves ≈118 MB/s). */
export const DEFAULT_EFFICIENCY = MSS_BYTES / WIRE_BYTES_PER_SEGMENT;
/**
 * Messages of at most this many bytes are "lossy" by default (`isLossyMessage`): with fewer than
 * four segments in flight a lost segment cannot draw the three duplicate ACKs that trigger fast
 * retransmit (RFC 5681 §3.2), so TCP recovers it only by its retransmission timeout — which is the
 * behaviour the transports model. Longer messages are bulk: loss slows them (see `Channel`).
 */
export const LOSSY_MAX_BYTES = 3 * MSS_BYTES;

export const isLossyMessage = (bytes: number): boolean => bytes <= LOSSY_MAX_BYTES;

/** Mathis et al. (1997) constant: a TCP flow under random loss p reaches ≈ MSS/RTT · √(3/2) / √p. */
const MATHIS_C = Math.sqrt(1.5);

const BITS_PER_NS_TO_BPS = 1e9;

export interface ChannelOptions {
  readonly name?: string;
  /** Line rate in bit/s. */
  readonly bandwidthBps: number;
  /** One-way propagation latency (ns): the last byte arrives this long after it was sent. */
  readonly latencyNs: Nanos;
  /** Payload goodput ÷ line rate (default 1448/1538). All rates a caller sees are payload rates. */
  readonly efficiency?: number;
  /** Probability that a lossy message is lost (default 0). */
  readonly lossRate?: number;
  /** Where losses are drawn from; required when `lossRate > 0`. */
  readonly rng?: RandomStream;
}

export interface SendOptions {
  /** Rate cap of this flow, payload bit/s (migration rate limiting). Default: none. */
  readonly capBps?: number;
  /**
   * A small request/reply message: lost whole with probability `lossRate`, and dropped by a
   * partition. Default false: a bulk TCP flow, which is never lost, only slowed or stalled.
   */
  readonly lossy?: boolean;
  /** Called (from its own event) when the last byte has arrived. */
  readonly onDelivered: (flow: Flow) => void;
  /** Called (from its own event) when the message is lost, cut or dropped at arrival. */
  readonly onDropped?: (flow: Flow) => void;
  /** Called (from its own event) when the first byte arrives: first instant of non-zero rate + latency. */
  readonly onFirstByte?: (flow: Flow) => void;
  /** Whatever the sender wants back in the callbacks (a packet), so callbacks can be shared functions. */
  readonly tag?: unknown;
}

/** Where a flow is: transmitting, its last byte on the wire, or finished one way or another. */
export type FlowState = 'sending' | 'propagating' | 'delivered' | 'dropped' | 'cancelled';

const NOOP = (): void => {};

/**
 * One transfer on a channel (a message or a bulk stream), fluid: it moves at the rate the channel
 * gives it. Created by `Channel.send`.
 */
export class Flow {
  readonly channel: Channel;
  readonly bytes: number;
  readonly lossy: boolean;
  readonly tag: unknown;
  readonly startNs: Nanos;
  /** @internal */ onDelivered: (flow: Flow) => void;
  /** @internal */ onDropped: (flow: Flow) => void;
  /** @internal */ onFirstByte: ((flow: Flow) => void) | null;
  /** @internal bytes done at the channel's last update */ done = 0;
  /** @internal payload bytes per ns */ cap: number;
  /** @internal payload bytes per ns */ rate = 0;
  /** @internal projected end of transmission (integer ns) at the current rate */ finishAt = Infinity;
  /** @internal drawn at send: this lossy message will be lost on the wire */ doomed = false;
  /** @internal the channel's partition count at send (a partition in between drops a lossy message) */ partitionStamp = 0;
  /** @internal */ firstByteArmed = false;
  private _state: FlowState = 'sending';
  /** When transmission ended (the last byte left), or -1. */
  sentNs: Nanos = -1;
  /** When it was delivered or dropped, or -1. */
  endNs: Nanos = -1;
  /** When its first byte arrived at the receiver (tracked only with `onFirstByte`), or -1. */
  firstByteNs: Nanos = -1;

  /** @internal */
  constructor(channel: Channel, bytes: number, opts: SendOptions, now: Nanos) {
    this.channel = channel;
    this.bytes = bytes;
    this.lossy = opts.lossy === true;
    this.tag = opts.tag;
    this.startNs = now;
    this.onDelivered = opts.onDelivered;
    this.onDropped = opts.onDropped ?? NOOP;
    this.onFirstByte = opts.onFirstByte ?? null;
    this.cap = capToBytesPerNs(opts.capBps);
  }

  get state(): FlowState {
    return this._state;
  }
  /** @internal */
  setState(s: FlowState): void {
    this._state = s;
  }

  /** Payload bytes transmitted so far. */
  get bytesDone(): number {
    if (this._state !== 'sending') return this.sentNs >= 0 ? this.bytes : this.done;
    return Math.min(this.bytes, this.done + this.rate * (this.channel.sim.now - this.channel.lastUpdateNs));
  }

  /** Current payload rate, bit/s. */
  get rateBps(): number {
    this.channel.settle();
    return this._state === 'sending' ? this.rate * 8 * BITS_PER_NS_TO_BPS : 0;
  }

  /** Its rate cap, payload bit/s (Infinity for none). */
  get capBps(): number {
    return this.cap * 8 * BITS_PER_NS_TO_BPS;
  }

  /** Change the rate cap (e.g. the migration rate of a new round); rates are recomputed at once. */
  setCap(bps: number): void {
    this.channel.setFlowCap(this, capToBytesPerNs(bps));
  }

  /** Abandon the flow: no callback fires for it any more. */
  cancel(): void {
    this.channel.cancelFlow(this);
  }
}

function capToBytesPerNs(bps: number | undefined): number {
  if (bps === undefined || bps === Infinity) return Infinity;
  if (!(bps >= 0)) throw new Error(`bad rate cap ${bps} bit/s`);
  return bps / 8 / BITS_PER_NS_TO_BPS;
}

/**
 * One direction of a link or NIC, as a fluid model. Concurrent flows share the payload capacity
 * `bandwidthBps × efficiency` max-min fairly, each under its own cap; rates are recomputed on every
 * arrival, departure, cap change or partition (O(active flows), O(n log n) when caps are set) and a
 * single timer is kept for the next end of transmission. The last byte arrives `latencyNs` later.
 *
 * Loss: a *lossy* message (a small request/reply) is lost whole with probability `lossRate` (one
 * draw at send, from the channel's stream). A bulk flow is never lost: TCP recovers its segments;
 * it is only slowed, to the Mathis et al. (1997) bound MSS/RTT·√(3/2)/√p with RTT = 2·latency —
 * which on a LAN is far above the line rate, so in practice bulk flows ignore loss. Simplification
 * documented rather than simulated segment by segment.
 *
 * Partition (`setDown(true)`): lossy messages sending, propagating or sent meanwhile are dropped;
 * bulk flows stall at rate 0 and resume when the link comes back (TCP retransmits after the outage;
 * the extra back-off wait is not modelled). `cutAll()`: the sending host died — every flow still
 * transmitting is dropped; bytes already on the wire still arrive.
 *
 * Every callback runs from its own event, never synchronously inside a Channel method.
 */
export class Channel {
  readonly sim: Simulation;
  readonly name: string;
  readonly bandwidthBps: number;
  readonly latencyNs: Nanos;
  readonly efficiency: number;
  readonly lossRate: number;
  /** Payload capacity, bytes per ns. */
  readonly capacity: number;
  /** Rate bound for bulk flows from loss (bytes per ns; Infinity without loss). */
  readonly bulkCap: number;
  private readonly rng: RandomStream | null;
  private flows: Flow[] = [];
  private caps: number[] = [];
  private shares: number[] = [];
  private held: Flow[] = [];
  private timer: Timer | null = null;
  /** Flows were added or changed at this instant and the shares are not recomputed yet. */
  private dirty = false;
  private _down = false;
  private partitions = 0;
  /** @internal */ lastUpdateNs: Nanos = 0;
  /** Drop everything that arrives (the receiving host crashed). */
  dropArrivals = false;
  /** Payload bytes moved over the channel (lost messages included: they used the wire). */
  bytesCarried = 0;
  /** Time during which at least one flow was moving. */
  busyTimeNs: Nanos = 0;
  delivered = 0;
  dropped = 0;

  constructor(sim: Simulation, opts: ChannelOptions) {
    if (!(opts.bandwidthBps > 0)) throw new Error(`channel ${opts.name ?? ''}: bandwidth must be > 0, got ${opts.bandwidthBps}`);
    if (!(opts.latencyNs >= 0)) throw new Error(`channel ${opts.name ?? ''}: bad latency ${opts.latencyNs}`);
    const efficiency = opts.efficiency ?? DEFAULT_EFFICIENCY;
    if (!(efficiency > 0 && efficiency <= 1)) throw new Error(`channel ${opts.name ?? ''}: efficiency must be in (0, 1], got ${efficiency}`);
    const lossRate = opts.lossRate ?? 0;
    if (!(lossRate >= 0 && lossRate < 1)) throw new Error(`channel ${opts.name ?? ''}: loss rate must be in [0, 1), got ${lossRate}`);
    if (lossRate > 0 && opts.rng === undefined) throw new Error(`channel ${opts.name ?? ''}: a loss rate needs a random stream`);
    this.sim = sim;
    this.name = opts.name ?? 'channel';
    this.bandwidthBps = opts.bandwidthBps;
    this.latencyNs = Math.round(opts.latencyNs);
    this.efficiency = efficiency;
    this.lossRate = lossRate;
    this.rng = opts.rng ?? null;
    this.capacity = (opts.bandwidthBps * efficiency) / 8 / BITS_PER_NS_TO_BPS;
    const rttNs = 2 * this.latencyNs;
    this.bulkCap = lossRate > 0 && rttNs > 0 ? ((MSS_BYTES / rttNs) * MATHIS_C) / Math.sqrt(lossRate) : Infinity;
    this.lastUpdateNs = sim.now;
  }

  /** Payload capacity in bit/s. */
  get goodputBps(): number {
    return this.capacity * 8 * BITS_PER_NS_TO_BPS;
  }
  get down(): boolean {
    return this._down;
  }
  /** Flows transmitting now. */
  get activeFlows(): number {
    return this.flows.length;
  }
  /** Sum of the current flow rates, payload bit/s. */
  get rateBps(): number {
    this.settle();
    let r = 0;
    for (const f of this.flows) r += f.rate;
    return r * 8 * BITS_PER_NS_TO_BPS;
  }

  /** Start a transfer of `bytes` payload bytes. */
  send(bytes: number, opts: SendOptions): Flow {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new Error(`channel ${this.name}: bad message size ${bytes}`);
    const now = this.sim.now;
    const flow = new Flow(this, bytes, opts, now);
    flow.partitionStamp = this.partitions;
    if (flow.lossy) {
      if (this.lossRate > 0) flow.doomed = this.rng!.chance(this.lossRate);
      if (this._down) {
        this.drop(flow);
        return flow;
      }
    }
    this.advance();
    this.flows.push(flow);
    this.markDirty();
    return flow;
  }

  /** Partition (true) or heal (false) this direction. */
  setDown(down: boolean): void {
    if (down === this._down) return;
    this.advance();
    this._down = down;
    if (down) {
      this.partitions++;
      const keep: Flow[] = [];
      for (const f of this.flows) {
        if (f.lossy) this.drop(f);
        else keep.push(f);
      }
      this.flows = keep;
    }
    this.recompute();
    if (!down && this.held.length > 0) {
      const held = this.held;
      this.held = [];
      for (const f of held) this.sim.schedule(this.latencyNs, () => this.arrive(f));
    }
  }

  /** The sending host crashed: drop every flow still transmitting (and bulk data held by a partition). */
  cutAll(): void {
    this.advance();
    const flows = this.flows;
    this.flows = [];
    for (const f of flows) this.drop(f);
    const held = this.held;
    this.held = [];
    for (const f of held) this.drop(f);
    this.recompute();
  }

  /** @internal */
  setFlowCap(flow: Flow, cap: number): void {
    if (flow.state !== 'sending') {
      flow.cap = cap;
      return;
    }
    this.advance();
    flow.cap = cap;
    this.markDirty();
  }

  /** @internal */
  cancelFlow(flow: Flow): void {
    const st = flow.state;
    if (st === 'sending') {
      this.advance();
      this.flows.splice(this.flows.indexOf(flow), 1);
      flow.setState('cancelled');
      this.markDirty();
    } else if (st === 'propagating') {
      const i = this.held.indexOf(flow);
      if (i >= 0) this.held.splice(i, 1);
      flow.setState('cancelled');
    }
  }

  /**
   * Shares are recomputed once per instant, in an event right after the current one: a burst of
   * sends at one instant (Remus releasing an epoch's buffered output) costs one O(n) pass, not one
   * per message. No time passes before that event, so no byte moves at a stale rate; readers of
   * rates flush first.
   */
  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.sim.schedule(0, this.flush);
  }

  private readonly flush = (): void => {
    if (this.dirty) this.recompute();
  };

  /** @internal bring the rates up to date (for readers at the current instant) */
  settle(): void {
    if (this.dirty) this.recompute();
  }

  /** Account the bytes moved since the last update at the rates in force. */
  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.lastUpdateNs;
    if (dt <= 0) return;
    let total = 0;
    for (const f of this.flows) {
      if (f.rate > 0) {
        f.done += f.rate * dt;
        total += f.rate;
      }
    }
    if (total > 0) {
      this.bytesCarried += total * dt;
      this.busyTimeNs += dt;
    }
    this.lastUpdateNs = now;
  }

  /** Max-min shares for the flows now transmitting, their projected ends, and the one timer. */
  private recompute(): void {
    this.dirty = false;
    const flows = this.flows;
    const n = flows.length;
    const now = this.sim.now;
    let next = Infinity;
    if (n > 0) {
      if (this._down) {
        for (const f of flows) f.rate = 0;
      } else {
        // Plain equal split unless a cap is set: skips the sort in the common case.
        let capped = false;
        const caps = this.caps;
        caps.length = n;
        for (let i = 0; i < n; i++) {
          const f = flows[i]!;
          const c = f.lossy ? f.cap : Math.min(f.cap, this.bulkCap);
          caps[i] = c;
          if (c !== Infinity) capped = true;
        }
        if (capped) {
          this.shares.length = n;
          maxMinShare(this.capacity, caps, this.shares);
          for (let i = 0; i < n; i++) flows[i]!.rate = this.shares[i]!;
        } else {
          const share = this.capacity / n;
          for (const f of flows) f.rate = share;
        }
      }
      for (const f of flows) {
        if (f.rate > 0) {
          const left = f.bytes - f.done;
          f.finishAt = left <= 0 ? now : now + Math.round(left / f.rate);
          if (f.onFirstByte !== null && !f.firstByteArmed) this.armFirstByte(f);
        } else if (f.bytes - f.done <= 0) {
          f.finishAt = now; // an empty message needs no bandwidth
        } else {
          f.finishAt = Infinity;
        }
        if (f.finishAt < next) next = f.finishAt;
      }
    }
    if (this.timer !== null) {
      if (this.timer.time === next) return;
      this.timer.cancel();
      this.timer = null;
    }
    if (next !== Infinity) this.timer = this.sim.at(next, this.onTimer);
  }

  private armFirstByte(f: Flow): void {
    f.firstByteArmed = true;
    if (f.doomed) return; // a lost message never shows up
    this.sim.schedule(this.latencyNs, () => {
      // A flow dropped before its first byte landed delivers nothing useful.
      const st = f.state;
      if (st === 'dropped' || st === 'cancelled') return;
      f.firstByteNs = this.sim.now;
      f.onFirstByte!(f);
    });
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.advance();
    const now = this.sim.now;
    const flows = this.flows;
    let finished: Flow[] | null = null;
    let w = 0;
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i]!;
      if (f.finishAt <= now) (finished ??= []).push(f);
      else flows[w++] = f;
    }
    flows.length = w;
    this.recompute();
    if (finished === null) return;
    for (const f of finished) {
      this.bytesCarried += f.bytes - f.done; // the rounding residue of the projected end
      f.done = f.bytes;
      f.sentNs = now;
      f.setState('propagating');
      this.sim.schedule(this.latencyNs, () => this.arrive(f));
    }
  };

  private arrive(f: Flow): void {
    if (f.state !== 'propagating') return;
    if (this.dropArrivals) return this.drop(f);
    if (f.lossy) {
      if (f.doomed || this._down || f.partitionStamp !== this.partitions) return this.drop(f);
    } else if (this._down) {
      this.held.push(f); // bulk data behind a partition waits for the link to heal
      return;
    }
    f.setState('delivered');
    f.endNs = this.sim.now;
    this.delivered++;
    f.onDelivered(f);
  }

  /** Mark dropped now; notify from an event. */
  private drop(f: Flow): void {
    f.setState('dropped');
    f.endNs = this.sim.now;
    f.rate = 0;
    this.dropped++;
    const cb = f.onDropped;
    if (cb !== NOOP) this.sim.schedule(0, () => cb(f));
  }
}

export interface LinkOptions extends ChannelOptions {
  readonly name: string;
}

/**
 * A duplex link: two independent channels with the same parameters. For a host NIC, `tx` carries
 * what the host sends and `rx` what it receives; for a cable between hosts, `tx` runs from the
 * first endpoint to the second.
 */
export class Link {
  readonly name: string;
  readonly tx: Channel;
  readonly rx: Channel;

  constructor(sim: Simulation, opts: LinkOptions) {
    this.name = opts.name;
    this.tx = new Channel(sim, { ...opts, name: `${opts.name}.tx` });
    this.rx = new Channel(sim, { ...opts, name: `${opts.name}.rx` });
  }

  /** Partition or heal both directions. */
  setDown(down: boolean): void {
    this.tx.setDown(down);
    this.rx.setDown(down);
  }

  get down(): boolean {
    return this.tx.down;
  }
}
