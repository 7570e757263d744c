import type { RandomStream } from '../sim/random.js';
import type { Simulation } from '../sim/simulation.js';
import { ms, type Nanos } from '../sim/time.js';
import type { Host, Packet, VM } from '../vm/index.js';
import { type Channel, DEFAULT_EFFICIENCY, type Flow, isLossyMessage, Link } from './channel.js';

/** One-way latency of a host's client-facing NIC and the switch behind it (a LAN: 50 µs). */
export const CLIENT_NIC_LATENCY_MS = 0.05;

export interface NetworkOptions {
  /** Client-facing NIC of each host, Mbit/s (`net.clientBandwidthMbps`, default 1000). */
  readonly clientBandwidthMbps?: number;
  /** Propagation latency of the client-facing NIC, ms (default `CLIENT_NIC_LATENCY_MS`). */
  readonly clientNicLatencyMs?: number;
  /** Extra one-way delay on what the server sends to its clients, ms (`net.clientLatencyMs`: netem, C5). */
  readonly clientLatencyMs?: number;
  /** Loss probability of small messages on the client-facing NICs (default 0). */
  readonly clientLossRate?: number;
  /** Host-to-host link, Mbit/s (`link.bandwidthMbps`, default 1000). */
  readonly linkBandwidthMbps?: number;
  /** Host-to-host one-way latency, ms (`link.latencyMs`, default 0.1). */
  readonly linkLatencyMs?: number;
  /** Host-to-host message loss probability (`link.lossRate`, default 0). */
  readonly linkLossRate?: number;
  /** Payload goodput ÷ line rate of every NIC and link (`link.efficiency`, default 1448/1538). */
  readonly efficiency?: number;
  /** The network's own random stream (losses); required when a loss rate is set. */
  readonly rng?: RandomStream;
}

/** Anything with `num(key)`: the run's Params (structurally, so lib/net does not import lib/params). */
export interface NumericParams {
  num(key: string): number;
}

/**
 * A client's end of the network: what the transports (TcpClient, DatagramClient) implement. The
 * network calls these from events.
 */
export interface ClientEndpoint {
  /** A packet from the server has fully arrived. */
  receive(p: Packet): void;
  /** Its first byte arrived (TCP: the request is acknowledged; stop the retransmission timer). */
  firstByte?(p: Packet): void;
  /** A packet to this client was lost after it started (its host crashed mid-transfer). */
  lost?(p: Packet): void;
}

interface ClientSlot {
  readonly endpoint: ClientEndpoint;
  readonly server: VM;
  readonly wantsFirstByte: boolean;
}

interface ServerSlot {
  /** Where client packets go (the switch's view, changed by unsolicited ARP). */
  host: Host;
}

/** Counters of the network's client traffic. */
export interface NetworkStats {
  toServer: number;
  toServerDelivered: number;
  /** Client packets lost: on the wire, at a dead host, or at a host the VM is not on. */
  toServerDropped: number;
  toClient: number;
  toClientDelivered: number;
  toClientDropped: number;
}

/**
 * The topology of a run (docs/design.md#network-hosts-and-clients): every host has a client-facing NIC (`clientNic(host)`: `tx`
 * = host → clients, `rx` = clients → host) and a point-to-point link to every other host
 * (`hostLink(from, to)`: the Remus replication cable). Clients sit behind the switch; their own
 * access links are not a bottleneck. The network knows where each server VM is: packets the guest
 * releases leave through the NIC of the host it runs on *now*; client packets go to the host the
 * switch believes the VM is on until `redirect` (an unsolicited ARP) says otherwise.
 *
 * Engines use the channels directly: pre-copy puts its page stream on `clientNic(src).tx`
 * (`migration.sharedNic`) or `hostLink(src, dst)`, with a per-round cap (`Flow.setCap`); Remus sends
 * checkpoints over `hostLink(primary, backup)` and acks back, and releases buffered output through
 * the VM's NIC as usual. Faults call `hostCrashed` and `link(a, b).setDown`.
 */
export class Network {
  readonly sim: Simulation;
  readonly clientLatencyNs: Nanos;
  private readonly opts: Required<Omit<NetworkOptions, 'rng'>> & { rng: RandomStream | undefined };
  private readonly nics = new Map<Host, Link>();
  /** Per host: its peers and the cable to each, with the host the cable's `tx` starts from. */
  private readonly links = new Map<Host, Map<Host, { readonly link: Link; readonly from: Host }>>();
  private readonly crashed = new Set<Host>();
  private readonly servers = new Map<VM, ServerSlot>();
  private readonly clients: ClientSlot[] = [];
  private readonly inbound = new Map<Host, (f: Flow) => void>();
  private readonly droppedInbound = (): void => {
    this.stats.toServerDropped++;
  };
  readonly stats: NetworkStats = { toServer: 0, toServerDelivered: 0, toServerDropped: 0, toClient: 0, toClientDelivered: 0, toClientDropped: 0 };

