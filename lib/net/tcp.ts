import type { Simulation, Timer } from '../sim/simulation.js';
import { ms, s, type Nanos } from '../sim/time.js';
import type { Nic, Packet } from '../vm/index.js';
import type { Service } from './service.js';
import type { ClientEndpoint, Network } from './network.js';
import { RequestLog } from './request-log.js';
import type { Timeline } from './timeline.js';

/** Linux `TCP_RTO_MIN` (include/net/tcp.h: HZ/5): the smallest retransmission timeout. */
export const TCP_RTO_MIN_NS = ms(200);
/** Linux `TCP_RTO_MAX` (include/net/tcp.h: 120·HZ): back-off stops doubling here. */
export const TCP_RTO_MAX_NS = s(120);
/** Linux `net.ipv4.tcp_retries2` default (Documentation/networking/ip-sysctl.rst). */
export const TCP_RETRIES2 = 15;

/**
 * How long Linux keeps retransmitting before it gives up on an established connection, for
 * `boundary` = tcp_retries2 retransmissions starting at `rtoBaseNs` (net/ipv4/tcp_timer.c,
 * `retransmits_timed_out`): doubling up to TCP_RTO_MAX, then TCP_RTO_MAX each. 15 → 924.6 s.
 */
export function linuxRetransmitTimeoutNs(boundary: number, rtoBaseNs: Nanos = TCP_RTO_MIN_NS): Nanos {
  const thresh = Math.floor(Math.log2(TCP_RTO_MAX_NS / rtoBaseNs));
  if (boundary <= thresh) return (2 ** (boundary + 1) - 1) * rtoBaseNs;
  return (2 ** (thresh + 1) - 1) * rtoBaseNs + (boundary - thresh) * TCP_RTO_MAX_NS;
}

/**
 * A request fails (the connection breaks) when a retransmission timer expires this long after the
 * request was first sent: Linux's timeout for tcp_retries2 = 15, ≈ 15.4 min. Longer than any run,
 * so by default failovers and migrations show up as delay, never as broken connections (docs/design.md#network-hosts-and-clients).
 */
export const TCP_CONNECTION_TIMEOUT_NS = linuxRetransmitTimeoutNs(TCP_RETRIES2);

/** RFC 6298 §2: gains of the smoothed RTT and its variation, and the variance multiplier. */
const RTT_ALPHA = 1 / 8;
const RTT_BETA = 1 / 4;
const RTT_K = 4;

/**
 * The retransmission timeout of one connection (RFC 6298 with Linux's bounds): RTO = max(200 ms,
 * SRTT + 4·RTTVAR), at most 120 s. Before the first sample the RTO is `initialRtoNs`: the model's
 * connections are already established, and the handshake's RTT sample on a LAN yields the minimum
 * (RFC 6298's 1 s initial value applies to the SYN, which is not simulated).
 */
export class RtoEstimator {
  srttNs = 0;
  rttvarNs = 0;
  samples = 0;
  private _rtoNs: Nanos;
  readonly initialRtoNs: Nanos;

  constructor(initialRtoNs: Nanos = TCP_RTO_MIN_NS) {
    this.initialRtoNs = initialRtoNs;
    this._rtoNs = initialRtoNs;
  }

  get rtoNs(): Nanos {
    return this._rtoNs;
  }

  /** Feed one RTT measurement (only from segments never retransmitted: Karn's algorithm). */
  sample(rttNs: Nanos): void {
    if (this.samples === 0) {
      this.srttNs = rttNs;
      this.rttvarNs = rttNs / 2;
    } else {
      this.rttvarNs = (1 - RTT_BETA) * this.rttvarNs + RTT_BETA * Math.abs(this.srttNs - rttNs);
      this.srttNs = (1 - RTT_ALPHA) * this.srttNs + RTT_ALPHA * rttNs;
    }
    this.samples++;
    this._rtoNs = Math.min(TCP_RTO_MAX_NS, Math.max(TCP_RTO_MIN_NS, Math.round(this.srttNs + RTT_K * this.rttvarNs)));
  }

  /** A new connection: forget the estimate. */
  reset(): void {
    this.srttNs = 0;
    this.rttvarNs = 0;
    this.samples = 0;
    this._rtoNs = this.initialRtoNs;
  }
}

/** What a TCP request carries to the server. */
export interface TcpRequestPayload {
  readonly requestId: number;
  /** 1 for the first transmission, 2 for the first retransmission, … */
  readonly attempt: number;
  /** Every request of this client with a smaller id has completed: the server may forget them. */
  readonly ackBelow: number;
  /** What the application put in it. */
  readonly body: unknown;
}

