import type { VM } from '../../lib/vm/index.js';
import type { WritePattern } from '../write-pattern.js';
import type { Exchange } from './model.js';

/** What a session sends for one exchange of a page. */
export interface WebRequest {
  readonly session: number;
  /** The session's page number (pages of one session are sequential). */
  readonly page: number;
  readonly kind: Exchange['kind'];
  readonly replyBytes: number;
  /** Static objects in this exchange (images: the pair fetched over the two connections). */
  readonly objects: number;
  /** The page's first exchange (it needs a server worker) and its last (it frees the worker). */
  readonly first: boolean;
  readonly last: boolean;
}

export interface WebServerCosts {
  /** Guest CPU of the dynamic page (PHP + back-end simulator call), ns. */
  readonly dynamicNs: number;
  /** Guest CPU per static object served, ns. */
  readonly staticNs: number;
  /** Guest CPU of a resumed SSL handshake, ns. */
  readonly sslNs: number;
  /** Page writes per dynamic page (PHP heap, session file, access log), besides the reply's pages. */
  readonly dynamicPages: number;
  readonly pageBytes: number;
}

export interface Pending {
  readonly req: WebRequest;
  readonly reply: (bytes: number, body: unknown) => void;
}

/**
 * Server state outside memory, for checkpoints: which sessions hold a worker, which pages wait for
 * one, and the requests being processed (the vCPU's job queue is not in a checkpoint image, and the
 * TCP stack would drop the clients' retransmissions of requests it had already accepted).
 */
export interface WebServerState {
  readonly holders: readonly number[];
  readonly queue: readonly Pending[];
  readonly inflight: ReadonlyArray<readonly [number, Pending]>;
}

/**
 * The guest's web server: a pool of `workers` server processes (Apache prefork: one process per
 * connection). A page's first request takes a worker, which the session's persistent connection
 * then holds through the page's round trips until its last reply is sent — so every round trip's
 * network delay keeps a worker busy; when all are busy, new pages wait in the accept queue.
 * Requests cost guest CPU (FIFO on the vCPU) except `more` (the next TCP window: the kernel sends
 * it on the client's ACK), and dirty the pages the reply and the page generation touch.
 */
export class WebServer {
  private readonly holders = new Set<number>();
  private queue: Pending[] = [];
  private inflight = new Map<number, Pending>();
  private nextId = 0;
  private _maxQueue = 0;

  constructor(
    private readonly vm: () => VM,
    private readonly workers: number,
    private readonly costs: WebServerCosts,
    private readonly pattern: WritePattern,
  ) {}

  get busyWorkers(): number {
    return this.holders.size;
  }
  get maxQueue(): number {
    return this._maxQueue;
  }

  /** A new request (the transport has dropped duplicates where it can). */
  handle(req: WebRequest, reply: (bytes: number, body: unknown) => void): void {
    if (req.first && !this.holders.has(req.session)) {
      if (this.holders.size >= this.workers) {
        if (!this.queue.some((p) => p.req.session === req.session)) this.queue.push({ req, reply });
        if (this.queue.length > this._maxQueue) this._maxQueue = this.queue.length;
        return;
      }
      this.holders.add(req.session);
    }
    this.process(req, reply);
  }

  private process(req: WebRequest, reply: (bytes: number, body: unknown) => void): void {
    const c = this.costs;
    const cpu = req.kind === 'html' ? c.dynamicNs : req.kind === 'image' ? c.staticNs * req.objects : req.kind === 'ssl' ? c.sslNs : 0;
    if (cpu <= 0) {
      this.respond(req, reply);
      return;
    }
    const id = this.nextId++;
    this.inflight.set(id, { req, reply });
    this.submit(id, cpu);
  }

  private submit(id: number, cpu: number): void {
    this.vm().vcpu.submit(cpu, () => {
      const p = this.inflight.get(id);
      if (p === undefined) return;
      this.inflight.delete(id);
      this.respond(p.req, p.reply);
    });
  }

  private respond(req: WebRequest, reply: (bytes: number, body: unknown) => void): void {
    const v = this.vm();
    this.pattern.write(v.memory, Math.ceil(req.replyBytes / this.costs.pageBytes) + (req.kind === 'html' ? this.costs.dynamicPages : 0));
    reply(req.replyBytes, { session: req.session, page: req.page });
    if (req.last) this.release(req.session);
  }

  private release(session: number): void {
    if (!this.holders.delete(session)) return;
    while (this.queue.length > 0 && this.holders.size < this.workers) {
      const next = this.queue.shift()!;
      this.holders.add(next.req.session);
      this.process(next.req, next.reply);
    }
  }

  snapshot(): WebServerState {
    return { holders: [...this.holders], queue: [...this.queue], inflight: [...this.inflight] };
  }

  /** Back to a checkpoint: workers, waiting pages and requests in progress as they were then. */
  restore(s: WebServerState): void {
    this.holders.clear();
    for (const h of s.holders) this.holders.add(h);
    this.queue = [...s.queue];
    this.inflight = new Map(s.inflight);
    const c = this.costs;
    for (const [id, p] of this.inflight) {
      const r = p.req;
      this.submit(id, r.kind === 'html' ? c.dynamicNs : r.kind === 'image' ? c.staticNs * r.objects : c.sslNs);
    }
  }
}