  constructor(sim: Simulation, opts: NetworkOptions = {}) {
    this.sim = sim;
    this.opts = {
      clientBandwidthMbps: opts.clientBandwidthMbps ?? 1000,
      clientNicLatencyMs: opts.clientNicLatencyMs ?? CLIENT_NIC_LATENCY_MS,
      clientLatencyMs: opts.clientLatencyMs ?? 0,
      clientLossRate: opts.clientLossRate ?? 0,
      linkBandwidthMbps: opts.linkBandwidthMbps ?? 1000,
      linkLatencyMs: opts.linkLatencyMs ?? 0.1,
      linkLossRate: opts.linkLossRate ?? 0,
      efficiency: opts.efficiency ?? DEFAULT_EFFICIENCY,
      rng: opts.rng,
    };
    if (!(this.opts.clientLatencyMs >= 0)) throw new Error(`net.clientLatencyMs must be ≥ 0, got ${this.opts.clientLatencyMs}`);
    this.clientLatencyNs = ms(this.opts.clientLatencyMs);
  }

  /** The network options of a run from its parameters (docs/design.md#parameter-keys). */
  static optionsFromParams(p: NumericParams, rng?: RandomStream): NetworkOptions {
    return {
      clientBandwidthMbps: p.num('net.clientBandwidthMbps'),
      clientLatencyMs: p.num('net.clientLatencyMs'),
      linkBandwidthMbps: p.num('link.bandwidthMbps'),
      linkLatencyMs: p.num('link.latencyMs'),
      linkLossRate: p.num('link.lossRate'),
      efficiency: p.num('link.efficiency'),
      ...(rng === undefined ? {} : { rng }),
    };
  }

  /** Attach a host: it gets its client-facing NIC. */
  addHost(host: Host): void {
    if (this.nics.has(host)) throw new Error(`host ${host.name} attached twice`);
    const o = this.opts;
    const nic = new Link(this.sim, {
      name: `${host.name}.nic`,
      bandwidthBps: o.clientBandwidthMbps * 1e6,
      latencyNs: ms(o.clientNicLatencyMs),
      efficiency: o.efficiency,
      lossRate: o.clientLossRate,
      ...(o.rng === undefined ? {} : { rng: o.rng }),
    });
    this.nics.set(host, nic);
    this.links.set(host, new Map());
    this.inbound.set(host, (f: Flow) => this.arriveAtHost(host, f));
  }

  get hosts(): Host[] {
    return [...this.nics.keys()];
  }

  /** A host's client-facing NIC: `tx` host → clients (shared by migration when `sharedNic`), `rx` clients → host. */
  clientNic(host: Host): Link {
    const nic = this.nics.get(host);
    if (nic === undefined) throw new Error(`host ${host.name} is not attached to the network`);
    return nic;
  }

  /** The cable between two hosts (created on first use; `tx` runs from the first host attached). */
  link(a: Host, b: Host): Link {
    if (a === b) throw new Error(`no link from host ${a.name} to itself`);
    const la = this.links.get(a);
    const lb = this.links.get(b);
    if (la === undefined || lb === undefined) throw new Error(`host ${(la === undefined ? a : b).name} is not attached to the network`);
    const known = la.get(b);
    if (known === undefined) {
      const o = this.opts;
      const l = new Link(this.sim, {
        name: `${a.name}-${b.name}`,
        bandwidthBps: o.linkBandwidthMbps * 1e6,
        latencyNs: ms(o.linkLatencyMs),
        efficiency: o.efficiency,
        lossRate: o.linkLossRate,
        ...(o.rng === undefined ? {} : { rng: o.rng }),
      });
      la.set(b, { link: l, from: a });
      lb.set(a, { link: l, from: a });
      if (this.crashed.has(a)) l.rx.dropArrivals = true;
      if (this.crashed.has(b)) l.tx.dropArrivals = true;
      return l;
    }
    return known.link;
  }

  /** The direction `from → to` of the host-to-host link. */
  hostLink(from: Host, to: Host): Channel {
    const l = this.link(from, to);
    return this.links.get(from)!.get(to)!.from === from ? l.tx : l.rx;
  }

  /**
   * A host crashed (the fault injector also sets `host.alive = false` and crashes its VM): every
   * flow leaving it is cut, and whatever arrives at it from now on is dropped.
   */
  hostCrashed(host: Host): void {
    const nic = this.clientNic(host);
    this.crashed.add(host);
    nic.tx.cutAll();
    nic.rx.dropArrivals = true;
    for (const peer of this.links.get(host)!.keys()) {
      const out = this.hostLink(host, peer);
      const into = this.hostLink(peer, host);
      out.cutAll();
      into.dropArrivals = true;
    }
  }

  /** Whether a host is up in the network's view. */
  isUp(host: Host): boolean {
    return host.alive && !this.crashed.has(host);
  }

