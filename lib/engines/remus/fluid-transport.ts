import { maxMinShare, type Simulation, type Timer } from '../../sim/index.js';
import type { CpuClaim, Host } from '../../vm/index.js';
import type { ReplicationStream, ReplicationTransport } from './transport.js';

interface Waiter {
  readonly offset: number;
  readonly cb: () => void;
}

class FluidStream implements ReplicationStream {
  sent = 0;
  queued = 0;
  rate = 0;
  lastProgressNs = 0;
  waiters: Waiter[] = [];
  head = 0;
  sendClaim: CpuClaim | null = null;
  recvClaim: CpuClaim | null = null;
  constructor(
    private readonly transport: FluidTransport,
    readonly name: string,
    readonly sender: Host,
    readonly receiver: Host,
    readonly sendNsPerByte: number,
    readonly recvNsPerByte: number,
  ) {}

  get backlog(): number {
    return this.queued - this.sent;
  }
  get delivered(): number {
    return this.sent;
  }

  enqueue(bytes: number): number {
    if (!(bytes >= 0)) throw new Error(`bad byte count ${bytes}`);
    if (bytes === 0) return this.queued;
    this.transport.advance();
    this.queued += bytes;
    this.transport.recompute();
    return this.queued;
  }

  whenDelivered(offset: number, cb: () => void): void {
    if (offset <= this.sent + EPS) {
      this.transport.deliver(this, cb);
      return;
    }
    this.waiters.push({ offset, cb });
    this.transport.recompute();
  }
}

/** Offsets within this many bytes count as reached (floating-point slack of rate × time). */
const EPS = 1e-3;

/**
 * A fluid model of the host-to-host link (docs/design.md#network-hosts-and-clients): goodput = bandwidth × efficiency ×
 * (1 − loss) shared max-min among the active streams; each stream is further capped by the CPU its
 * ends can give it — domain 0 on the primary (a core it may share with the guest, C9) and on the
 * backup (shared by every primary it protects). Streams hold CPU claims only while they have
 * bytes to send, sized to the rate they actually get.
 *
 * Used only when several primaries share one backup (`remus.primaries` > 1): lib/net gives every
 * host pair a cable of its own and has no NIC shared by several cables, so it cannot carry N
 * streams converging on the backup's one replication NIC; one primary replicates over lib/net.
 */
export class FluidTransport implements ReplicationTransport {
  private readonly streams: FluidStream[] = [];
  private last = 0;
  private timer: Timer | null = null;
  private up = true;
  private inRecompute = false;
  private deferred = false;
  private readonly heard = new Map<string, number>();
  private readonly goodput: number;

  constructor(
    private readonly sim: Simulation,
    opts: { bandwidthMbps: number; efficiency: number; latencyNs: number; lossRate?: number },
  ) {
    // bytes per ns: Mbit/s × 1e6 / 8 / 1e9
    this.goodput = (opts.bandwidthMbps * 1e6 * opts.efficiency * (1 - (opts.lossRate ?? 0))) / 8 / 1e9;
    this.latencyNs = opts.latencyNs;
  }

  readonly latencyNs: number;

  /** Payload bytes per ns the link carries when one stream has it alone. */
  get goodputBytesPerNs(): number {
    return this.goodput;
  }

  stream(name: string, sender: Host, receiver: Host, cpu: { sendNsPerByte: number; recvNsPerByte: number }): ReplicationStream {
    const ch = new FluidStream(this, name, sender, receiver, cpu.sendNsPerByte, cpu.recvNsPerByte);
    const onChange = (): void => this.cpuChanged();
    if (cpu.sendNsPerByte > 0) ch.sendClaim = sender.dom0Cpu.claim(`remus-send:${name}`, 0, onChange);
    if (cpu.recvNsPerByte > 0) ch.recvClaim = receiver.dom0Cpu.claim(`remus-recv:${name}`, 0, onChange);
    this.streams.push(ch);
    return ch;
  }

  message(from: Host, to: Host, cb: () => void): void {
    if (!this.up || !from.alive || !to.alive) return;
    this.sim.schedule(this.latencyNs, () => {
      if (!this.up || !to.alive) return;
      this.heard.set(key(from, to), this.sim.now);
      cb();
    });
  }

  lastHeardNs(sender: Host, receiver: Host): number {
    this.advance();
    let t = this.heard.get(key(sender, receiver)) ?? 0;
    for (const ch of this.streams) {
      const between = (ch.sender === sender && ch.receiver === receiver) || (ch.sender === receiver && ch.receiver === sender);
      if (!between) continue;
      // Bytes arriving are heard one latency after they left.
      const progress = ch.rate > 0 ? this.sim.now : ch.lastProgressNs + this.latencyNs;
      if (progress > t) t = Math.min(progress, this.sim.now);
    }
    return t;
  }

  setUp(up: boolean): void {
    this.advance();
    this.up = up;
    this.recompute();
  }

  hostDown(host: Host): void {
    this.advance();
    for (const ch of this.streams) {
      if (ch.sender !== host && ch.receiver !== host) continue;
      ch.queued = ch.sent;
      ch.waiters = [];
      ch.head = 0;
    }
    this.recompute();
  }

