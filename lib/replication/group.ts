import type { Network } from '../net/index.js';
import type { Simulation, Timer } from '../sim/index.js';
import { ms, type Nanos } from '../sim/index.js';
import type { Host } from '../vm/index.js';
import { DEFAULT_RM_COSTS, RM_HEARTBEAT_MS, RM_SUSPECT_TIMEOUT_MS, type RmCosts, digestCpuNs } from './costs.js';
import { VoteCollector } from './vote.js';

/**
 * A client request as the replica managers see it: session `session`'s request number `n`
 * (numbers grow per session; a retry repeats the number), its size on the wire and its body.
 */
export interface GroupRequest {
  readonly session: number;
  readonly n: number;
  readonly bytes: number;
  readonly body: unknown;
}

/** Why a contact RM suspects a fault while a vote runs. */
export type Suspicion = 'mismatch' | 'timeout';

export interface ReplicationGroupOptions {
  readonly sim: Simulation;
  readonly network: Network;
  /** One replica manager per host, RM i on hosts[i]; RM 0 is the first sequencer. */
  readonly hosts: readonly Host[];
  /** Identical replies a contact RM needs before it answers (f + 1). */
  readonly quorum: number;
  readonly costs?: Partial<RmCosts>;
  readonly heartbeatNs?: Nanos;
  /** Silence after which an RM is declared crashed (the synchronous assumption). */
  readonly suspectNs?: Nanos;
  /** Time a vote may run before the contact RM suspects a fault (default: never). */
  readonly replyTimeoutNs?: Nanos;
  /** RM `rm` delivers `req` at position `seq` of the total order to its local replica. */
  deliver(rm: number, seq: number, req: GroupRequest): void;
  /** Contact RM `rm` answers `req`'s client with a verified reply. */
  answer(rm: number, req: GroupRequest, reply: unknown, bytes: number): void;
  /** Contact RM `rm` suspects a fault for `req` (replies differ, or too few in time). */
  suspect?(rm: number, req: GroupRequest, why: Suspicion): void;
  /** RM `rm` has declared RM `dead` crashed. */
  crashDetected?(rm: number, dead: number): void;
  /**
   * Test-only fault: this RM hands its replica each pair of consecutive requests in swapped order
   * (a broken total order), so its replica's state and replies diverge.
   */
  readonly shuffledRm?: number;
}

/** Counters of one replica manager. */
export interface RmStats {
  /** Domain-0 CPU the RM consumed (messages, digests), ns. */
  cpuNs: number;
  messagesSent: number;
  bytesSent: number;
  delivered: number;
  answered: number;
  suspicions: number;
}

type Msg =
  | { readonly t: 'req'; readonly req: GroupRequest; readonly contact: number }
  | { readonly t: 'ord'; readonly seq: number; readonly req: GroupRequest | null; readonly contact: number }
  | { readonly t: 'ack'; readonly upTo: number }
  | { readonly t: 'commit'; readonly upTo: number }
  | { readonly t: 'hb' }
  | { readonly t: 'rep'; readonly session: number; readonly n: number; readonly digest: string; readonly voter: number }
  | { readonly t: 'revote'; readonly session: number; readonly n: number; readonly contact: number }
  | { readonly t: 'fetch'; readonly session: number; readonly n: number; readonly voter: number }
  | { readonly t: 'full'; readonly session: number; readonly n: number; readonly digest: string; readonly reply: unknown; readonly bytes: number }
  | { readonly t: 'sync'; readonly orders: ReadonlyArray<Order>; readonly next: number; readonly ack: number };

interface Order {
  readonly seq: number;
  readonly req: GroupRequest | null;
  readonly contact: number;
}

interface Vote {
  readonly req: GroupRequest;
  readonly collector: VoteCollector;
  timer: Timer | null;
  suspected: boolean;
  /** The RM asked for the full reply, or −1. */
  fetchingFrom: number;
}

/** Orders kept after delivery, for a view change (a slower RM may still miss them). */
const DELIVERED_KEPT = 4096;

/**
 * One trusted, crash-only replica manager (in domain 0 of its host). It orders, acknowledges and
 * delivers client requests with the others, deduplicates retries, and — as the contact RM of a
 * client session — votes on the replicas' replies.
 */