  /**
   * Put a server VM on the network: what its NIC releases leaves through its current host's NIC, and
   * client packets are routed to the host it runs on now (until `redirect`).
   */
  attachVm(vm: VM): void {
    if (this.servers.has(vm)) throw new Error(`VM ${vm.name} attached twice`);
    this.clientNic(vm.host); // the host must be attached
    this.servers.set(vm, { host: vm.host });
    vm.nic.connect((p) => this.fromServer(vm, p));
  }

  /** Whether `vm` has been attached (`attachVm`). */
  isAttached(vm: VM): boolean {
    return this.servers.has(vm);
  }

  /** The host client packets for `vm` (default: the only server) currently go to. */
  serverHost(vm?: VM): Host {
    return this.serverSlot(vm).host;
  }

  /**
   * Unsolicited ARP after a migration or failover: from now on client packets for `vm` go to `host`.
   * Packets already on their way still arrive at the old host (and are dropped there if the VM left).
   */
  redirect(host: Host, vm?: VM): void {
    this.clientNic(host);
    this.serverSlot(vm).host = host;
  }

  /** Register a client endpoint talking to `server` (default: the only attached VM). Returns its id. */
  registerClient(endpoint: ClientEndpoint, server?: VM): number {
    const vm = server ?? this.onlyServer();
    if (!this.servers.has(vm)) throw new Error(`VM ${vm.name} is not attached to the network`);
    this.clients.push({ endpoint, server: vm, wantsFirstByte: endpoint.firstByte !== undefined });
    return this.clients.length - 1;
  }

  /**
   * A client sends `p` (its `client` field is its id) to its server: across the server host's NIC
   * (`rx`), then into the VM's NIC if the VM is on that host and has not crashed — a paused VM's
   * NIC queues it — else it is lost.
   */
  toServer(p: Packet, lossy: boolean = isLossyMessage(p.bytes)): void {
    const slot = this.clients[p.client];
    if (slot === undefined) throw new Error(`unknown client ${p.client}`);
    const host = this.servers.get(slot.server)!.host;
    this.stats.toServer++;
    this.clientNic(host).rx.send(p.bytes, { lossy, tag: p, onDelivered: this.inbound.get(host)!, onDropped: this.droppedInbound });
  }

  private arriveAtHost(host: Host, f: Flow): void {
    const p = f.tag as Packet;
    const vm = this.clients[p.client]!.server;
    if (vm.host === host && vm.status !== 'crashed' && this.isUp(host)) {
      this.stats.toServerDelivered++;
      vm.nic.deliver(p);
    } else this.stats.toServerDropped++;
  }

  /** The guest released `p`: it leaves through the NIC of the host the VM is on now. */
  private fromServer(vm: VM, p: Packet): void {
    const slot = this.clients[p.client];
    if (slot === undefined) throw new Error(`VM ${vm.name} sent to unknown client ${p.client}`);
    this.stats.toClient++;
    const host = vm.host;
    if (!this.isUp(host)) {
      this.stats.toClientDropped++;
      return;
    }
    this.clientNic(host).tx.send(p.bytes, {
      lossy: p.kind === 'datagram' || isLossyMessage(p.bytes),
      tag: p,
      onDelivered: this.toClientDelivered,
      onDropped: this.toClientDropped,
      onFirstByte: slot.wantsFirstByte ? this.toClientFirstByte : undefined, // no spread: hot path
    });
  }

  // netem on the server's outbound path (C5): everything the server sends reaches clients later.
  private readonly toClientDelivered = (f: Flow): void => {
    if (this.clientLatencyNs > 0) this.sim.schedule(this.clientLatencyNs, () => this.deliverToClient(f.tag as Packet));
    else this.deliverToClient(f.tag as Packet);
  };

  private readonly toClientFirstByte = (f: Flow): void => {
    const p = f.tag as Packet;
    const ep = this.clients[p.client]!.endpoint;
    if (this.clientLatencyNs > 0) this.sim.schedule(this.clientLatencyNs, () => ep.firstByte!(p));
    else ep.firstByte!(p);
  };

  // Only a packet whose first byte reached the client is reported lost (a TCP client then waits for
  // the rest); delayed like everything else on this path so it never overtakes that first byte.
  private readonly toClientDropped = (f: Flow): void => {
    this.stats.toClientDropped++;
    if (f.firstByteNs < 0) return;
    const p = f.tag as Packet;
    const ep = this.clients[p.client]!.endpoint;
    if (ep.lost === undefined) return;
    if (this.clientLatencyNs > 0) this.sim.schedule(this.clientLatencyNs, () => ep.lost!(p));
    else ep.lost(p);
  };

  private deliverToClient(p: Packet): void {
    this.stats.toClientDelivered++;
    this.clients[p.client]!.endpoint.receive(p);
  }

  private serverSlot(vm: VM | undefined): ServerSlot {
    const slot = this.servers.get(vm ?? this.onlyServer());
    if (slot === undefined) throw new Error(`VM ${vm?.name} is not attached to the network`);
    return slot;
  }

  private onlyServer(): VM {
    if (this.servers.size !== 1) throw new Error(`${this.servers.size} VMs attached: say which server`);
    return this.servers.keys().next().value!;
  }
}
