import type { Network, Service, ServiceFrontEnd } from '../net/index.js';
import type { TcpReplyPayload, TcpRequestPayload } from '../net/tcp.js';
import type { GroupRequest, ReplicationGroup } from '../replication/index.js';
import { digestOf } from '../replication/index.js';
import type { Host, Packet, VM } from '../vm/index.js';

/**
 * The front end of a replicated service: a client's request reaches the service's entry host; the
 * switch there hands it to the session's contact replica manager (over the host-to-host link when
 * that RM is on another host). RMs deliver ordered requests into their replica's NIC as packets
 * whose body carries the position in the total order; each replica's reply goes to its own RM, which
 * digests it for the vote. The contact RM sends the verified reply out through its host's NIC.
 */
export class ReplicatedFrontEnd implements ServiceFrontEnd {
  /** Client request bytes forwarded from the entry host to a contact RM on another host. */
  forwardedBytes = 0;
  private group: ReplicationGroup | null = null;

  constructor(
    private readonly network: Network,
    private readonly service: Service,
    private readonly hosts: readonly Host[],
    private readonly replicas: readonly VM[],
  ) {}

  attach(group: ReplicationGroup): void {
    this.group = group;
  }

  request(p: Packet, at: Host): void {
    const g = this.group!;
    const pl = p.payload as TcpRequestPayload;
    const req: GroupRequest = { session: p.client, n: pl.requestId, bytes: p.bytes, body: p };
    const contact = g.contactFor(p.client);
    const to = this.hosts[contact]!;
    if (to === at) {
      g.submit(contact, req);
      return;
    }
    this.forwardedBytes += p.bytes;
    this.network.hostLink(at, to).send(p.bytes, { lossy: false, onDelivered: () => g.submit(contact, req) });
  }

  /** RM `rm` hands request `req` at position `seq` of the total order to its replica. */
  deliver(rm: number, seq: number, req: GroupRequest): void {
    const vm = this.replicas[rm]!;
    const p = req.body as Packet;
    const pl = p.payload as TcpRequestPayload;
    const ordered: Packet = { bytes: p.bytes, client: p.client, kind: p.kind, payload: { ...pl, body: { position: seq + 1, request: pl.body } }, epoch: 0, seq: 0 };
    this.network.deliverToVm(vm, ordered, vm.host);
  }

  reply(p: Packet, vm: VM): void {
    const rm = this.replicas.indexOf(vm);
    const pl = p.payload as TcpReplyPayload;
    this.group!.replicaReplied(rm, p.client, pl.requestId, p, p.bytes, digestOf(pl.body));
  }

  /** Contact RM `rm` answers the client with a verified reply (a replica's packet). */
  answer(rm: number, reply: unknown): void {
    this.network.sendToClient(this.service, reply as Packet, this.hosts[rm]!);
  }
}
