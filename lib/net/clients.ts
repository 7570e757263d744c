import type { RandomStream } from '../sim/random.js';
import type { Simulation, Timer } from '../sim/simulation.js';
import { NS_PER_S, type Nanos } from '../sim/time.js';
import type { Service } from './service.js';
import type { Network } from './network.js';
import { RequestLog } from './request-log.js';
import { TcpClient, type TcpRequest } from './tcp.js';
import type { Timeline } from './timeline.js';

/** What a client population sends: the request's size and the application's content. */
export interface RequestSpec {
  readonly bytes: number;
  readonly body?: unknown;
}

/** Options every population shares. */
export interface PopulationOptions {
  /** Every random draw of the population (think times, arrivals) comes from this stream only. */
  readonly rng: RandomStream;
  /** The service it talks to (default: the network's only one). */
  readonly service?: Service;
  readonly timeline?: Timeline;
  /** Give up on a request after this long (default Linux's ≈15 min, `TCP_CONNECTION_TIMEOUT_NS`). */
  readonly connectionTimeoutNs?: Nanos;
  readonly initialRtoNs?: Nanos;
}

export interface ClosedLoopOptions extends PopulationOptions {
  /** Concurrent sessions (each its own connection). */
  readonly sessions: number;
  /** Mean of the exponential think time between a reply and the session's next request (0: none). */
  readonly thinkMeanNs: Nanos;
  /** The next request of `session` (its `index`-th). */
  readonly request: (session: number, index: number) => RequestSpec;
  /** Called when a request of `session` is answered or failed. */
  readonly onDone?: (r: TcpRequest, session: number) => void;
  /**
   * Start each session after an exponential think time (default true): with exponential think
   * times that is the stationary residual, so the population starts in equilibrium instead of in
   * one burst. False: every session sends at once.
   */
  readonly staggerStart?: boolean;
}

/**
 * Closed-loop clients (SPECweb-style sessions): each of N sessions sends a request, waits for the
 * whole reply, thinks for an exponential time, and sends the next — so at most N requests are ever
 * outstanding, and exactly N with no think time. A failed request (broken connection) makes the
 * session reconnect (fresh RTT estimate) and go on after its think time.
 */
export class ClosedLoopClients {
  readonly clients: readonly TcpClient[];
  readonly log = new RequestLog();
  private readonly sim: Simulation;
  private readonly opts: ClosedLoopOptions;
  private readonly counts: number[];
  private readonly timers: Array<Timer | null>;
  private running = false;
  issued = 0;

  constructor(net: Network, opts: ClosedLoopOptions) {
    if (!(Number.isInteger(opts.sessions) && opts.sessions >= 0)) throw new Error(`sessions must be a whole number ≥ 0, got ${opts.sessions}`);
    if (!(opts.thinkMeanNs >= 0)) throw new Error(`think time mean must be ≥ 0, got ${opts.thinkMeanNs}`);
    this.sim = net.sim;
    this.opts = opts;
    const clientOpts = {
      log: this.log,
      ...(opts.service === undefined ? {} : { service: opts.service }),
      ...(opts.timeline === undefined ? {} : { timeline: opts.timeline }),
      ...(opts.connectionTimeoutNs === undefined ? {} : { connectionTimeoutNs: opts.connectionTimeoutNs }),
      ...(opts.initialRtoNs === undefined ? {} : { initialRtoNs: opts.initialRtoNs }),
    };
    this.clients = Array.from({ length: opts.sessions }, () => new TcpClient(net, clientOpts));
    this.counts = new Array<number>(opts.sessions).fill(0);
    this.timers = new Array<Timer | null>(opts.sessions).fill(null);
  }

  /** Requests sent and not yet answered. */
  get outstanding(): number {
    let n = 0;
    for (const c of this.clients) n += c.outstanding;
    return n;
  }

  /** Start every session now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const stagger = this.opts.staggerStart ?? true;
    for (let i = 0; i < this.clients.length; i++) {
      if (stagger && this.opts.thinkMeanNs > 0) this.timers[i] = this.sim.schedule(this.think(), () => this.issue(i));
      else this.issue(i);
    }
  }

  /** Send no new requests; those outstanding finish. */
  stop(): void {
    this.running = false;
    for (let i = 0; i < this.timers.length; i++) {
      this.timers[i]?.cancel();
      this.timers[i] = null;
    }
  }

  private think(): Nanos {
    return this.opts.thinkMeanNs > 0 ? this.opts.rng.exponential(this.opts.thinkMeanNs) : 0;
  }

  private issue(session: number): void {
    this.timers[session] = null;
    if (!this.running) return;
    const spec = this.opts.request(session, this.counts[session]!++);
    this.issued++;
    this.clients[session]!.request(spec.bytes, spec.body, (r) => this.done(session, r));
  }

  private done(session: number, r: TcpRequest): void {
    if (r.status === 'failed') this.clients[session]!.reset();
    this.opts.onDone?.(r, session);
    if (!this.running) return;
    const t = this.think();
    if (t === 0) this.issue(session);
    else this.timers[session] = this.sim.schedule(t, () => this.issue(session));
  }
}

export interface OpenLoopOptions extends PopulationOptions {
  /** Mean request arrivals per second (Poisson). */
  readonly ratePerS: number;
  /** The `index`-th request. */
  readonly request: (index: number) => RequestSpec;
  readonly onDone?: (r: TcpRequest) => void;
}

/**
 * Open-loop clients: requests arrive as a Poisson process at `ratePerS` whatever the server does
 * (arrivals do not wait for replies), so an outage builds a backlog of outstanding requests. They
 * share one TcpClient — one RTT estimate, a timer per request — standing in for many short
 * connections from the same client network.
 */
export class OpenLoopClients {
  readonly client: TcpClient;
  readonly log = new RequestLog();
  private readonly sim: Simulation;
  private readonly opts: OpenLoopOptions;
  private readonly meanGapNs: number;
  private timer: Timer | null = null;
  issued = 0;

  constructor(net: Network, opts: OpenLoopOptions) {
    if (!(opts.ratePerS > 0)) throw new Error(`arrival rate must be > 0, got ${opts.ratePerS}`);
    this.sim = net.sim;
    this.opts = opts;
    this.meanGapNs = NS_PER_S / opts.ratePerS;
    this.client = new TcpClient(net, {
      log: this.log,
      ...(opts.service === undefined ? {} : { service: opts.service }),
      ...(opts.timeline === undefined ? {} : { timeline: opts.timeline }),
      ...(opts.connectionTimeoutNs === undefined ? {} : { connectionTimeoutNs: opts.connectionTimeoutNs }),
      ...(opts.initialRtoNs === undefined ? {} : { initialRtoNs: opts.initialRtoNs }),
    });
  }

  get outstanding(): number {
    return this.client.outstanding;
  }

  /** First arrival one exponential gap from now (Poisson arrivals are memoryless). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = this.sim.schedule(this.opts.rng.exponential(this.meanGapNs), this.arrive);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private readonly arrive = (): void => {
    const spec = this.opts.request(this.issued++);
    const onDone = this.opts.onDone;
    this.client.request(spec.bytes, spec.body, onDone);
    this.timer = this.sim.schedule(this.opts.rng.exponential(this.meanGapNs), this.arrive);
  };
}