class ReplicaManager {
  alive = true;
  readonly stats: RmStats = { cpuNs: 0, messagesSent: 0, bytesSent: 0, delivered: 0, answered: 0, suspicions: 0 };
  /** live[i]: RM i is live in this RM's view. */
  readonly live: boolean[];
  readonly lastHeard: Nanos[];
  readonly lastSent: Nanos[];
  // Ordering.
  readonly orders = new Map<number, Order>();
  /** Sequencer: acked[i] = the highest number up to which RM i acknowledged every order (−1: none). */
  readonly acked: number[];
  /** Every number up to this one has been acknowledged by every live RM (the sequencer says so). */
  committed = -1;
  nextDeliver = 0;
  /** Highest contiguous sequence number received (what this RM acknowledges). */
  contiguous = -1;
  /** Per session: the highest request number ordered, and the one delivered. */
  readonly orderedN = new Map<number, number>();
  readonly deliveredN = new Map<number, number>();
  // Sequencer.
  nextSeq = 0;
  syncing: { readonly waitFor: Set<number>; readonly orders: Map<number, Order>; minNext: number } | null = null;
  readonly queued: Array<{ req: GroupRequest; contact: number }> = [];
  // Contact.
  readonly pendingForward = new Map<number, GroupRequest>();
  readonly votes = new Map<number, Vote>();
  readonly answered = new Map<number, { n: number; reply: unknown; bytes: number }>();
  /** Per session: this RM's replica's latest reply. */
  readonly replyCache = new Map<number, { n: number; digest: string; reply: unknown; bytes: number }>();
  /** Per extra voter on this host (a SPARE shadow activated beside the replica), per session: its latest reply. */
  readonly extraReplies = new Map<number, Map<number, { n: number; digest: string; reply: unknown; bytes: number }>>();
  /** Per session: where replies to request n go. */
  readonly contactOf = new Map<number, { n: number; rm: number }>();
  /** The shuffle fault: a request held back to be delivered after its successor. */
  held: { seq: number; req: GroupRequest } | null = null;

  constructor(
    readonly index: number,
    readonly host: Host,
    size: number,
  ) {
    this.live = new Array<boolean>(size).fill(true);
    this.lastHeard = new Array<number>(size).fill(0);
    this.lastSent = new Array<number>(size).fill(0);
    this.acked = new Array<number>(size).fill(-1);
  }

  sequencer(): number {
    return this.live.indexOf(true);
  }
}

/**
 * The replica managers of a replicated service, one per host, and the protocol between them
 * (docs/replication.md):
 *
 * - **Ordering.** A client request reaches its session's contact RM, which forwards it to the
 *   sequencer — the lowest-numbered RM it believes live. The sequencer gives it the next sequence
 *   number and sends the order to every RM. Each RM acknowledges to the sequencer the highest
 *   number up to which it holds every order; once every RM the sequencer believes live has
 *   acknowledged s, the sequencer commits s and says so to all, and each RM delivers the committed
 *   requests to its local replica in sequence order. Every RM-to-RM message crosses the
 *   host-to-host links of lib/net (latency, bandwidth, loss slow it; RMs talk TCP, so nothing is
 *   lost while both ends live).
 * - **Crash detection.** RMs send heartbeats when they have sent nothing else for a heartbeat
 *   period; an RM silent for `suspectNs` is declared crashed. This assumes synchrony: every message
 *   between live RMs arrives within that timeout. A partition longer than it breaks the assumption.
 * - **Sequencer change.** When the sequencer is declared crashed, every RM sends the new one (the
 *   lowest live) the orders it holds but has not delivered; the new sequencer re-sends their union,
 *   fills numbers no live RM received with no-ops, and only then orders new requests. Contact RMs
 *   forward again what was never ordered. Duplicates are dropped by request number.
 * - **Replies.** Each replica's reply becomes a digest sent to the request's contact RM (its own
 *   replica's full reply stays local); the contact answers once `quorum` identical digests are in,
 *   fetching the full reply from an agreeing RM when its own replica disagreed. A client retry that
 *   reaches another RM (its contact crashed) makes that RM the contact: it asks every RM to send
 *   its replica's reply again.
 */
