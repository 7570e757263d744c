import type { Host, Packet, VM } from '../vm/index.js';

/**
 * The engine's side of a service: which VM or VMs a client request reaches, and which of their
 * replies goes back to the client. The network calls it from events; it acts through the network's
 * primitives (`Network.deliverToVm`, `Network.sendToClient`, the host links for forwarding).
 *
 * Without one, a service with a single VM delivers every request to that VM when the VM runs on the
 * host the request reached, and sends every reply on as it is released (migration, Remus, the
 * unprotected baseline). A replicated engine installs its own (`Service.setFrontEnd`): e.g. order
 * the requests and forward them over the host links to every replica, then vote on the replies.
 */
export interface ServiceFrontEnd {
  /**
   * A client's packet for this service has crossed the client-facing NIC of `at` (the service's
   * entry host at the time it was sent) and `at` is up. Deliver it — or drop it (the network counts
   * a drop only when `deliverToVm` refuses).
   */
  request(p: Packet, at: Host): void;
  /**
   * `vm`, one of the service's VMs, released `p` (after its NIC's egress hook) for client
   * `p.client` of this service. Send it on (`Network.sendToClient(service, p, vm.host)`), hold it,
   * or drop it (a replica's duplicate).
   */
  reply(p: Packet, vm: VM): void;
}

/**
 * A service: the address a client population talks to. Clients never name a VM: the engine's front
 * end routes each request to one or more of the VMs serving it (`vms`), and decides which reply the
 * client gets. Client numbers (`Packet.client`) are the service's own: 0, 1, … in registration
 * order, so every replica of a service sees the same numbers.
 *
 * Created by `Network.addService`; VMs join it with `Network.attachVm(vm, service)`.
 */
export class Service {
  readonly name: string;
  private readonly _vms: VM[] = [];
  private _entry: Host | null = null;
  private _frontEnd: ServiceFrontEnd | null = null;

  /** @internal use Network.addService */
  constructor(name: string) {
    this.name = name;
  }

  /** The VMs serving it, in the order they were attached. */
  get vms(): readonly VM[] {
    return this._vms;
  }

  /**
   * The host client packets for the service go to: the switch's view (the first VM's host until
   * `Network.redirect` — an unsolicited ARP — moves it).
   */
  get entry(): Host {
    if (this._entry === null) throw new Error(`service ${this.name} has no VM yet`);
    return this._entry;
  }

  /** The engine's front end, or null for the default (one VM: deliver and reply directly). */
  get frontEnd(): ServiceFrontEnd | null {
    return this._frontEnd;
  }

  /** Install the engine's front end (before the run starts). */
  setFrontEnd(frontEnd: ServiceFrontEnd): void {
    this._frontEnd = frontEnd;
  }

  /** @internal Network.attachVm */
  addVm(vm: VM): void {
    this._vms.push(vm);
    this._entry ??= vm.host;
  }

  /** @internal Network.redirect */
  setEntry(host: Host): void {
    this._entry = host;
  }
}