  /** Bring every stream's progress up to now and hand out what arrived. */
  advance(): void {
    const now = this.sim.now;
    const dt = now - this.last;
    this.last = now;
    if (dt <= 0) return;
    for (const ch of this.streams) {
      if (ch.rate <= 0) continue;
      ch.sent = Math.min(ch.queued, ch.sent + ch.rate * dt);
      if (ch.queued - ch.sent <= EPS) ch.sent = ch.queued;
      ch.lastProgressNs = now;
      this.fire(ch);
    }
  }

  /** Schedule `cb` one latency after now (the last byte's propagation), if the receiver lives. */
  deliver(ch: FluidStream, cb: () => void): void {
    this.sim.schedule(this.latencyNs, () => {
      if (!ch.receiver.alive) return;
      cb();
    });
  }

  /** Recompute every stream's rate and the next time something happens. */
  recompute(): void {
    if (this.inRecompute) return;
    this.inRecompute = true;
    try {
      this.advance();
      const active: FluidStream[] = [];
      for (const ch of this.streams) {
        const live = this.up && ch.sender.alive && ch.receiver.alive && ch.queued - ch.sent > EPS;
        if (live) active.push(ch);
        else {
          ch.rate = 0;
          ch.sendClaim?.setDemand(0);
          ch.recvClaim?.setDemand(0);
        }
      }
      if (active.length === 1) {
        // One stream (the common case): the whole goodput, capped by the CPU its ends get.
        const ch = active[0]!;
        ch.sendClaim?.setDemand(Math.min(1, this.goodput * ch.sendNsPerByte));
        ch.recvClaim?.setDemand(Math.min(1, this.goodput * ch.recvNsPerByte));
        ch.rate = Math.min(this.goodput, this.cpuCap(ch));
      } else if (active.length > 1) {
        const caps = new Array<number>(active.length);
        const rates = new Array<number>(active.length);
        // Pass 1: what the link alone would give; claim the CPU that rate needs.
        caps.fill(Number.POSITIVE_INFINITY);
        maxMinShare(this.goodput, caps, rates);
        active.forEach((ch, i) => {
          ch.sendClaim?.setDemand(Math.min(1, rates[i]! * ch.sendNsPerByte));
          ch.recvClaim?.setDemand(Math.min(1, rates[i]! * ch.recvNsPerByte));
        });
        // Pass 2: the CPU granted caps each stream; share the link among the capped streams.
        active.forEach((ch, i) => {
          caps[i] = this.cpuCap(ch);
        });
        maxMinShare(this.goodput, caps, rates);
        // Keep only the CPU actually used, so a link-bound stream leaves the rest to the guest.
        active.forEach((ch, i) => {
          ch.rate = rates[i]!;
          ch.sendClaim?.setDemand(Math.min(1, ch.rate * ch.sendNsPerByte));
          ch.recvClaim?.setDemand(Math.min(1, ch.rate * ch.recvNsPerByte));
        });
      }
      this.reschedule();
    } finally {
      this.inRecompute = false;
    }
  }

  /** The rate the CPU granted to a stream's two ends allows (bytes/ns). */
  private cpuCap(ch: FluidStream): number {
    let cap = Number.POSITIVE_INFINITY;
    if (ch.sendClaim !== null) cap = Math.min(cap, ch.sendClaim.share / ch.sendNsPerByte);
    if (ch.recvClaim !== null) cap = Math.min(cap, ch.recvClaim.share / ch.recvNsPerByte);
    return cap;
  }

  private cpuChanged(): void {
    if (this.inRecompute || this.deferred) return;
    // A guest's demand changed the CPU shares: re-rate the streams right after this event.
    this.deferred = true;
    this.sim.schedule(0, () => {
      this.deferred = false;
      this.recompute();
    });
  }

  private fire(ch: FluidStream): void {
    while (ch.head < ch.waiters.length && ch.waiters[ch.head]!.offset <= ch.sent + EPS) {
      const w = ch.waiters[ch.head++]!;
      this.deliver(ch, w.cb);
    }
    if (ch.head > 64 && ch.head * 2 > ch.waiters.length) {
      ch.waiters = ch.waiters.slice(ch.head);
      ch.head = 0;
    }
  }

  private reschedule(): void {
    this.timer?.cancel();
    this.timer = null;
    let next = Number.POSITIVE_INFINITY;
    for (const ch of this.streams) {
      if (ch.rate <= 0) continue;
      const target = ch.head < ch.waiters.length ? Math.min(ch.waiters[ch.head]!.offset, ch.queued) : ch.queued;
      const dt = Math.max(0, (target - ch.sent) / ch.rate);
      if (dt < next) next = dt;
    }
    if (!Number.isFinite(next)) return;
    this.timer = this.sim.schedule(Math.ceil(next), () => {
      this.timer = null;
      this.recompute();
    });
  }
}

function key(a: Host, b: Host): string {
  return `${a.name}>${b.name}`;
}