/** What a reply must carry: the id of the request it answers. */
export interface TcpReplyPayload {
  readonly requestId: number;
  readonly body?: unknown;
}

export type TcpRequestStatus = 'waiting' | 'receiving' | 'done' | 'failed';

/**
 * One request of a TcpClient, from first send to reply or failure. `waiting`: no reply byte yet,
 * the retransmission timer runs; `receiving`: the reply is arriving (the request is acknowledged);
 * `done`: the whole reply arrived; `failed`: the connection broke.
 */
export class TcpRequest {
  readonly client: number;
  readonly requestId: number;
  readonly bytes: number;
  readonly body: unknown;
  /** First transmission. */
  readonly sentNs: Nanos;
  /** Latest (re)transmission. */
  lastSentNs: Nanos;
  firstByteNs: Nanos = -1;
  doneNs: Nanos = -1;
  retransmits = 0;
  status: TcpRequestStatus = 'waiting';
  /** The reply packet, once it has arrived. */
  reply: Packet | null = null;
  /** The timeout of the current transmission (doubles on each expiry). */
  rtoNs: Nanos;
  /** @internal when its retransmission timer expires (Infinity while not waiting) */ deadlineNs: Nanos = Infinity;
  /** @internal */ onDone: ((r: TcpRequest) => void) | null;

  /** @internal */
  constructor(client: number, requestId: number, bytes: number, body: unknown, now: Nanos, rtoNs: Nanos, onDone: ((r: TcpRequest) => void) | null) {
    this.client = client;
    this.requestId = requestId;
    this.bytes = bytes;
    this.body = body;
    this.sentNs = now;
    this.lastSentNs = now;
    this.rtoNs = rtoNs;
    this.onDone = onDone;
  }

  /** First send to the end of the reply (or to the failure). */
  get latencyNs(): Nanos {
    return this.doneNs - this.sentNs;
  }
}

export interface TcpClientOptions {
  /** The service it talks to (default: the network's only one). */
  readonly service?: Service;
  /** Where retransmissions and connection breaks are recorded. */
  readonly timeline?: Timeline;
  /** Where finished requests are recorded (shared by a population; default: the client's own). */
  readonly log?: RequestLog;
  /** Give up on a request after this long (default `TCP_CONNECTION_TIMEOUT_NS`, Linux's ≈15 min). */
  readonly connectionTimeoutNs?: Nanos;
  /** RTO before the first RTT sample (default 200 ms, see `RtoEstimator`). */
  readonly initialRtoNs?: Nanos;
  /** Packet kind of requests (default 'request'). */
  readonly kind?: string;
}

/**
 * A TCP-like request/response connection of one client. A request is retransmitted when no reply
 * byte has arrived within the RTO, the RTO doubling on each expiry (up to 120 s); the request fails
 * — the connection breaks — when a timer expires more than `connectionTimeoutNs` after its first
 * send. Replies are matched by request id; duplicates are ignored.
 *
 * The timer stops at the reply's *first* byte (its flow start on the server NIC + latency): that is
 * when real TCP sees the request acknowledged, and a 512 KB reply crawling through a congested NIC
 * must not look like a lost request. RTT samples are taken at that moment from requests never
 * retransmitted (Karn). If a reply that had started is then lost (the server's host died
 * mid-transfer), the request goes back to waiting and its timer restarts from the loss with the
 * current RTO — standing in for the server-side retransmission of the reply, which the TcpServer
 * helper answers by re-sending its cached reply when the request comes again.
 *
 * There is no separate transport ACK: the reply acknowledges the request. A server that takes
 * longer than the RTO to answer therefore draws retransmissions a real TCP stack would have
 * prevented with its (delayed) ACK; they are harmless here — TcpServer drops the duplicates and the
 * original's reply still ends the request — but they count as retransmissions.
 *
 * Several requests may be outstanding on one client (an open-loop population uses one), each with
 * its own deadline and back-off and a shared RTT estimate; head-of-line blocking is not modelled.
 * Like Linux, a connection has one timer: it is set for the earliest deadline and is not cancelled
 * when a request is acknowledged — it wakes, finds nothing due and sleeps until the next deadline —
 * so a request costs no timer event of its own (cancelled timers would linger in the event heap).
 */
export class TcpClient implements ClientEndpoint {
  readonly id: number;
  /** The service it talks to; `id` is its client number there. */
  readonly service: Service;
  readonly log: RequestLog;
  readonly rto: RtoEstimator;
  readonly connectionTimeoutNs: Nanos;
  private readonly net: Network;
  private readonly sim: Simulation;
  private readonly timeline: Timeline | null;
  private readonly kind: string;
  private readonly pending = new Map<number, TcpRequest>();
  private timer: Timer | null = null;
  private nextId = 0;
  private seq = 0;
  /** Reply packets for no outstanding request (a second copy after a retransmission). */
  duplicates = 0;
  retransmits = 0;
  breaks = 0;

