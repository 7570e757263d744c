import { TcpClient, TcpServer, type Network, type Service } from '../../lib/net/index.js';

/** What the server's connections carry across a checkpoint (the requests each has seen). */
export type RpcServerState = ReturnType<TcpServer['snapshot']>;
import type { VM } from '../../lib/vm/index.js';

/** Request/reply header bytes (TCP/IP headers, application framing). */
export const RPC_HEADER_BYTES = 64;

/**
 * The clients' side of request/response, as a population's sessions use it (KvClients,
 * WebSessions). Bodies are the application's; the transport adds request ids.
 */
export interface Rpc {
  /** Session `session` sends a request of `bytes` carrying `body`; `onReply` once with the reply's body (or `failed`). */
  call(session: number, bytes: number, body: unknown, onReply: (body: unknown, failed: boolean) => void): void;
  /** Requests resent after a retransmission timeout, over all sessions. */
  readonly retransmissions: number;
}

/**
 * The sessions of a client population talking to a service over lib/net: one TcpClient per
 * session (RFC 6298 RTO with Linux's bounds, exponential back-off), so a migration or failover
 * shows as retransmissions and delay.
 */
export class RpcClients implements Rpc {
  private readonly clients: TcpClient[];

  constructor(net: Network, service: Service, sessions: number) {
    this.clients = Array.from({ length: sessions }, () => new TcpClient(net, { service }));
  }

  get retransmissions(): number {
    let n = 0;
    for (const c of this.clients) n += c.retransmits;
    return n;
  }

  /** Requests sent and not yet answered or failed. */
  get outstanding(): number {
    let n = 0;
    for (const c of this.clients) n += c.outstanding;
    return n;
  }

  call(session: number, bytes: number, body: unknown, onReply: (body: unknown, failed: boolean) => void): void {
    this.clients[session]!.request(bytes, body, (r) => onReply(r.status === 'done' ? (r.reply?.payload as { body?: unknown } | undefined)?.body : undefined, r.status !== 'done'));
  }
}

/**
 * The guest's side: its TCP stack (lib/net's TcpServer) drops duplicate requests and resends the
 * replies it still holds; each new request goes to the handler, which answers with `reply`.
 * Its connection state is guest state: part of the program's snapshot.
 */
export class RpcServer {
  private readonly server: TcpServer;

  constructor(private readonly vm: VM) {
    this.server = new TcpServer(vm.nic);
  }

  serve(handler: (body: unknown, reply: (bytes: number, body: unknown) => void) => void): void {
    this.vm.nic.onReceive((p) => {
      if (this.vm.status === 'crashed') return;
      const req = this.server.accept(p);
      if (req !== null) handler(req.body, (bytes, body) => this.server.reply(req, bytes, body));
    });
  }

  snapshot(): RpcServerState {
    return this.server.snapshot();
  }

  restore(state: RpcServerState): void {
    this.server.restore(state);
  }
}
