import { Network, TcpClient, TcpServer } from '../../lib/net/index.js';
import type { Simulation, Timer } from '../../lib/sim/index.js';
import type { Packet, VM } from '../../lib/vm/index.js';

/**
 * Request/response between a workload's client sessions and its guest, whatever carries it: lib/net
 * (TcpClient per session, TcpServer in the guest) when the scenario gives the workload a Network,
 * else DirectRpc below. Bodies are the application's; the transport adds request ids.
 */
export interface Rpc {
  /** Session `session` sends a request of `bytes` carrying `body`; `onReply` once with the reply's body (or `failed`). */
  call(session: number, bytes: number, body: unknown, onReply: (body: unknown, failed: boolean) => void): void;
  /** The guest's handler for each new request (duplicates are the transport's business); it answers with `reply`. */
  serve(handler: (body: unknown, reply: (bytes: number, body: unknown) => void) => void): void;
  readonly retransmissions: number;
  /** The guest-side connection state, for checkpoints (lib/net's TcpServer). */
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** Options for DirectRpc, from the run's parameters. */
export interface RpcParams {
  num(key: string): number;
}

/**
 * Connect `sessions` client sessions to `vm`. With a lib/net Network the VM is attached (if the
 * scenario has not done it) and each session gets its own TcpClient; otherwise DirectRpc.
 */
export function connectRpc(sim: Simulation, network: unknown, vm: VM, sessions: number, params: RpcParams): Rpc {
  if (network instanceof Network) return new NetRpc(network, vm, sessions);
  const bytesPerNs = (params.num('net.clientBandwidthMbps') * 1e6 * params.num('link.efficiency')) / 8 / 1e9;
  const direct = new DirectRpc({ sim, serverBytesPerNs: bytesPerNs, upNs: LAN_ONE_WAY_NS, downNs: LAN_ONE_WAY_NS + params.num('net.clientLatencyMs') * 1e6 });
  direct.attach(vm);
  return direct;
}

/** Rpc over lib/net: TCP-like clients (RFC 6298 RTO, back-off), the guest's TcpServer dropping duplicates. */
class NetRpc implements Rpc {
  private readonly clients: TcpClient[];
  private readonly server: TcpServer;
  private readonly vm: VM;

  constructor(net: Network, vm: VM, sessions: number) {
    this.vm = vm;
    // The scenario attaches the VM; a harness without it gets it attached here.
    if (!net.isAttached(vm)) net.attachVm(vm);
    this.clients = Array.from({ length: sessions }, () => new TcpClient(net, { server: vm }));
    this.server = new TcpServer(vm.nic);
  }

  get retransmissions(): number {
    let n = 0;
    for (const c of this.clients) n += c.retransmits;
    return n;
  }

  call(session: number, bytes: number, body: unknown, onReply: (body: unknown, failed: boolean) => void): void {
    this.clients[session]!.request(bytes, body, (r) => onReply(r.status === 'done' ? (r.reply?.payload as { body?: unknown } | undefined)?.body : undefined, r.status !== 'done'));
  }

  serve(handler: (body: unknown, reply: (bytes: number, body: unknown) => void) => void): void {
    this.vm.nic.onReceive((p) => {
      if (this.vm.status === 'crashed') return;
      const req = this.server.accept(p);
      if (req !== null) handler(req.body, (bytes, body) => this.server.reply(req, bytes, body));
    });
  }

  snapshot(): unknown {
    return this.server.snapshot();
  }