  constructor(net: Network, opts: TcpClientOptions = {}) {
    this.net = net;
    this.sim = net.sim;
    this.timeline = opts.timeline ?? null;
    this.log = opts.log ?? new RequestLog();
    this.rto = new RtoEstimator(opts.initialRtoNs ?? TCP_RTO_MIN_NS);
    this.connectionTimeoutNs = opts.connectionTimeoutNs ?? TCP_CONNECTION_TIMEOUT_NS;
    this.kind = opts.kind ?? 'request';
    this.service = net.resolveService(opts.service);
    this.id = net.registerClient(this, this.service);
  }

  /** Requests sent and not yet answered or failed. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Send a request of `bytes` carrying `body`; `onDone` is called when its reply has arrived or it failed. */
  request(bytes: number, body?: unknown, onDone?: (r: TcpRequest) => void): TcpRequest {
    const r = new TcpRequest(this.id, this.nextId++, bytes, body, this.sim.now, this.rto.rtoNs, onDone ?? null);
    this.pending.set(r.requestId, r);
    this.transmit(r, 1);
    return r;
  }

  /** Start over as a new connection (after a break): forget the RTT estimate. */
  reset(): void {
    this.rto.reset();
  }

  private transmit(r: TcpRequest, attempt: number): void {
    const first = this.pending.keys().next();
    const payload: TcpRequestPayload = { requestId: r.requestId, attempt, ackBelow: first.done ? this.nextId : first.value!, body: r.body };
    this.net.toServer({ bytes: r.bytes, client: this.id, kind: this.kind, payload, epoch: 0, seq: this.seq++ }, undefined, this.service);
    this.arm(r);
  }

  /** Start `r`'s retransmission timer: due one RTO from now. */
  private arm(r: TcpRequest): void {
    r.deadlineNs = this.sim.now + r.rtoNs;
    if (this.timer === null || r.deadlineNs < this.timer.time) {
      this.timer?.cancel();
      this.timer = this.sim.at(r.deadlineNs, this.onTimer);
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    const now = this.sim.now;
    let due: TcpRequest[] | null = null;
    for (const r of this.pending.values()) if (r.deadlineNs <= now) (due ??= []).push(r);
    if (due !== null) for (const r of due) this.expire(r);
    // expire() may have re-armed the timer through a retransmission; keep the earliest.
    let next = Infinity;
    for (const r of this.pending.values()) if (r.deadlineNs < next) next = r.deadlineNs;
    const t = this.timer as Timer | null;
    if (next !== Infinity && (t === null || next < t.time)) {
      t?.cancel();
      this.timer = this.sim.at(next, this.onTimer);
    }
  };

  private expire(r: TcpRequest): void {
    r.deadlineNs = Infinity;
    if (r.status !== 'waiting') return;
    const now = this.sim.now;
    if (now - r.sentNs >= this.connectionTimeoutNs) {
      this.breaks++;
      this.timeline?.record(now, 'connectionBreak', { client: this.id, requestId: r.requestId, retransmits: r.retransmits });
      this.finish(r, 'failed');
      return;
    }
    r.retransmits++;
    this.retransmits++;
    r.rtoNs = Math.min(TCP_RTO_MAX_NS, r.rtoNs * 2); // exponential back-off (RFC 6298 §5.5)
    r.lastSentNs = now;
    this.timeline?.record(now, 'retransmit', { client: this.id, requestId: r.requestId, attempt: r.retransmits + 1 });
    this.transmit(r, r.retransmits + 1);
  }

  /** @internal network callback */
  firstByte(p: Packet): void {
    const r = this.match(p);
    if (r === undefined || r.status !== 'waiting') return;
    this.started(r);
  }

  private started(r: TcpRequest): void {
    const now = this.sim.now;
    r.status = 'receiving';
    if (r.firstByteNs < 0) r.firstByteNs = now;
    r.deadlineNs = Infinity;
    if (r.retransmits === 0) this.rto.sample(now - r.lastSentNs);
  }

  /** @internal network callback */
  receive(p: Packet): void {
    const r = this.match(p);
    if (r === undefined) {
      this.duplicates++;
      return;
    }
    if (r.status === 'waiting') this.started(r);
    r.reply = p;
    this.finish(r, 'done');
  }

  /** @internal network callback: a reply that had started was lost; wait for it again. */
  lost(p: Packet): void {
    const r = this.match(p);
    if (r === undefined || r.status !== 'receiving') return;
    r.status = 'waiting';
    this.arm(r);
  }

  private match(p: Packet): TcpRequest | undefined {
    const id = (p.payload as Partial<TcpReplyPayload> | undefined)?.requestId;
    return typeof id === 'number' ? this.pending.get(id) : undefined;
  }

  private finish(r: TcpRequest, status: 'done' | 'failed'): void {
    r.status = status;
    r.doneNs = this.sim.now;
    r.deadlineNs = Infinity;
    this.pending.delete(r.requestId);
    this.log.add(r);
    const cb = r.onDone;
    r.onDone = null;
    cb?.(r);
  }
}

/** A request as the server sees it (fresh, not a duplicate). */
export interface IncomingRequest {
  readonly client: number;
  readonly requestId: number;
  readonly bytes: number;
  readonly body: unknown;
}

/** Whether a packet is a TcpClient request. */
export function isTcpRequest(p: Packet): boolean {
  const pl = p.payload as Partial<TcpRequestPayload> | undefined;
  return typeof pl === 'object' && pl !== null && typeof pl.requestId === 'number' && typeof pl.attempt === 'number';
}

interface CachedReply {
  readonly bytes: number;
  readonly body: unknown;
}

/** Server-side connection state, as a checkpoint carries it. */
export type TcpServerSnapshot = ReadonlyArray<readonly [client: number, entries: ReadonlyArray<readonly [requestId: number, reply: CachedReply | null]>]>;

/**
 * The guest's side of the TCP connections — the part of its TCP stack the model needs: it drops
 * duplicate requests (a retransmission of one being processed) and answers a retransmission of one
 * already answered by sending the reply again from its "send buffer", as TCP would. Entries are
 * forgotten once the client says it has the replies (`ackBelow`). It lives in guest memory: a
 * workload that checkpoints its program state includes `snapshot()` so that a restored guest
 * (Remus failover) knows exactly the requests it had seen at that checkpoint — requests received
 * after it are new again when the clients retransmit them.
 *
 * Use: `vm.nic.onReceive(p => { const req = server.accept(p); if (req) handle(req) })`, later
 * `server.reply(req, bytes, body)`.
 */
export class TcpServer {
  private readonly nic: Nic;
  private readonly replyKind: string;
  private conns = new Map<number, Map<number, CachedReply | null>>();
  /** Duplicate requests seen (dropped or answered from the cache). */
  duplicates = 0;

