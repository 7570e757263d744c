import type { Channel, Flow, Network } from '../../net/index.js';
import type { Simulation } from '../../sim/index.js';
import type { CpuClaim, Host } from '../../vm/index.js';
import type { ReplicationStream, ReplicationTransport } from './transport.js';

/**
 * The replication stream over lib/net: every batch of a primary's stream (a checkpoint, a batch of
 * disk writes) is a bulk flow on the host-to-host link `network.hostLink(primary, backup)`, and
 * acknowledgements are flows back. Bulk flows are never lost (TCP recovers), stall in a partition
 * and are cut when their sender dies (lib/net's Channel). Each flow is capped by the CPU domain 0
 * can give the stream on a core it may share with the guest (C9): the stream claims what the link
 * could carry and splits the share it gets among its flows in flight.
 */
export class NetTransport implements ReplicationTransport {
  private readonly streams: NetStream[] = [];
  private readonly heard = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly net: Network,
  ) {}

  stream(name: string, sender: Host, receiver: Host, cpu: { sendNsPerByte: number; recvNsPerByte: number }): ReplicationStream {
    const stream = new NetStream(name, this.net.hostLink(sender, receiver), sender, receiver, cpu.sendNsPerByte);
    this.streams.push(stream);
    return stream;
  }

  message(from: Host, to: Host, cb: () => void): void {
    if (!this.net.isUp(from) || !this.net.isUp(to)) return;
    this.net.hostLink(from, to).send(64, {
      onDelivered: () => {
        if (!to.alive) return;
        this.heard.set(key(from, to), this.sim.now);
        cb();
      },
    });
  }

  lastHeardNs(sender: Host, receiver: Host): number {
    let t = this.heard.get(key(sender, receiver)) ?? 0;
    for (const s of this.streams) {
      const between = (s.sender === sender && s.receiver === receiver) || (s.sender === receiver && s.receiver === sender);
      if (!between) continue;
      // Bytes moving between two live hosts over an intact link: TCP acknowledges them.
      if (s.moving && this.net.isUp(s.sender) && this.net.isUp(s.receiver)) return this.sim.now;
      t = Math.max(t, s.lastDeliveryNs);
    }
    return t;
  }

  setUp(up: boolean): void {
    const done = new Set<string>();
    for (const s of this.streams) {
      const k = [s.sender.name, s.receiver.name].sort().join('|');
      if (done.has(k)) continue;
      done.add(k);
      this.net.link(s.sender, s.receiver).setDown(!up);
    }
  }

  hostDown(host: Host): void {
    // lib/net cuts the dead host's flows (Network.hostCrashed, called by the engine).
    for (const s of this.streams) if (s.sender === host || s.receiver === host) s.drop();
  }
}

class NetStream implements ReplicationStream {
  private queued = 0;
  /** Flows in send order with their end offsets; `prefix` is delivered up to `doneUpTo`. */
  private inflight: Array<{ flow: Flow; end: number; delivered: boolean }> = [];
  private doneUpTo = 0;
  private waiters: Array<{ offset: number; cb: () => void }> = [];
  private readonly claim: CpuClaim | null;
  lastDeliveryNs = 0;

  constructor(
    readonly name: string,
    private readonly channel: Channel,
    readonly sender: Host,
    readonly receiver: Host,
    private readonly nsPerByte: number,
  ) {
    let made = false;
    this.claim = nsPerByte > 0 ? sender.dom0Cpu.claim(`remus-send:${name}`, 0, () => made && this.recap()) : null;
    made = true;
  }

  get backlog(): number {
    return this.queued - this.doneUpTo;
  }
  get delivered(): number {
    return this.doneUpTo;
  }
  /** Whether any of its flows is transmitting over a link that is up. */
  get moving(): boolean {
    return !this.channel.down && this.inflight.some((f) => f.flow.state === 'sending');
  }

  enqueue(bytes: number): number {
    if (!(bytes >= 0)) throw new Error(`bad byte count ${bytes}`);
    if (bytes === 0) return this.queued;
    const end = (this.queued += bytes);
    const entry = { flow: null as unknown as Flow, end, delivered: false };
    entry.flow = this.channel.send(bytes, {
      onDelivered: () => {
        entry.delivered = true;
        this.lastDeliveryNs = this.channel.sim.now;
        this.advance();
      },
    });
    this.inflight.push(entry);
    this.recap();
    return end;
  }

  whenDelivered(offset: number, cb: () => void): void {
    if (offset <= this.doneUpTo) {
      this.channel.sim.schedule(0, cb);
      return;
    }
    this.waiters.push({ offset, cb });
  }

  /** The sender or receiver died: what was not delivered never will be. */
  drop(): void {
    this.inflight = [];
    this.waiters = [];
    this.queued = this.doneUpTo;
    this.claim?.setDemand(0);
  }

  private advance(): void {
    while (this.inflight.length > 0 && this.inflight[0]!.delivered) this.doneUpTo = this.inflight.shift()!.end;
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.offset <= this.doneUpTo);
      if (ready.length > 0) {
        this.waiters = this.waiters.filter((w) => w.offset > this.doneUpTo);
        for (const w of ready) w.cb();
      }
    }
    this.recap();
  }

  /** Claim the CPU the link could use, and cap the flows in flight to the share granted. */
  private recap(): void {
    if (this.claim === null) return;
    let sending = 0;
    for (const f of this.inflight) if (f.flow.state === 'sending') sending++;
    this.claim.setDemand(sending === 0 ? 0 : Math.min(1, this.channel.capacity * this.nsPerByte));
    if (sending === 0) return;
    // Caps in bit/s: the share's bytes per ns, split among the flows in flight.
    const bps = (this.claim.share / this.nsPerByte / sending) * 8e9;
    for (const f of this.inflight) if (f.flow.state === 'sending' && f.flow.capBps !== bps) f.flow.setCap(bps);
  }
}

function key(a: Host, b: Host): string {
  return `${a.name}>${b.name}`;
}