  restore(state: unknown): void {
    this.server.restore(state as ReturnType<TcpServer['snapshot']>);
  }
}

/** Linux's minimum retransmission timeout (TCP_RTO_MIN, 200 ms): what a client waits before resending. */
export const TCP_RTO_MIN_NS = 200_000_000;
/** Linux's maximum RTO (TCP_RTO_MAX, 120 s): the back-off ceiling. */
export const TCP_RTO_MAX_NS = 120_000_000_000;
/** One-way propagation on the clients' LAN (switched gigabit Ethernet: tens of µs). Estimate. */
export const LAN_ONE_WAY_NS = 50_000;
/** Request/reply header bytes (TCP/IP headers, application framing). */
export const RPC_HEADER_BYTES = 64;

export interface RpcOptions {
  readonly sim: Simulation;
  /** Server-side NIC rate for replies, bytes per ns (payload goodput). */
  readonly serverBytesPerNs: number;
  /** One-way delay client → server (ns). */
  readonly upNs: number;
  /** One-way delay server → client (ns): the LAN plus `net.clientLatencyMs` (netem on the server's outbound link). */
  readonly downNs: number;
}

interface Call {
  readonly client: number;
  readonly id: number;
  readonly bytes: number;
  readonly payload: unknown;
  readonly onReply: (p: Packet) => void;
  rto: number;
  timer: Timer | null;
}

/**
 * TCP-like request/response between clients and the guest, for workloads whose clients run while
 * lib/net is not wired into the scenario (`env.network` null): each request is resent after the RTO
 * (200 ms minimum, doubling up to 120 s) until its reply arrives; duplicate replies are ignored.
 * Replies leave through the guest's NIC (so an engine's egress hook — Remus's output buffer — sees
 * them) and are serialised on the server's outbound link at its rate, then delayed by `downNs`.
 * Requests that reach a crashed VM are lost (and resent).
 */
export class DirectRpc implements Rpc {
  private readonly sim: Simulation;
  private readonly opts: RpcOptions;
  private vm: VM | null = null;
  private readonly calls = new Map<string, Call>();
  private linkFreeAt = 0;
  private _retransmissions = 0;
  private _sent = 0;
  private readonly nextId: number[] = [];

  constructor(opts: RpcOptions) {
    this.sim = opts.sim;
    this.opts = opts;
  }

  get retransmissions(): number {
    return this._retransmissions;
  }

  /** Requests sent (first transmissions). */
  get sent(): number {
    return this._sent;
  }

  /** Requests awaiting their reply. */
  get outstanding(): number {
    return this.calls.size;
  }

  /** Connect the guest's NIC: what it sends goes to the clients. */
  attach(vm: VM): void {
    this.vm = vm;
    vm.nic.connect((p) => this.fromServer(p));
  }

  call(session: number, bytes: number, body: unknown, onReply: (body: unknown, failed: boolean) => void): void {
    const id = (this.nextId[session] ??= 0);
    this.nextId[session] = id + 1;
    this.callRaw(session, id, bytes, { id, body }, (p) => onReply((p.payload as { body: unknown }).body, false));
  }

  serve(handler: (body: unknown, reply: (bytes: number, body: unknown) => void) => void): void {
    const vm = this.vm!;
    vm.nic.onReceive((p) => {
      if (vm.status === 'crashed') return;
      const { id, body } = p.payload as { id: number; body: unknown };
      handler(body, (bytes, reply) => vm.nic.send({ client: p.client, kind: 'reply', bytes, payload: { id, body: reply } }));
    });
  }

  // DirectRpc keeps no guest-side connection state: a duplicate request is executed again.
  snapshot(): unknown {
    return null;
  }
  restore(): void {}

  /** Client `client` sends request `id` (payload bytes `bytes`); `onReply` once, with the first reply. */
  callRaw(client: number, id: number, bytes: number, payload: unknown, onReply: (p: Packet) => void): void {
    const c: Call = { client, id, bytes, payload, onReply, rto: TCP_RTO_MIN_NS, timer: null };
    this.calls.set(`${client}:${id}`, c);
    this._sent++;
    this.transmit(c);
  }

  private transmit(c: Call): void {
    const pkt: Packet = { bytes: c.bytes, client: c.client, kind: 'request', payload: c.payload, epoch: 0, seq: 0 };
    this.sim.schedule(this.opts.upNs, () => {
      const vm = this.vm;
      if (vm !== null && vm.status !== 'crashed') vm.nic.deliver(pkt);
    });
    c.timer = this.sim.schedule(c.rto, () => {
      c.timer = null;
      if (!this.calls.has(`${c.client}:${c.id}`)) return;
      this._retransmissions++;
      c.rto = Math.min(2 * c.rto, TCP_RTO_MAX_NS);
      this.transmit(c);
    });
  }

  private fromServer(p: Packet): void {
    const start = Math.max(this.sim.now, this.linkFreeAt);
    this.linkFreeAt = start + (p.bytes + RPC_HEADER_BYTES) / this.opts.serverBytesPerNs;
    this.sim.at(Math.ceil(this.linkFreeAt + this.opts.downNs), () => this.toClient(p));
  }

  private toClient(p: Packet): void {
    const id = (p.payload as { id?: number } | undefined)?.id;
    const key = `${p.client}:${id}`;
    const c = this.calls.get(key);
    if (c === undefined) return; // a duplicate (the request was resent and answered twice)
    this.calls.delete(key);
    c.timer?.cancel();
    c.onReply(p);
  }
}