  constructor(nic: Nic, opts: { replyKind?: string } = {}) {
    this.nic = nic;
    this.replyKind = opts.replyKind ?? 'reply';
  }

  /** A request packet arrived: the request if it is new, else null (handled here). */
  accept(p: Packet): IncomingRequest | null {
    if (!isTcpRequest(p)) throw new Error(`TcpServer.accept: packet of kind ${p.kind} is not a TCP request`);
    const pl = p.payload as TcpRequestPayload;
    let conn = this.conns.get(p.client);
    if (conn === undefined) {
      conn = new Map();
      this.conns.set(p.client, conn);
    }
    for (const id of conn.keys()) if (id < pl.ackBelow) conn.delete(id);
    if (pl.requestId < pl.ackBelow) throw new Error(`request ${pl.requestId} below its own ackBelow ${pl.ackBelow}`);
    if (conn.has(pl.requestId)) {
      this.duplicates++;
      const cached = conn.get(pl.requestId)!;
      if (cached !== null) this.send(p.client, pl.requestId, cached);
      return null;
    }
    conn.set(pl.requestId, null);
    return { client: p.client, requestId: pl.requestId, bytes: p.bytes, body: pl.body };
  }

  /** Answer a request through the guest's NIC (egress hook, then the network). */
  reply(req: { readonly client: number; readonly requestId: number }, bytes: number, body?: unknown): void {
    const cached: CachedReply = { bytes, body };
    const conn = this.conns.get(req.client);
    if (conn !== undefined && conn.has(req.requestId)) conn.set(req.requestId, cached);
    this.send(req.client, req.requestId, cached);
  }

  private send(client: number, requestId: number, r: CachedReply): void {
    const payload: TcpReplyPayload = { requestId, body: r.body };
    this.nic.send({ client, kind: this.replyKind, bytes: r.bytes, payload });
  }

  /** Requests known and not yet acknowledged by their clients (answered or not). */
  get tracked(): number {
    let n = 0;
    for (const c of this.conns.values()) n += c.size;
    return n;
  }

  snapshot(): TcpServerSnapshot {
    return [...this.conns].map(([c, m]) => [c, [...m]] as const);
  }

  restore(snap: TcpServerSnapshot): void {
    this.conns = new Map(snap.map(([c, entries]) => [c, new Map(entries)]));
  }
}