export class ReplicationGroup {
  private readonly opts: ReplicationGroupOptions;
  private readonly sim: Simulation;
  readonly costs: RmCosts;
  readonly heartbeatNs: Nanos;
  readonly suspectNs: Nanos;
  private readonly rms: ReplicaManager[];
  /** RMs some live RM has declared crashed (the front end then routes their sessions elsewhere). */
  private readonly declared: boolean[];
  private started = false;

  constructor(o: ReplicationGroupOptions) {
    if (o.hosts.length < 1) throw new Error('a replication group needs at least one host');
    if (o.hosts.length > 31) throw new Error('at most 31 replica managers');
    this.opts = o;
    this.sim = o.sim;
    this.costs = { ...DEFAULT_RM_COSTS, ...o.costs };
    this.heartbeatNs = o.heartbeatNs ?? ms(RM_HEARTBEAT_MS);
    this.suspectNs = o.suspectNs ?? ms(RM_SUSPECT_TIMEOUT_MS);
    if (!(this.suspectNs > this.heartbeatNs)) throw new Error('the suspicion timeout must exceed the heartbeat period');
    this.rms = o.hosts.map((h, i) => new ReplicaManager(i, h, o.hosts.length));
    this.declared = new Array<boolean>(o.hosts.length).fill(false);
  }

  get size(): number {
    return this.rms.length;
  }

  /** Start heartbeats and failure detection (call once, at the start of the run). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const rm of this.rms) this.tick(rm);
  }

  /** RM `i`'s counters. */
  stats(i: number): Readonly<RmStats> {
    return this.rms[i]!.stats;
  }

  /** Sum of every RM's counters. */
  totals(): RmStats {
    const t: RmStats = { cpuNs: 0, messagesSent: 0, bytesSent: 0, delivered: 0, answered: 0, suspicions: 0 };
    for (const rm of this.rms) for (const k of Object.keys(t) as Array<keyof RmStats>) t[k] += rm.stats[k];
    return t;
  }

  isAlive(i: number): boolean {
    return this.rms[i]!.alive;
  }

  /** The sequencer in RM `i`'s view. */
  sequencerOf(i: number): number {
    return this.rms[i]!.sequencer();
  }

  /** The next sequence number RM `i` will deliver. */
  deliveredUpTo(i: number): number {
    return this.rms[i]!.nextDeliver;
  }

  /**
   * The contact RM of a client session: its index mod the number of hosts, or — once that RM has
   * been declared crashed — the next one (cyclically) not declared crashed.
   */
  contactFor(session: number): number {
    const n = this.rms.length;
    const first = session % n;
    for (let k = 0; k < n; k++) {
      const i = (first + k) % n;
      if (!this.declared[i]) return i;
    }
    return first;
  }

  /** RM `i` crashes (alone, or with its host: the caller also tells the network). */
  crash(i: number): void {
    const rm = this.rms[i]!;
    if (!rm.alive) return;
    rm.alive = false;
    for (const v of rm.votes.values()) v.timer?.cancel();
    rm.votes.clear();
  }

  /** A client request arrives at RM `rm` (its session's contact). */
  submit(rmIndex: number, req: GroupRequest): void {
    const rm = this.rms[rmIndex]!;
    if (!rm.alive) return;
    const s = req.session;
    const done = rm.answered.get(s);
    if (done !== undefined && done.n === req.n) {
      // A retry of an answered request: its reply was lost on the way; answer again.
      this.opts.answer(rm.index, req, done.reply, done.bytes);
      return;
    }
    if (done !== undefined && done.n > req.n) return; // stale
    if (rm.votes.has(s) && rm.votes.get(s)!.req.n === req.n) return; // already voting on it
    const ordered = rm.orderedN.get(s) ?? -1;
    if (req.n < ordered) return; // stale
    this.openVote(rm, req);
    if (req.n === ordered) {
      // Ordered already (this RM takes over as contact after the first one crashed): ask every
      // RM for its replica's reply again.
      rm.contactOf.set(s, { n: req.n, rm: rm.index });
      for (let j = 0; j < this.rms.length; j++)
        if (j !== rm.index && rm.live[j]) this.send(rm, j, this.costs.headerBytes + 16, { t: 'revote', session: s, n: req.n, contact: rm.index });
      this.replyLocally(rm, s, req.n);
      return;
    }
    rm.pendingForward.set(s, req);
    this.forward(rm, req);
  }

