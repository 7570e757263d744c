import { Recorder } from '../../lib/metrics/index.js';
import type { RandomStream, Simulation } from '../../lib/sim/index.js';
import { zipfTable } from '../write-pattern.js';
import type { Rpc } from './rpc.js';
import { keyOf, valueOf } from './table.js';

export interface KvRequest {
  readonly op: 'read' | 'update' | 'rmw';
  readonly key: string;
  /**
   * update, rmw: the write's id (a global write timestamp, in issue order) and its value bytes. A
   * plain store uses the id as the version; a replicated one stores it as the writer and takes the
   * version from the total order.
   */
  readonly version?: number;
  readonly value?: Uint8Array;
}

export interface KvReply {
  readonly found: boolean;
  /** The version stored (update, rmw) or read. */
  readonly version: number;
  /** The write id that stored what was read (replicated store; a plain store's is the version). */
  readonly writer?: number;
  /** read: the value; rmw: the prior value. */
  readonly value?: Uint8Array;
  /** rmw: the record before the write (found, version, writer; its value is `value`). */
  readonly prior?: { readonly found: boolean; readonly version: number; readonly writer?: number };
}

export interface KvClientOptions {
  readonly sim: Simulation;
  readonly rng: RandomStream;
  readonly rpc: Rpc;
  readonly clients: number;
  readonly records: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
  readonly readProportion: number;
  /** Share of read-modify-writes (default 0); the rest after reads and these are updates. */
  readonly rmwProportion?: number;
  /**
   * Versions come from the store's total order, not from the clients (a replicated store): an
   * acknowledgement's version, not the write id, then bounds later reads from below.
   */
  readonly orderVersions?: boolean;
  readonly zipfS: number;
  readonly thinkNs: number;
  /** Called with every reply a client accepts (the `noWrongReply` audit). */
  readonly onAccepted?: (request: KvRequest, reply: KvReply) => void;
}

/**
 * TCP's initial retransmission timeout (RFC 6298 §2.1: 1 s; Linux TCP_TIMEOUT_INIT): requests sent
 * less than this before the end of a run are not counted as unanswered.
 */
export const CLIENT_TIMEOUT_NS = 1_000_000_000;

/** Verdict on one reply (see KvClients). */
export type Verdict = 'ok' | 'corrupt' | 'stale';

/**
 * A YCSB-like closed-loop client population that verifies every reply.
 *
 * Each of `clients` sessions repeatedly thinks (exponential, mean `thinkNs`), then reads or updates
 * one record (read with probability `readProportion`), chosen by Zipf(s) popularity over
 * `records` keys — scrambled, as YCSB's "scrambled zipfian", so hot keys are spread over the table.
 * Every update carries a fresh version v (a global counter: write timestamps in issue order) and
 * the value bytes valueOf(key, v); record k starts at version 0 with valueOf(k, 0).
 *
 * Verification. Let acked(k, t) be the largest version of a write to k whose acknowledgement a
 * client had received by time t (0 when none). A read of k sent at t_s and answered at t_r is
 * correct iff it returns a version v with
 *   (1) v = 0, or v is the version of a write to k issued before t_r   — nothing invented, and
 *       the value bytes are exactly valueOf(k, v)                       — nothing corrupted;
 *   (2) v ≥ acked(k, t_s)                                               — no acknowledged write lost.
 * So a read may return the latest acknowledged write, or any write issued after it (acknowledged or
 * not yet: it may already be applied), but never an older one. An update's acknowledgement must
 * carry a version ≥ its own (the store keeps the newest). (1) fails as `corrupt`, (2) as `stale`.
 *
 * A read-modify-write (share `rmwProportion`) is an update whose reply also carries the record as it
 * was; that prior record is judged like a read sent at the same time.
 *
 * With `orderVersions` (a replicated store) a write's version is its position in the total order
 * and its id comes back as the writer: rule (1) is checked on the writer, rule (2) on versions —
 * acked(k, t) is then the largest version an acknowledgement of a write to k carried — and an
 * update's acknowledgement must carry its own id as the writer.
 */
