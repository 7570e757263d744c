/**
 * A packet between the guest and its clients. Flow-level: `bytes` is the payload size (a reply of
 * 512 KB is one packet), `payload` what the application put in it.
 */
export interface Packet {
  /** Payload bytes. */
  readonly bytes: number;
  /** The client (connection) this packet belongs to. */
  readonly client: number;
  /** What it is, for the application and the timeline: 'request', 'reply', 'datagram', … */
  readonly kind: string;
  readonly payload?: unknown;
  /**
   * Provenance, stamped by the guest's NIC when the guest sends: the guest epoch that produced the
   * packet (Remus checks that no released packet comes from an epoch the backup never committed).
   */
  epoch: number;
  /** Send order on the guest's NIC (stamped at send). */
  seq: number;
}

/**
 * Inbound packets a paused guest's NIC holds: the slots of Xen's netfront/netback receive ring
 * (NET_RX_RING_SIZE = 256 for a 4 KiB ring page, xen/include/public/io/netif.h).
 */
export const NIC_RX_RING_SLOTS = 256;

/** What the guest's side of the NIC moved: packets it sent, packets it took in. */
export interface TrafficListener {
  sent(p: Packet): void;
  received(p: Packet): void;
}

/** An egress hook decides when a sent packet leaves the host: `release(p)` lets it go. */
export type EgressHook = (p: Packet, release: (p: Packet) => void) => void;

/**
 * The guest's virtual NIC. Outbound packets pass the egress hook (Remus buffers there) before the
 * host transmits them; inbound packets are delivered to the guest, or queued while it is paused and
 * delivered at resume (Xen's netback ring), up to `queueLimit`, beyond which they are dropped.
 */
export class Nic {
  /** The guest epoch stamped on outbound packets (an engine advances it; 0 when unprotected). */
  epoch = 0;
  private seq = 0;
  private egress: EgressHook | null = null;
  private traffic: TrafficListener | null = null;
  private tamper: ((p: Packet) => Packet | null) | null = null;
  private transmitFn: (p: Packet) => void = () => {
    throw new Error('NIC not connected to a network');
  };
  private receiveFn: (p: Packet) => void = () => {};
  private queue: Packet[] = [];
  private paused = false;
  private _dropped = 0;
  readonly queueLimit: number;

  constructor(queueLimit = NIC_RX_RING_SLOTS) {
    this.queueLimit = queueLimit;
  }

  /** Packets dropped because the guest was paused with a full queue. */
  get dropped(): number {
    return this._dropped;
  }

  /** The network side: where released packets go. */
  connect(transmit: (p: Packet) => void): void {
    this.transmitFn = transmit;
  }

  /** The guest side: its receive handler. */
  onReceive(handler: (p: Packet) => void): void {
    this.receiveFn = handler;
  }

  /** Observe the guest's traffic (the VM dirties its network buffers from it). */
  setTrafficListener(listener: TrafficListener | null): void {
    this.traffic = listener;
  }

  setEgressHook(hook: EgressHook | null): void {
    this.egress = hook;
  }

  /**
   * A faulty guest (a Byzantine fault): every packet it sends passes `fn` first, which may change
   * it or swallow it (null). Applied before the egress hook, as the guest's own doing.
   */
  setTamper(fn: ((p: Packet) => Packet | null) | null): void {
    this.tamper = fn;
  }

  /** The guest sends: stamp provenance, then egress hook (if any), then transmit. */
  send(p: Omit<Packet, 'epoch' | 'seq'>): void {
    // Fields written out: a spread plus extra properties takes V8's slow path (≈100× slower).
    let pkt: Packet | null = { bytes: p.bytes, client: p.client, kind: p.kind, payload: p.payload, epoch: this.epoch, seq: this.seq++ };
    if (this.tamper !== null) {
      pkt = this.tamper(pkt);
      if (pkt === null) return;
    }
    this.traffic?.sent(pkt);
    if (this.egress !== null) this.egress(pkt, this.transmitFn);
    else this.transmitFn(pkt);
  }

  /** The network delivers an inbound packet. */
  deliver(p: Packet): void {
    if (this.paused) {
      if (this.queue.length < this.queueLimit) this.queue.push(p);
      else this._dropped++;
      return;
    }
    this.traffic?.received(p);
    this.receiveFn(p);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused && this.queue.length > 0) {
      const q = this.queue;
      this.queue = [];
      for (const p of q) {
        this.traffic?.received(p);
        this.receiveFn(p);
      }
    }
  }

  /** Discard queued inbound packets (the VM is gone). */
  discardQueue(): number {
    const n = this.queue.length;
    this.queue = [];
    return n;
  }
}