  /**
   * RM `rm`'s local replica has executed the request of `session` number `n`: `digest` identifies
   * its reply. The RM sends the digest to the request's contact RM (or votes itself, with the full
   * reply, when it is the contact).
   */
  replicaReplied(rmIndex: number, session: number, n: number, reply: unknown, bytes: number, digest: string, voter = rmIndex): void {
    const rm = this.rms[rmIndex]!;
    if (!rm.alive) return;
    rm.stats.cpuNs += digestCpuNs(this.costs, bytes);
    if (voter === rmIndex) rm.replyCache.set(session, { n, digest, reply, bytes });
    else {
      if (voter % this.rms.length !== rmIndex) throw new Error(`voter ${voter} is not on RM ${rmIndex}`);
      let m = rm.extraReplies.get(voter);
      if (m === undefined) rm.extraReplies.set(voter, (m = new Map()));
      m.set(session, { n, digest, reply, bytes });
    }
    this.replyLocally(rm, session, n);
  }

  /** Forget extra voter `voter`'s replies (the VM behind it stopped executing). */
  dropVoter(voter: number): void {
    const rm = this.rms[voter % this.rms.length]!;
    rm.extraReplies.delete(voter);
  }

  /** Whether contact RM `rm` is still voting on request `n` of `session`. */
  voting(rmIndex: number, session: number, n: number): boolean {
    return this.rms[rmIndex]!.votes.get(session)?.req.n === n;
  }

  /** Raise the quorum of a running vote at contact RM `rm` (SPARE: more replies on suspicion). */
  requireReplies(rmIndex: number, session: number, quorum: number): void {
    this.rms[rmIndex]!.votes.get(session)?.collector.setQuorum(quorum);
  }

  // ——— contact side ———

  private openVote(rm: ReplicaManager, req: GroupRequest): void {
    const old = rm.votes.get(req.session);
    old?.timer?.cancel();
    const v: Vote = { req, collector: new VoteCollector(this.opts.quorum), timer: null, suspected: false, fetchingFrom: -1 };
    rm.votes.set(req.session, v);
    const t = this.opts.replyTimeoutNs;
    if (t !== undefined)
      v.timer = this.sim.schedule(t, () => {
        v.timer = null;
        if (rm.votes.get(req.session) === v && v.collector.decided === null) this.suspectVote(rm, v, 'timeout');
      });
  }

  private suspectVote(rm: ReplicaManager, v: Vote, why: Suspicion): void {
    if (v.suspected) return;
    v.suspected = true;
    rm.stats.suspicions++;
    this.opts.suspect?.(rm.index, v.req, why);
  }

  /**
   * Send this RM's cached replies for (session, n) — its replica's and any extra voter's on this
   * host — to the request's contact, if both are known. Voter v of RM i is i + k × size (k = 0: the
   * RM's replica).
   */
  private replyLocally(rm: ReplicaManager, session: number, n: number): void {
    const c = rm.contactOf.get(session);
    if (c === undefined || c.n !== n) return;
    const one = (voter: number, r: { n: number; digest: string; reply: unknown; bytes: number } | undefined): void => {
      if (r === undefined || r.n !== n) return;
      if (c.rm === rm.index) this.vote(rm, session, n, voter, r.digest, { reply: r.reply, bytes: r.bytes });
      else this.send(rm, c.rm, this.costs.headerBytes + this.costs.digestBytes, { t: 'rep', session, n, digest: r.digest, voter });
    };
    one(rm.index, rm.replyCache.get(session));
    for (const [voter, m] of rm.extraReplies) one(voter, m.get(session));
  }

  private vote(rm: ReplicaManager, session: number, n: number, from: number, digest: string, full?: { reply: unknown; bytes: number }): void {
    const v = rm.votes.get(session);
    if (v === undefined || v.req.n !== n) return;
    rm.stats.cpuNs += this.costs.digestNs; // compare
    const decided = v.collector.add(from, digest, full);
    if (v.collector.distinct > 1) this.suspectVote(rm, v, 'mismatch');
    if (decided) this.conclude(rm, v);
    else if (full !== undefined && v.collector.decided !== null) this.conclude(rm, v);
  }