export class KvClients {
  private readonly opts: KvClientOptions;
  private readonly cdf: Float64Array;
  private readonly scrambleA: number;
  private readonly scrambleB: number;
  private nextVersion = 1;
  /** issuedKey[v] = record written by version v (−1: none). Grows. */
  private issuedKey = new Int32Array(1024).fill(-1);
  private readonly acked: Float64Array;
  /** When each session last had a reply (stalled sessions show up here). */
  private readonly lastDone: Float64Array;
  /** When each session sent the request it waits for (−1: none). */
  private readonly waitingSince: Float64Array;
  private longestWaitNs = 0;
  readonly latencyMs = new Recorder();
  private _reads = 0;
  private _updates = 0;
  private _rmws = 0;
  private _corrupt = 0;
  private _stale = 0;
  private _completed = 0;
  private _failed = 0;
  private firstWrong: string | null = null;
  private stopped = false;

  constructor(o: KvClientOptions) {
    this.opts = o;
    this.cdf = zipfTable(o.records, o.zipfS);
    this.acked = new Float64Array(o.records);
    this.lastDone = new Float64Array(o.clients);
    this.waitingSince = new Float64Array(o.clients).fill(-1);
    // Scramble ranks over keys with an affine map coprime to the record count (fixed per run).
    let a = 1 + o.rng.int(Math.max(1, o.records - 1));
    while (gcd(a, o.records) !== 1) a = (a % o.records) + 1;
    this.scrambleA = a;
    this.scrambleB = o.rng.int(o.records);
  }

  start(): void {
    for (let c = 0; c < this.opts.clients; c++) {
      // Staggered starts: no lock-step sessions.
      const offset = this.opts.thinkNs > 0 ? this.opts.rng.next() * this.opts.thinkNs : c * 1000;
      this.opts.sim.schedule(offset, () => this.issue(c));
    }
  }

  /** Stop issuing new requests (outstanding ones still complete and are verified). */
  stop(): void {
    this.stopped = true;
  }

  private pickKey(): number {
    const u = this.opts.rng.next();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return (lo * this.scrambleA + this.scrambleB) % this.opts.records;
  }

  private issue(client: number): void {
    if (this.stopped) return;
    const k = this.pickKey();
    const key = keyOf(k, this.opts.keyBytes);
    const sentAt = this.opts.sim.now;
    this.waitingSince[client] = sentAt;
    const u = this.opts.rng.next();
    if (u < this.opts.readProportion) {
      const floor = this.acked[k]!;
      const req: KvRequest = { op: 'read', key };
      this.opts.rpc.call(client, key.length, req, (body, failed) => {
        if (!failed) this.opts.onAccepted?.(req, body as KvReply);
        this.onRead(client, k, floor, sentAt, body as KvReply, failed);
      });
    } else {
      const rmw = u < this.opts.readProportion + (this.opts.rmwProportion ?? 0);
      const floor = this.acked[k]!;
      const v = this.nextVersion++;
      if (v >= this.issuedKey.length) {
        const g = new Int32Array(this.issuedKey.length * 2).fill(-1);
        g.set(this.issuedKey);
        this.issuedKey = g;
      }
      this.issuedKey[v] = k;
      const value = valueOf(k, v, this.opts.valueBytes);
      const req: KvRequest = { op: rmw ? 'rmw' : 'update', key, version: v, value };
      this.opts.rpc.call(client, key.length + value.length, req, (body, failed) => {
        if (!failed) this.opts.onAccepted?.(req, body as KvReply);
        this.onUpdate(client, k, v, floor, sentAt, body as KvReply, failed, rmw);
      });
    }
  }

  /** The connection broke (lib/net's connection timeout): no reply to judge; the session goes on. */
  private broken(client: number): void {
    this._failed++;
    this.waitingSince[client] = -1;
    this.opts.sim.schedule(this.opts.thinkNs > 0 ? this.opts.rng.exponential(this.opts.thinkNs) : 0, () => this.issue(client));
  }

  private next(client: number, sentAt: number): void {
    this.lastDone[client] = this.opts.sim.now;
    this.waitingSince[client] = -1;
    if (this.opts.sim.now - sentAt > this.longestWaitNs) this.longestWaitNs = this.opts.sim.now - sentAt;
    this._completed++;
    this.latencyMs.push((this.opts.sim.now - sentAt) / 1e6);
    const think = this.opts.thinkNs > 0 ? this.opts.rng.exponential(this.opts.thinkNs) : 0;
    this.opts.sim.schedule(think, () => this.issue(client));
  }

