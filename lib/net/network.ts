import type { RandomStream } from '../sim/random.js';
import type { Simulation } from '../sim/simulation.js';
import { ms, type Nanos } from '../sim/time.js';
import type { Host, Packet, VM } from '../vm/index.js';
import { type Channel, DEFAULT_EFFICIENCY, type Flow, isLossyMessage, Link } from './channel.js';
import { Service } from './service.js';

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
  readonly wantsFirstByte: boolean;
}

/** A service's clients and the network's callbacks for its packets (made once, not per packet). */
interface ServiceState {
  readonly service: Service;
  readonly clients: ClientSlot[];
  /** Per entry host: what happens when a client packet has crossed that host's NIC. */
  readonly inbound: Map<Host, (f: Flow) => void>;
  readonly delivered: (f: Flow) => void;
  readonly firstByte: (f: Flow) => void;
  readonly dropped: (f: Flow) => void;
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
 * access links are not a bottleneck. Clients address a *service* (`addService`), never a VM: their
 * packets cross the NIC of the service's entry host (where the switch believes it is, until
 * `redirect` — an unsolicited ARP — says otherwise) and reach the service's front end, which the
 * engine owns (`Service.setFrontEnd`); by default a service has one VM, which gets the packet if it
 * runs on that host, and whose replies leave through the NIC of the host it runs on *now*.
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
  private readonly serviceStates = new Map<Service, ServiceState>();
  /** Every attached VM and the service it serves. */
  private readonly vmServices = new Map<VM, Service>();
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

  /** Payload bytes carried so far on every host-to-host link, both directions (`networkMiB`). */
  hostLinkBytes(): number {
    const seen = new Set<Link>();
    let bytes = 0;
    for (const peers of this.links.values())
      for (const { link } of peers.values()) {
        if (seen.has(link)) continue;
        seen.add(link);
        bytes += link.tx.bytesCarried + link.rx.bytesCarried;
      }
    return bytes;
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
   * A new service: an address clients talk to (`registerClient`), served by the VMs attached to it
   * (`attachVm(vm, service)`), routed by its front end (`Service.setFrontEnd`; default: its one VM).
   */
  addService(name: string): Service {
    for (const svc of this.serviceStates.keys()) if (svc.name === name) throw new Error(`service ${name} added twice`);
    const service = new Service(name);
    const st: ServiceState = {
      service,
      clients: [],
      inbound: new Map(),
      // netem on the server's outbound path (C5): everything the server sends reaches clients later.
      delivered: (f: Flow): void => {
        if (this.clientLatencyNs > 0) this.sim.schedule(this.clientLatencyNs, () => this.deliverToClient(st, f.tag as Packet));
        else this.deliverToClient(st, f.tag as Packet);
      },
      firstByte: (f: Flow): void => {
        const p = f.tag as Packet;
        const ep = st.clients[p.client]!.endpoint;
        if (this.clientLatencyNs > 0) this.sim.schedule(this.clientLatencyNs, () => ep.firstByte!(p));
        else ep.firstByte!(p);
      },
      // Only a packet whose first byte reached the client is reported lost (a TCP client then waits
      // for the rest); delayed like everything else on this path so it never overtakes that byte.
      dropped: (f: Flow): void => {
        this.stats.toClientDropped++;
        if (f.firstByteNs < 0) return;
        const p = f.tag as Packet;
        const ep = st.clients[p.client]!.endpoint;
        if (ep.lost === undefined) return;
        if (this.clientLatencyNs > 0) this.sim.schedule(this.clientLatencyNs, () => ep.lost!(p));
        else ep.lost(p);
      },
    };
    this.serviceStates.set(service, st);
    return service;
  }

  /** `service`, or the network's only service when it is not given (throws when there are several). */
  resolveService(service?: Service): Service {
    return this.state(service).service;
  }

  /** Every service, in the order they were added. */
  get services(): Service[] {
    return [...this.serviceStates.keys()];
  }

  /**
   * Put a guest VM on the network, serving `service` (default: a new service of its own, named
   * after it). What its NIC releases goes to the service's front end (default: out through the NIC
   * of the host the VM runs on now); the service's client packets go to its entry host (the first
   * VM's host until `redirect`).
   */
  attachVm(vm: VM, service?: Service): Service {
    if (this.vmServices.has(vm)) throw new Error(`VM ${vm.name} attached twice`);
    this.clientNic(vm.host); // the host must be attached
    const svc = service ?? this.addService(vm.name);
    const st = this.state(svc);
    svc.addVm(vm);
    this.vmServices.set(vm, svc);
    vm.nic.connect((p) => this.fromServer(vm, st, p));
    return svc;
  }

  /** Whether `vm` has been attached (`attachVm`). */
  isAttached(vm: VM): boolean {
    return this.vmServices.has(vm);
  }

  /** The service an attached VM serves. */
  serviceOf(vm: VM): Service {
    const svc = this.vmServices.get(vm);
    if (svc === undefined) throw new Error(`VM ${vm.name} is not attached to the network`);
    return svc;
  }

  /** The host client packets for `service` (default: the only one) currently go to. */
  serverHost(service?: Service): Host {
    return this.state(service).service.entry;
  }

  /**
   * Unsolicited ARP after a migration or failover: from now on client packets for `service`
   * (default: the only one) go to `host`. Packets already on their way still arrive at the old host
   * (and are dropped there if the VM left).
   */
  redirect(host: Host, service?: Service): void {
    this.clientNic(host);
    this.state(service).service.setEntry(host);
  }

  /**
   * Register a client endpoint of `service` (default: the only one). Returns its client number,
   * the service's own (0, 1, … in registration order): what its packets carry in `client`.
   */
  registerClient(endpoint: ClientEndpoint, service?: Service): number {
    const st = this.state(service);
    st.clients.push({ endpoint, wantsFirstByte: endpoint.firstByte !== undefined });
    return st.clients.length - 1;
  }

  /**
   * A client of `service` (default: the only one) sends `p` (its `client` field is its number):
   * across the NIC of the service's entry host (`rx`), then to the service's front end — by default
   * into its VM's NIC if the VM is on that host and has not crashed (a paused VM's NIC queues it),
   * else it is lost.
   */
  toServer(p: Packet, lossy: boolean = isLossyMessage(p.bytes), service?: Service): void {
    const st = this.state(service);
    if (st.clients[p.client] === undefined) throw new Error(`unknown client ${p.client} of service ${st.service.name}`);
    const host = st.service.entry;
    this.stats.toServer++;
    let inbound = st.inbound.get(host);
    if (inbound === undefined) {
      inbound = (f: Flow): void => this.arriveAtHost(st, host, f);
      st.inbound.set(host, inbound);
    }
    this.clientNic(host).rx.send(p.bytes, { lossy, tag: p, onDelivered: inbound, onDropped: this.droppedInbound });
  }

  private arriveAtHost(st: ServiceState, host: Host, f: Flow): void {
    const p = f.tag as Packet;
    if (!this.isUp(host)) {
      this.stats.toServerDropped++;
      return;
    }
    const fe = st.service.frontEnd;
    if (fe !== null) fe.request(p, host);
    else this.deliverToVm(this.onlyVm(st.service), p, host);
  }

  /**
   * Hand a client packet that is at host `at` to `vm`'s NIC: delivered if the VM runs on `at`, has
   * not crashed and `at` is up (a paused VM's NIC queues it), else counted as dropped. For front
   * ends: a request forwarded to another host arrives there over `hostLink` first.
   */
  deliverToVm(vm: VM, p: Packet, at: Host): boolean {
    if (vm.host === at && vm.status !== 'crashed' && this.isUp(at)) {
      this.stats.toServerDelivered++;
      vm.nic.deliver(p);
      return true;
    }
    this.stats.toServerDropped++;
    return false;
  }

  /** A VM released `p`: its service's front end decides (default: straight on to the client). */
  private fromServer(vm: VM, st: ServiceState, p: Packet): void {
    if (st.clients[p.client] === undefined) throw new Error(`VM ${vm.name} sent to unknown client ${p.client}`);
    const fe = st.service.frontEnd;
    if (fe !== null) fe.reply(p, vm);
    else this.sendToClient(st.service, p, vm.host);
  }

  /**
   * Send `p` to client `p.client` of `service` through the client-facing NIC of `from` (the host
   * the replying VM — or the front end — is on); nothing leaves a host that is down.
   */
  sendToClient(service: Service, p: Packet, from: Host): void {
    const st = this.state(service);
    const slot = st.clients[p.client];
    if (slot === undefined) throw new Error(`service ${service.name} has no client ${p.client}`);
    this.stats.toClient++;
    if (!this.isUp(from)) {
      this.stats.toClientDropped++;
      return;
    }
    this.clientNic(from).tx.send(p.bytes, {
      lossy: p.kind === 'datagram' || isLossyMessage(p.bytes),
      tag: p,
      onDelivered: st.delivered,
      onDropped: st.dropped,
      onFirstByte: slot.wantsFirstByte ? st.firstByte : undefined, // no spread: hot path
    });
  }

  private deliverToClient(st: ServiceState, p: Packet): void {
    this.stats.toClientDelivered++;
    st.clients[p.client]!.endpoint.receive(p);
  }

  private state(service: Service | undefined): ServiceState {
    if (service === undefined) {
      if (this.serviceStates.size !== 1) throw new Error(`${this.serviceStates.size} services on the network: say which`);
      return this.serviceStates.values().next().value!;
    }
    const st = this.serviceStates.get(service);
    if (st === undefined) throw new Error(`service ${service.name} is not on this network`);
    return st;
  }

  private onlyVm(service: Service): VM {
    const vms = service.vms;
    if (vms.length !== 1) throw new Error(`service ${service.name} has ${vms.length} VMs: its engine must set a front end (Service.setFrontEnd)`);
    return vms[0]!;
  }
}
