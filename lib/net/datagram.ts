import type { Simulation, Timer } from '../sim/simulation.js';
import type { Nanos } from '../sim/time.js';
import type { Packet } from '../vm/index.js';
import type { Service } from './service.js';
import type { ClientEndpoint, Network } from './network.js';
import type { Timeline } from './timeline.js';

/**
 * Arrival times of a packet stream and the gaps between consecutive arrivals. The longest gap is
 * kept as it happens (O(1) per arrival); the times themselves, when kept, sit in a growing typed
 * array so any window can be examined later.
 */
export class GapMeter {
  count = 0;
  firstNs: Nanos = -1;
  lastNs: Nanos = -1;
  /** Longest time between two consecutive arrivals so far (0 before the second). */
  maxGapNs: Nanos = 0;
  /** When that gap ended (the arrival that closed it), or -1. */
  maxGapEndNs: Nanos = -1;
  private times: Float64Array | null;

  constructor(keepTimes = true) {
    this.times = keepTimes ? new Float64Array(64) : null;
  }

  /** Record an arrival at `t`; returns the gap it closes (0 for the first). */
  arrive(t: Nanos): Nanos {
    let gap = 0;
    if (this.count === 0) this.firstNs = t;
    else {
      gap = t - this.lastNs;
      if (gap > this.maxGapNs) {
        this.maxGapNs = gap;
        this.maxGapEndNs = t;
      }
    }
    if (this.times !== null) {
      if (this.count === this.times.length) {
        const b = new Float64Array(this.times.length * 2);
        b.set(this.times);
        this.times = b;
      }
      this.times[this.count] = t;
    }
    this.count++;
    this.lastNs = t;
    return gap;
  }

  /**
   * The longest silence up to `endNs`: between consecutive arrivals, or from the last arrival to
   * `endNs` (a server that never comes back). With kept times, only arrivals in [fromNs, endNs]
   * count, and the silence from `fromNs` to the first of them too.
   */
  longestGapNs(endNs?: Nanos, fromNs?: Nanos): Nanos {
    if (fromNs === undefined || this.times === null) {
      const tail = endNs !== undefined && this.count > 0 ? endNs - this.lastNs : 0;
      return Math.max(this.maxGapNs, tail);
    }
    const end = endNs ?? Infinity;
    let prev = fromNs;
    let m = 0;
    for (let i = 0; i < this.count; i++) {
      const t = this.times[i]!;
      if (t < fromNs) continue;
      if (t > end) break;
      m = Math.max(m, t - prev);
      prev = t;
    }
    if (Number.isFinite(end)) m = Math.max(m, end - prev);
    return m;
  }

  /** Arrival times recorded (empty when not kept). */
  arrivals(): Float64Array {
    return this.times === null ? new Float64Array(0) : this.times.slice(0, this.count);
  }
}

export interface DatagramClientOptions {
  /** The service it talks to (default: the network's only one). */
  readonly service?: Service;
  /** Where gaps longer than `gapThresholdNs` are recorded. */
  readonly timeline?: Timeline;
  /** A gap between server packets longer than this is a timeline event (default: none recorded). */
  readonly gapThresholdNs?: Nanos;
  /** Packet kind (default 'datagram'). */
  readonly kind?: string;
  /** Keep every arrival time (default true). */
  readonly keepArrivals?: boolean;
}

/**
 * A UDP-like client (Quake 3): datagrams are sent once and never retransmitted; a lost one is
 * simply gone. What the server sends is timed on arrival, so a migration or failover shows up as
 * a gap (`received.maxGapNs`, `received.longestGapNs(end)`), recorded on the timeline when it
 * exceeds `gapThresholdNs`.
 */
export class DatagramClient implements ClientEndpoint {
  readonly id: number;
  /** The service it talks to; `id` is its client number there. */
  readonly service: Service;
  readonly received: GapMeter;
  sent = 0;
  private readonly net: Network;
  private readonly sim: Simulation;
  private readonly timeline: Timeline | null;
  private readonly gapThresholdNs: Nanos;
  private readonly kind: string;
  private seq = 0;
  private periodic: Timer | null = null;
  /** Called with each packet from the server after it was timed. */
  onPacket: ((p: Packet) => void) | null = null;

  constructor(net: Network, opts: DatagramClientOptions = {}) {
    this.net = net;
    this.sim = net.sim;
    this.timeline = opts.timeline ?? null;
    this.gapThresholdNs = opts.gapThresholdNs ?? Infinity;
    this.kind = opts.kind ?? 'datagram';
    this.received = new GapMeter(opts.keepArrivals ?? true);
    this.service = net.resolveService(opts.service);
    this.id = net.registerClient(this, this.service);
  }

  /** Send one datagram to the server (always lossy: no retransmission). */
  send(bytes: number, body?: unknown): void {
    this.sent++;
    this.net.toServer({ bytes, client: this.id, kind: this.kind, payload: body, epoch: 0, seq: this.seq++ }, true, this.service);
  }

  /** Send a datagram of `bytes` every `periodNs`, starting after `firstDelayNs` (default one period). */
  sendEvery(periodNs: Nanos, bytes: number, firstDelayNs: Nanos = periodNs): void {
    if (!(periodNs > 0)) throw new Error(`bad period ${periodNs}`);
    this.stop();
    const tick = (): void => {
      this.send(bytes);
      this.periodic = this.sim.schedule(periodNs, tick);
    };
    this.periodic = this.sim.schedule(firstDelayNs, tick);
  }

  /** Stop the periodic sender. */
  stop(): void {
    this.periodic?.cancel();
    this.periodic = null;
  }

  /** @internal network callback */
  receive(p: Packet): void {
    const now = this.sim.now;
    const gap = this.received.arrive(now);
    if (gap > this.gapThresholdNs) this.timeline?.record(now, 'gap', { client: this.id, gapMs: gap / 1e6, fromS: (now - gap) / 1e9 });
    this.onPacket?.(p);
  }
}