  private onRead(client: number, k: number, floor: number, sentAt: number, r: KvReply, failed: boolean): void {
    if (failed) return this.broken(client);
    this._reads++;
    const verdict = this.judgeRead(k, floor, r);
    this.count(verdict, `read of key ${k}: ${verdict} (version ${r.version}, acknowledged ${floor})`);
    this.next(client, sentAt);
  }

  private onUpdate(client: number, k: number, v: number, floor: number, sentAt: number, r: KvReply, failed: boolean, rmw: boolean): void {
    if (failed) return this.broken(client);
    if (rmw) this._rmws++;
    else this._updates++;
    let verdict: Verdict;
    if (this.opts.orderVersions === true) verdict = r.found && r.writer === v && Number.isInteger(r.version) && r.version > 0 ? 'ok' : 'corrupt';
    else verdict = r.found && r.version >= v && (r.version === v || this.issuedKey[r.version] === k) ? 'ok' : 'corrupt';
    if (verdict === 'ok' && rmw) {
      const p = r.prior;
      verdict = p === undefined ? 'corrupt' : this.judgeRead(k, floor, { found: p.found, version: p.version, ...(p.writer === undefined ? {} : { writer: p.writer }), ...(r.value === undefined ? {} : { value: r.value }) });
    }
    this.count(verdict, `${rmw ? 'read-modify-write' : 'update'} of key ${k} with write ${v}: acknowledged as version ${r.version}`);
    if (this.opts.orderVersions !== true) {
      if (this.acked[k]! < v) this.acked[k] = v;
    } else if (verdict === 'ok' && this.acked[k]! < r.version) this.acked[k] = r.version;
    this.next(client, sentAt);
  }

  /** Rules (1) and (2) above. */
  judgeRead(k: number, floor: number, r: KvReply): Verdict {
    if (!r.found || r.value === undefined) return 'corrupt';
    const w = this.opts.orderVersions === true ? (r.writer ?? -1) : r.version;
    if (!Number.isInteger(w) || w < 0 || w >= this.nextVersion) return 'corrupt';
    if (w > 0 && this.issuedKey[w] !== k) return 'corrupt';
    const expect = valueOf(k, w, this.opts.valueBytes);
    if (r.value.length !== expect.length) return 'corrupt';
    for (let i = 0; i < expect.length; i++) if (r.value[i] !== expect[i]) return 'corrupt';
    return r.version >= floor ? 'ok' : 'stale';
  }

  private count(v: Verdict, what: string): void {
    if (v === 'ok') return;
    if (v === 'corrupt') this._corrupt++;
    else this._stale++;
    if (this.firstWrong === null) this.firstWrong = `t=${(this.opts.sim.now / 1e9).toFixed(6)} s: ${what}`;
  }

  /** Sessions without a reply for longer than `ns` (a request lost for good would leave one stuck). */
  stalledSessions(ns: number): number {
    let n = 0;
    for (let c = 0; c < this.lastDone.length; c++) if (this.opts.sim.now - this.lastDone[c]! > ns) n++;
    return n;
  }

  /**
   * Requests still waiting for a reply at `endNs` that were sent at least `CLIENT_TIMEOUT_NS`
   * before it (closed loop: at most one per session).
   */
  unanswered(endNs: number): number {
    let n = 0;
    for (const t of this.waitingSince) if (t >= 0 && endNs - t >= CLIENT_TIMEOUT_NS) n++;
    return n;
  }

  /**
   * The longest time any client waited for a reply beyond the median latency, ms — requests still
   * waiting at `endNs` count up to it. 0 when nothing was answered.
   */
  outageMs(endNs: number): number {
    if (this.latencyMs.count === 0) return 0;
    let longest = this.longestWaitNs;
    for (const t of this.waitingSince) if (t >= 0 && endNs - t > longest) longest = endNs - t;
    return Math.max(0, longest / 1e6 - this.latencyMs.quantile(0.5));
  }

  /** Requests whose connection broke before a reply. */
  get failed(): number {
    return this._failed;
  }
  get completed(): number {
    return this._completed;
  }
  get reads(): number {
    return this._reads;
  }
  get updates(): number {
    return this._updates;
  }
  /** Read-modify-writes answered. */
  get rmws(): number {
    return this._rmws;
  }
  get corruptReplies(): number {
    return this._corrupt;
  }
  get staleReads(): number {
    return this._stale;
  }
  /** The first wrong reply, described (null when all were right). */
  get firstWrongReply(): string | null {
    return this.firstWrong;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