  private conclude(rm: ReplicaManager, v: Vote): void {
    const d = v.collector.decided!;
    const full = v.collector.fullReply(d.digest);
    if (full === null) {
      if (v.fetchingFrom >= 0) return;
      // This RM's replica disagreed (or has not replied): fetch the full reply from an agreeing RM.
      const size = this.rms.length;
      const voter = d.voters.find((j) => rm.live[j % size]);
      if (voter === undefined) return;
      const from = voter % size;
      if (from === rm.index) {
        // An extra voter on this host agreed: its full reply is here.
        const r = rm.extraReplies.get(voter)?.get(v.req.session);
        if (r === undefined || r.n !== v.req.n) return;
        v.collector.attachFull(d.digest, r.reply, r.bytes);
        this.conclude(rm, v);
        return;
      }
      v.fetchingFrom = from;
      this.send(rm, from, this.costs.headerBytes + 16, { t: 'fetch', session: v.req.session, n: v.req.n, voter });
      return;
    }
    v.timer?.cancel();
    rm.votes.delete(v.req.session);
    rm.pendingForward.delete(v.req.session);
    rm.answered.set(v.req.session, { n: v.req.n, reply: full.reply, bytes: full.bytes });
    rm.stats.answered++;
    this.opts.answer(rm.index, v.req, full.reply, full.bytes);
  }

  // ——— ordering ———

  private forward(rm: ReplicaManager, req: GroupRequest): void {
    const seqr = rm.sequencer();
    if (seqr === rm.index) this.order(rm, req, rm.index);
    else this.send(rm, seqr, this.costs.headerBytes + req.bytes, { t: 'req', req, contact: rm.index });
  }

  /** The sequencer orders a request (once per request number). */
  private order(rm: ReplicaManager, req: GroupRequest, contact: number): void {
    if (rm.syncing !== null) {
      rm.queued.push({ req, contact });
      return;
    }
    if (req.n <= (rm.orderedN.get(req.session) ?? -1)) return; // a duplicate: ordered before
    const o: Order = { seq: rm.nextSeq++, req, contact };
    this.broadcastOrder(rm, o);
  }

  private broadcastOrder(rm: ReplicaManager, o: Order): void {
    const bytes = this.costs.headerBytes + 16 + (o.req?.bytes ?? 0);
    for (let j = 0; j < this.rms.length; j++) if (j !== rm.index && rm.live[j]) this.send(rm, j, bytes, { t: 'ord', ...o });
    this.onOrder(rm, o);
  }

  private onOrder(rm: ReplicaManager, o: Order): void {
    if (o.seq < rm.nextDeliver || rm.orders.has(o.seq)) return;
    rm.orders.set(o.seq, o);
    if (o.req !== null) {
      const s = o.req.session;
      if (o.req.n > (rm.orderedN.get(s) ?? -1)) rm.orderedN.set(s, o.req.n);
      const c = rm.contactOf.get(s);
      if (c === undefined || c.n < o.req.n) rm.contactOf.set(s, { n: o.req.n, rm: o.contact });
      const p = rm.pendingForward.get(s);
      if (p !== undefined && p.n <= o.req.n) rm.pendingForward.delete(s);
    }
    if (o.seq >= rm.nextSeq) rm.nextSeq = o.seq + 1;
    let c = rm.contiguous;
    while (rm.orders.has(c + 1)) c++;
    if (c !== rm.contiguous) {
      rm.contiguous = c;
      this.acknowledge(rm);
    }
  }

  /** Acknowledge this RM's contiguous orders to the sequencer (or count them, as the sequencer). */
  private acknowledge(rm: ReplicaManager): void {
    const seqr = rm.sequencer();
    if (seqr === rm.index) {
      rm.acked[rm.index] = rm.contiguous;
      this.checkStable(rm);
    } else if (rm.syncing === null) this.send(rm, seqr, this.costs.headerBytes + 8, { t: 'ack', upTo: rm.contiguous });
  }

  /** Sequencer: commit what every live RM has acknowledged, and tell the others. */
  private checkStable(rm: ReplicaManager): void {
    if (rm.syncing !== null) return;
    let stable = Infinity;
    for (let j = 0; j < this.rms.length; j++) if (rm.live[j] && rm.acked[j]! < stable) stable = rm.acked[j]!;
    if (!(stable > rm.committed)) return;
    rm.committed = stable;
    for (let j = 0; j < this.rms.length; j++) if (j !== rm.index && rm.live[j]) this.send(rm, j, this.costs.headerBytes + 8, { t: 'commit', upTo: stable });
    this.tryDeliver(rm);
  }

