import type { PageMemory } from './memory.js';
import { NIC_RX_RING_SLOTS, type Packet } from './nic.js';

/**
 * TCP payload of one full-sized segment on Ethernet: MTU 1500 − 20 (IP) − 20 (TCP) bytes.
 */
export const TCP_MSS_BYTES = 1460;

/**
 * Delayed ACKs: a receiver acknowledges at least every second full-sized segment (RFC 1122
 * §4.2.3.2; Linux's default), so a guest that sends `b` bytes takes ≈ b / (2 × MSS) ACKs back.
 */
export const SEGMENTS_PER_ACK = 2;

/**
 * Default socket send buffer of a TCP connection: Linux's `net.ipv4.tcp_wmem` default (the middle
 * value, 16384 bytes; Documentation/networking/ip-sysctl.txt).
 */
export const SOCKET_BUFFER_KIB = 16;

/**
 * Pages the guest writes per KiB it sends through its own memory (socket buffers filled by a copy,
 * page-cache fills of the files it serves, the heap of the code that produces the bytes). Fitted:
 * Remus's SPECweb2005 achieved 9.98 / 16.38 / 20.25 / 23.34 checkpoints per second when asked for
 * 10 / 20 / 30 / 40 (row C10). Copying a byte once would cost 0.25 pages per KiB; the fitted value
 * is far above that — the mechanism is "memory written in proportion to the bytes served", whatever
 * writes it. docs/workloads.md explains the fit and what it leaves out.
 */
export const NET_PAGES_PER_KIB = 9;

export interface NetBufferOptions {
  /** First page of the region (the guest kernel's network memory, at the top of guest memory). */
  readonly firstPage: number;
  /** Pages of the region. */
  readonly pages: number;
  /** One connection's socket send buffer, pages. */
  readonly socketBufferPages: number;
  /** Pages written per KiB sent through the guest's own memory (NET_PAGES_PER_KIB). */
  readonly pagesPerKiB: number;
  /** Share of the bytes sent that the guest copies (1: read/write; 0: sendfile from a cached file). */
  readonly copiedShare: number;
}

/**
 * Memory a guest dirties by moving bytes over its NIC, in a region of its memory that the service's
 * own data never uses. Three parts, each placed in its own slice of the region:
 *
 * - **receive ring** (NIC_RX_RING_SLOTS pages): Xen's netfront posts one page per receive slot and
 *   netback copies each arriving frame into one — every inbound frame, and every ACK the guest's
 *   own TCP sending draws back (one per SEGMENTS_PER_ACK segments; datagrams draw none), writes
 *   the next ring page;
 * - **socket buffers** (`socketBufferPages` per connection): bytes sent on a connection pass through
 *   its send buffer, rewritten in turn — a connection dirties at most its buffer however much it sends;
 * - **served bytes** (the rest of the region, written as a sweep): `pagesPerKiB` pages per KiB of
 *   the bytes the guest copies (`copiedShare` of what it sends).
 *
 * The ring and the socket buffers are what a busy server rewrites all the time (a bounded set: every
 * pre-copy round and every checkpoint sees it whole); the served bytes grow with the traffic.
 * Counts carry their fractions, so nothing depends on how packets were cut.
 */
export class NetBuffers {
  readonly firstPage: number;
  readonly pages: number;
  readonly ringPages: number;
  readonly socketBufferPages: number;
  /** Connection slots: connection c uses slot c mod slots. */
  readonly slots: number;
  private readonly streamFirst: number;
  private readonly streamPages: number;
  private readonly pagesPerByte: number;
  private readonly copiedShare: number;
  private ringCursor = 0;
  private streamCursor = 0;
  private ackCarry = 0;
  private streamCarry = 0;
  private readonly slotCursor: Int32Array;
  private _writes = 0;

  constructor(opts: NetBufferOptions) {
    if (!(Number.isInteger(opts.pages) && opts.pages > 0)) throw new Error(`bad network buffer size ${opts.pages}`);
    this.firstPage = opts.firstPage;
    this.pages = opts.pages;
    // A small region keeps the layout's order and shrinks from the end: ring, sockets, stream.
    this.ringPages = Math.max(1, Math.min(NIC_RX_RING_SLOTS, Math.floor(opts.pages / 4)));
    this.socketBufferPages = Math.max(1, opts.socketBufferPages);
    const rest = opts.pages - this.ringPages;
    // At most half of what is left is socket buffers; the stream keeps the rest.
    this.slots = Math.max(1, Math.floor(rest / 2 / this.socketBufferPages));
    this.streamFirst = opts.firstPage + this.ringPages + this.slots * this.socketBufferPages;
    this.streamPages = Math.max(1, opts.firstPage + opts.pages - this.streamFirst);
    this.pagesPerByte = opts.pagesPerKiB / 1024;
    this.copiedShare = opts.copiedShare;
    this.slotCursor = new Int32Array(this.slots);
  }

  /** Page writes made so far. */
  get writes(): number {
    return this._writes;
  }

  /** The guest took an inbound packet off its NIC: one ring page per frame. */
  received(memory: PageMemory, p: Packet): void {
    this.ring(memory, Math.max(1, Math.ceil(p.bytes / TCP_MSS_BYTES)));
  }

  /** The guest sent a packet: ACKs into the ring (not for datagrams), its socket buffer, the served bytes. */
  sent(memory: PageMemory, p: Packet): void {
    if (p.kind !== 'datagram') {
      const acks = this.ackCarry + p.bytes / (SEGMENTS_PER_ACK * TCP_MSS_BYTES);
      const a = Math.floor(acks);
      this.ackCarry = acks - a;
      if (a > 0) this.ring(memory, a);
    }
    const slot = ((p.client % this.slots) + this.slots) % this.slots;
    const n = Math.min(this.socketBufferPages, Math.ceil(p.bytes / memory.pageBytes));
    const base = this.firstPage + this.ringPages + slot * this.socketBufferPages;
    let c = this.slotCursor[slot]!;
    for (let k = 0; k < n; k++) {
      memory.write(base + c);
      c = c + 1 === this.socketBufferPages ? 0 : c + 1;
    }
    this.slotCursor[slot] = c;
    this._writes += n;
    const x = this.streamCarry + p.bytes * this.copiedShare * this.pagesPerByte;
    const s = Math.floor(x);
    this.streamCarry = x - s;
    if (s > 0) this.stream(memory, s);
  }

  private ring(memory: PageMemory, n: number): void {
    const first = this.firstPage;
    const size = this.ringPages;
    let c = this.ringCursor;
    for (let k = 0; k < n; k++) {
      memory.write(first + c);
      c = c + 1 === size ? 0 : c + 1;
    }
    this.ringCursor = c;
    this._writes += n;
  }

  private stream(memory: PageMemory, n: number): void {
    let left = n;
    while (left > 0) {
      const run = Math.min(left, this.streamPages - this.streamCursor);
      memory.writeRange(this.streamFirst + this.streamCursor, run);
      this.streamCursor = (this.streamCursor + run) % this.streamPages;
      left -= run;
    }
    this._writes += n;
  }
}