  private tryDeliver(rm: ReplicaManager): void {
    for (;;) {
      const seq = rm.nextDeliver;
      if (seq > rm.committed) return;
      const o = rm.orders.get(seq);
      if (o === undefined) return;
      rm.nextDeliver++;
      const old = rm.orders.get(seq - DELIVERED_KEPT);
      if (old !== undefined) rm.orders.delete(old.seq);
      if (o.req === null) continue; // a no-op filling a number no live RM received
      const s = o.req.session;
      if (o.req.n <= (rm.deliveredN.get(s) ?? -1)) continue; // ordered twice: executed once
      rm.deliveredN.set(s, o.req.n);
      rm.stats.delivered++;
      if (this.opts.shuffledRm === rm.index) {
        if (rm.held === null) {
          rm.held = { seq, req: o.req };
          continue;
        }
        const h = rm.held;
        rm.held = null;
        this.opts.deliver(rm.index, seq, o.req);
        this.opts.deliver(rm.index, h.seq, h.req);
        continue;
      }
      this.opts.deliver(rm.index, seq, o.req);
    }
  }

  // ——— messages ———

  private send(from: ReplicaManager, to: number, bytes: number, msg: Msg): void {
    from.stats.cpuNs += this.costs.messageNs;
    from.stats.messagesSent++;
    from.stats.bytesSent += bytes;
    from.lastSent[to] = this.sim.now;
    const dest = this.rms[to]!;
    this.opts.network.hostLink(from.host, dest.host).send(bytes, {
      lossy: false,
      tag: msg,
      onDelivered: () => this.receive(dest, from.index, msg),
    });
  }

  private receive(rm: ReplicaManager, from: number, msg: Msg): void {
    if (!rm.alive) return;
    rm.stats.cpuNs += this.costs.messageNs;
    rm.lastHeard[from] = this.sim.now;
    if (!rm.live[from]) return; // declared crashed: ignored from then on (crash-only RMs)
    switch (msg.t) {
      case 'hb':
        return;
      case 'req':
        if (rm.sequencer() === rm.index) this.order(rm, msg.req, msg.contact);
        return;
      case 'ord':
        return this.onOrder(rm, msg);
      case 'ack':
        if (msg.upTo > rm.acked[from]!) {
          rm.acked[from] = msg.upTo;
          if (rm.sequencer() === rm.index) this.checkStable(rm);
        }
        return;
      case 'commit':
        if (msg.upTo > rm.committed) {
          rm.committed = msg.upTo;
          this.tryDeliver(rm);
        }
        return;
      case 'rep':
        return this.vote(rm, msg.session, msg.n, msg.voter, msg.digest);
      case 'revote': {
        const c = rm.contactOf.get(msg.session);
        if (c === undefined || c.n <= msg.n) rm.contactOf.set(msg.session, { n: msg.n, rm: msg.contact });
        return this.replyLocally(rm, msg.session, msg.n);
      }
      case 'fetch': {
        const r = msg.voter === rm.index ? rm.replyCache.get(msg.session) : rm.extraReplies.get(msg.voter)?.get(msg.session);
        if (r !== undefined && r.n === msg.n)
          this.send(rm, from, this.costs.headerBytes + r.bytes, { t: 'full', session: msg.session, n: msg.n, digest: r.digest, reply: r.reply, bytes: r.bytes });
        return;
      }
      case 'full': {
        const v = rm.votes.get(msg.session);
        if (v === undefined || v.req.n !== msg.n) return;
        rm.stats.cpuNs += digestCpuNs(this.costs, msg.bytes); // check the fetched reply against its digest
        v.collector.attachFull(msg.digest, msg.reply, msg.bytes);
        v.fetchingFrom = -1;
        if (v.collector.decided !== null) this.conclude(rm, v);
        return;
      }
      case 'sync':
        return this.onSync(rm, from, msg.orders, msg.next, msg.ack);
    }
  }

  // ——— failure detection and sequencer change ———

  private tick(rm: ReplicaManager): void {
    if (!rm.alive) return;
    const now = this.sim.now;
    for (let j = 0; j < this.rms.length; j++) {
      if (j === rm.index || !rm.live[j]) continue;
      if (now - rm.lastHeard[j]! > this.suspectNs) this.declareCrashed(rm, j);
    }
    for (let j = 0; j < this.rms.length; j++) {
      if (j === rm.index || !rm.live[j]) continue;
      if (now - rm.lastSent[j]! >= this.heartbeatNs || now === 0) this.send(rm, j, this.costs.headerBytes, { t: 'hb' });
    }
    this.sim.schedule(this.heartbeatNs, () => this.tick(rm));
  }

  private declareCrashed(rm: ReplicaManager, dead: number): void {
    const wasSequencer = rm.sequencer() === dead;
    rm.live[dead] = false;
    this.declared[dead] = true;
    this.opts.crashDetected?.(rm.index, dead);
    if (wasSequencer) {
      const next = rm.sequencer();
      if (next === rm.index) {
        const waitFor = new Set<number>();
        for (let j = 0; j < this.rms.length; j++) if (j !== rm.index && rm.live[j]) waitFor.add(j);
        rm.syncing = { waitFor, orders: new Map(), minNext: rm.nextDeliver };
        for (const [seq, o] of rm.orders) if (seq >= rm.nextDeliver) rm.syncing.orders.set(seq, o);
        this.maybeFinishSync(rm);
      } else {
        const orders: Order[] = [];
        for (const [seq, o] of rm.orders) if (seq >= rm.nextDeliver) orders.push(o);
        orders.sort((a, b) => a.seq - b.seq);
        let bytes = this.costs.headerBytes;
        for (const o of orders) bytes += 16 + (o.req?.bytes ?? 0);
        this.send(rm, next, bytes, { t: 'sync', orders, next: rm.nextDeliver, ack: rm.contiguous });
        // What this RM forwarded and never saw ordered goes to the new sequencer.
        for (const req of rm.pendingForward.values()) this.forward(rm, req);
      }
    } else if (rm.syncing !== null) {
      rm.syncing.waitFor.delete(dead);
      this.maybeFinishSync(rm);
    } else if (rm.sequencer() === rm.index) this.checkStable(rm);
    // A full reply asked of the dead RM: ask another agreeing one.
    for (const v of rm.votes.values())
      if (v.fetchingFrom === dead) {
        v.fetchingFrom = -1;
        this.conclude(rm, v);
      }
    this.tryDeliver(rm);
  }

  private onSync(rm: ReplicaManager, from: number, orders: ReadonlyArray<Order>, next: number, ack: number): void {
    const s = rm.syncing;
    if (s === null) return;
    if (ack > rm.acked[from]!) rm.acked[from] = ack;
    for (const o of orders) if (!s.orders.has(o.seq)) s.orders.set(o.seq, o);
    // Orders this RM delivered that the other has not: it needs them again.
    if (next < s.minNext) {
      for (let seq = next; seq < s.minNext; seq++) {
        const o = rm.orders.get(seq);
        if (o !== undefined && !s.orders.has(seq)) s.orders.set(seq, o);
      }
      s.minNext = next;
    }
    s.waitFor.delete(from);
    this.maybeFinishSync(rm);
  }

  private maybeFinishSync(rm: ReplicaManager): void {
    const s = rm.syncing;
    if (s === null || s.waitFor.size > 0) return;
    rm.syncing = null;
    let max = rm.nextSeq - 1;
    for (const seq of s.orders.keys()) if (seq > max) max = seq;
    for (let seq = s.minNext; seq <= max; seq++) {
      const o = s.orders.get(seq) ?? { seq, req: null, contact: rm.index };
      // Everyone may hold it already; re-sending is harmless (receivers keep the first copy).
      const bytes = this.costs.headerBytes + 16 + (o.req?.bytes ?? 0);
      for (let j = 0; j < this.rms.length; j++) if (j !== rm.index && rm.live[j]) this.send(rm, j, bytes, { t: 'ord', ...o });
      this.onOrder(rm, o);
    }
    rm.nextSeq = Math.max(rm.nextSeq, max + 1);
    rm.acked[rm.index] = rm.contiguous;
    this.checkStable(rm);
    const q = rm.queued.splice(0);
    for (const { req, contact } of q) this.order(rm, req, contact);
    for (const req of rm.pendingForward.values()) this.order(rm, req, rm.index);
  }
}
