import type { Nanos, Simulation } from '../../sim/index.js';
import type { VM } from '../../vm/index.js';
import { decideUpdate, payloadSource, type UpdateDecision } from './acceptance.js';
import type { ShadowConsistency } from './consistency.js';
import { capturePauseNs, digestCpuNs, type ShadowCosts } from './costs.js';
import type { ResourceMeter } from './ledger.js';
import type { ActivationRecord, ShadowReplica } from './shadow.js';
import { UpdateProducer, payloadMatches, type StateUpdate } from './update.js';

/**
 * Messages between hosts' replica managers: `deliver` runs when `bytes` sent by host `from` have
 * arrived at host `to` (never, if either host or the link between them is down). The engine plugs
 * in its RM-to-RM links; tests use fixed delays.
 */
export interface UpdateTransport {
  send(from: number, to: number, bytes: number, deliver: () => void): void;
}

/** One host of the group: its active replica's VM and its shadow. */
export interface UpdateHost {
  readonly active: VM;
  readonly shadow: ShadowReplica;
}

/** Bytes of a digest message between RMs: a 32-byte digest, update number and sender, framing. Estimate. */
export const UPDATE_DIGEST_MESSAGE_BYTES = 96;
/** Bytes besides the pages of a payload fetched from another host: page numbers' list header, framing. Estimate. */
export const UPDATE_PAYLOAD_HEADER_BYTES = 128;

export interface VerifiedUpdatesOptions {
  readonly sim: Simulation;
  readonly f: number;
  readonly hosts: readonly UpdateHost[];
  readonly costs: ShadowCosts;
  readonly meter: ResourceMeter;
  readonly transport: UpdateTransport;
  /**
   * How long an RM waits for the other hosts' digests after its own is ready; missing ones count as
   * absent (a suspicion). ns.
   */
  readonly digestTimeoutNs: Nanos;
  /** One consistency check per host's shadow (the `shadowsConsistent` invariant), or none. */
  readonly checks?: readonly ShadowConsistency[];
  /** Called on every suspicious decision (an RM's), with the host that decided. */
  readonly onSuspicion?: (host: number, seq: number, decision: UpdateDecision) => void;
}

/** What happened at one update point, host by host (ns; -1: did not happen). */
export interface UpdateRoundRecord {
  readonly seq: number;
  readonly at: Nanos;
  /** Pages in each host's update. */
  readonly pages: number[];
  /** Each host's RM decision time and verdict. */
  readonly decidedAt: number[];
  readonly accepted: boolean[];
  /** When each host's shadow had applied the update, paused again. */
  readonly appliedAt: number[];
  /** Hosts that fetched the payload from another host (their own active disagreed). */
  readonly fetched: number[];
  /** Hosts that refused a fetched payload (it did not match the agreed digest). */
  readonly refused: number[];
}

interface HostRound {
  /** The producer that captured this round's update (it settles it, even if replaced meanwhile). */
  producer: UpdateProducer | null;
  vm: VM | null;
  update: StateUpdate | null;
  digests: (string | null)[];
  received: number;
  own: boolean;
  decided: boolean;
  timer: { cancel(): void } | null;
}

/**
 * The verified-update protocol of f + 1 hosts (or more, when activated shadows take part as active
 * replicas and produce updates too). At each update point every active replica is
 * suspended for the capture (suspend/resume plus a copy per page), its update digested in domain 0,
 * and the digest sent to every other host's RM. An RM decides when it holds every digest (or at the
 * digest timeout, missing ones counting as absent): with f + 1 identical digests the update is
 * accepted, and the host's shadow applies it — from the host's own active replica when that one
 * agreed (only digests crossed hosts), otherwise fetched from an agreeing host and checked against
 * the agreed digest. Pages of an update not accepted are carried into the next one. A point that
 * comes while the previous round is still undecided somewhere is skipped (counted).
 */
export class VerifiedUpdates {
  private readonly opts: VerifiedUpdatesOptions;
  private readonly hosts: UpdateHost[];
  private readonly producers: UpdateProducer[];
  /** Hosts whose active replica was just switched: their next capture takes a peer's page list. */
  private readonly joining: boolean[];
  /** Per host, the accepted updates given to its shadow that someone may still need (ascending). */
  private readonly history: StateUpdate[][];
  /** Per host, update numbers a recovery in progress pins in the history. */
  private readonly pins: number[][];
  /** Per host, the newest update dropped from the history. */
  private readonly trimmed: number[];
  /** Hosts whose RM has crashed. */
  private readonly down: boolean[];
  /** Each host's consistency check now (null: none until the engine sets one). */
  private readonly checks: Array<ShadowConsistency | null>;
  /** Every check ever used (a replaced shadow's check keeps its verdict). */
  private readonly allChecks: ShadowConsistency[];
  private rounds: HostRound[] | null = null;
  private seq = 0;
  private _skipped = 0;
  private readonly _records: UpdateRoundRecord[] = [];
  private openHosts = 0;

  constructor(o: VerifiedUpdatesOptions) {
    if (o.hosts.length < o.f + 1) throw new Error(`verified updates need at least f + 1 = ${o.f + 1} hosts, got ${o.hosts.length}`);
    if (o.checks !== undefined && o.checks.length !== o.hosts.length) throw new Error('one consistency check per host');
    this.opts = o;
    this.hosts = [...o.hosts];
    this.producers = o.hosts.map((h) => new UpdateProducer(h.active.memory));
    this.joining = o.hosts.map(() => false);
    this.history = o.hosts.map(() => []);
    this.pins = o.hosts.map(() => []);
    this.trimmed = o.hosts.map(() => 0);
    this.down = o.hosts.map(() => false);
    this.checks = o.hosts.map((_, i) => o.checks?.[i] ?? null);
    this.allChecks = [...(o.checks ?? [])];
  }

  /**
   * Host `i`'s shadow is checked by `check` from now on (a shadow made after the start; `setShadow`
   * leaves a host without a check until this is called).
   */
  setCheck(i: number, check: ShadowConsistency): void {
    this.checks[i] = check;
    this.allChecks.push(check);
  }

  /** Consistency checks made (every shadow checked) and the comparisons they made in all. */
  get consistencyChecks(): { readonly shadows: number; readonly comparisons: number } {
    return { shadows: this.allChecks.length, comparisons: this.allChecks.reduce((x, c) => x + c.checks, 0) };
  }

  /** Whether host `i`'s shadow has a consistency check now. */
  checked(i: number): boolean {
    return this.checks[i] !== null;
  }

  /** Host `i` crashed (its RM with it): it sends and decides nothing from now on. */
  hostDown(i: number): void {
    this.down[i] = true;
    const r = this.rounds?.[i];
    if (r !== undefined && !r.decided) {
      r.decided = true;
      r.timer?.cancel();
      this.openHosts--;
    }
  }

  /** Host `i`'s active replica and shadow now. */
  host(i: number): UpdateHost {
    return this.hosts[i]!;
  }

  /**
   * Host `i`'s active replica is now `vm` (a shadow activated in its place, caught up to the last
   * accepted update, about to re-execute the requests since). Its writes are tracked from now on;
   * at the next point it captures the page list a peer captured, with its own bytes — its own log
   * holds re-executed writes the last accepted update already covers.
   */
  setActive(i: number, vm: VM): void {
    this.producers[i]!.close();
    this.producers[i] = new UpdateProducer(vm.memory);
    this.joining[i] = true;
    this.hosts[i] = { ...this.hosts[i]!, active: vm };
  }

  /**
   * Host `i`'s shadow is now `shadow` (made from verified state as of its `appliedSeq`): it is given
   * the accepted updates since, and every later one.
   */
  setShadow(i: number, shadow: ShadowReplica): void {
    this.hosts[i] = { ...this.hosts[i]!, shadow };
    this.checks[i] = null;
    for (const u of this.acceptedAfter(i, shadow.appliedSeq)) this.giveTo(i, shadow, u);
  }

  /** The accepted updates host `i`'s shadows were given after update `seq` (kept while needed). */
  acceptedAfter(i: number, seq: number): StateUpdate[] {
    if (seq < this.trimmed[i]!) throw new Error(`host ${i}: updates after ${seq} are no longer kept (dropped up to ${this.trimmed[i]})`);
    return this.history[i]!.filter((u) => u.seq > seq);
  }

  /**
   * Activate host `i`'s shadow on a suspicion: it is unpaused for good and applies the accepted
   * updates it has not applied yet; `done` once caught up (the engine then re-executes the ordered
   * requests since `record`'s last update on it). The shadow stays host `i`'s shadow here until
   * `setActive`/`setShadow` replace it.
   */
  activate(i: number, done: (record: ActivationRecord, sinceSeq: number) => void): void {
    const shadow = this.hosts[i]!.shadow;
    shadow.activate(this.acceptedAfter(i, shadow.appliedSeq), (r) => done(r, shadow.appliedSeq));
  }

  /** Keep host `i`'s updates after `seq` until `unpin` (a recovery using a checkpoint of `seq`). */
  pin(i: number, seq: number): void {
    this.pins[i]!.push(seq);
  }

  unpin(i: number, seq: number): void {
    const p = this.pins[i]!;
    const k = p.indexOf(seq);
    if (k < 0) throw new Error(`host ${i}: update ${seq} is not pinned`);
    p.splice(k, 1);
    this.trim(i);
  }

  /** Update points skipped because the previous round was still undecided. */
  get skipped(): number {
    return this._skipped;
  }

  /** Every round so far. */
  get records(): readonly UpdateRoundRecord[] {
    return this._records;
  }

  /** Every consistency check passed (true without checks). */
  get shadowsConsistent(): boolean {
    return this.allChecks.every((c) => c.consistent);
  }

  /** An update point: capture on every live active replica, then exchange digests and decide. */
  point(): void {
    if (this.openHosts > 0) {
      this._skipped++;
      return;
    }
    const { sim, costs, meter } = this.opts;
    const hosts = this.hosts;
    const n = hosts.length;
    const seq = ++this.seq;
    const rec: UpdateRoundRecord = {
      seq,
      at: sim.now,
      pages: new Array(n).fill(0),
      decidedAt: new Array(n).fill(-1),
      accepted: new Array(n).fill(false),
      appliedAt: new Array(n).fill(-1),
      fetched: [],
      refused: [],
    };
    this._records.push(rec);
    for (const c of this.checks) c?.point(seq);
    const rounds: HostRound[] = hosts.map(() => ({ producer: null, vm: null, update: null, digests: new Array(n).fill(null), received: 0, own: false, decided: false, timer: null }));
    this.rounds = rounds;
    this.openHosts = n;
    // Replicas that just joined take the page list of the first settled replica captured here.
    const order = hosts.map((_, i) => i).sort((a, b) => Number(this.joining[a]) - Number(this.joining[b]) || a - b);
    let peerPages: Int32Array | undefined;
    for (const i of order) {
      const vm = hosts[i]!.active;
      if (vm.status === 'crashed' || this.down[i]) {
        // A crashed replica has nothing to capture, a dead RM takes no part: the others time out
        // on its digest.
        rounds[i]!.decided = true;
        this.openHosts--;
        continue;
      }
      vm.vcpu.sync(); // every write up to this instant is in memory and in the dirty logs
      const producer = this.producers[i]!;
      const u = producer.capture(seq, this.joining[i] ? peerPages : undefined);
      if (!this.joining[i] && peerPages === undefined) peerPages = u.pages;
      this.joining[i] = false;
      rounds[i]!.producer = producer;
      rounds[i]!.vm = vm;
      rounds[i]!.update = u;
      rec.pages[i] = u.pages.length;
      const pause = capturePauseNs(costs, u.pages.length);
      const digestNs = digestCpuNs(costs, u.bytes.length);
      meter.cpu(i, pause, 'capture');
      meter.cpu(i, digestNs, 'digest');
      const wasRunning = vm.running;
      if (wasRunning) vm.pause();
      sim.schedule(pause, () => {
        if (wasRunning && vm.status === 'paused') vm.resume();
        sim.schedule(digestNs, () => this.ownDigest(seq, i, u));
      });
    }
  }

  private ownDigest(seq: number, i: number, u: StateUpdate): void {
    const r = this.roundFor(seq, i);
    if (r === null) return;
    // The pages are in domain 0 since the capture: only the RM's death stops its digest.
    if (this.down[i]) return;
    r.own = true;
    this.receive(seq, i, i, u.digest);
    this.hosts.forEach((_, j) => {
      if (j === i) return;
      this.opts.transport.send(i, j, UPDATE_DIGEST_MESSAGE_BYTES, () => this.receive(seq, j, i, u.digest));
    });
    r.timer = this.opts.sim.schedule(this.opts.digestTimeoutNs, () => this.decide(seq, i));
  }

  private receive(seq: number, at: number, from: number, digest: string): void {
    const r = this.roundFor(seq, at);
    if (r === null || r.digests[from] !== null) return;
    r.digests[from] = digest;
    r.received++;
    if (r.own && r.received === this.hosts.length) this.decide(seq, at);
  }

  private roundFor(seq: number, host: number): HostRound | null {
    if (seq !== this.seq || this.rounds === null) return null;
    const r = this.rounds[host]!;
    return r.decided ? null : r;
  }

  private decide(seq: number, i: number): void {
    const r = this.roundFor(seq, i);
    if (r === null) return;
    r.decided = true;
    r.timer?.cancel();
    this.openHosts--;
    const rec = this._records[this._records.length - 1]!;
    const decision = decideUpdate(r.digests, this.opts.f);
    rec.decidedAt[i] = this.opts.sim.now;
    rec.accepted[i] = decision.accepted;
    r.producer?.settle(decision.accepted);
    if (decision.suspicious) this.opts.onSuspicion?.(i, seq, decision);
    if (!decision.accepted) return;
    const source = payloadSource(decision, i)!;
    if (source === i) {
      this.applyAt(i, r.update!, rec);
      return;
    }
    // The local active disagreed: the pages come from an agreeing host, checked on arrival.
    rec.fetched.push(i);
    const src = this.rounds![source]!.update;
    if (src === null) return;
    const bytes = UPDATE_PAYLOAD_HEADER_BYTES + src.bytes.length + 4 * src.pages.length;
    this.opts.transport.send(source, i, bytes, () => {
      this.opts.meter.cpu(i, digestCpuNs(this.opts.costs, src.bytes.length), 'digest');
      if (!payloadMatches(src, decision.digest!)) {
        rec.refused.push(i);
        return;
      }
      this.applyAt(i, src, rec);
    });
  }

  private applyAt(i: number, u: StateUpdate, rec: UpdateRoundRecord): void {
    this.history[i]!.push(u);
    this.giveTo(i, this.hosts[i]!.shadow, u, rec);
  }

  /** Hand `u` to `shadow` (unless it is active or gone: then it is only kept in the history). */
  private giveTo(i: number, shadow: ShadowReplica, u: StateUpdate, rec?: UpdateRoundRecord): void {
    if (shadow.state === 'discarded' || shadow.state === 'active' || shadow.state === 'activating') return;
    if (u.seq <= shadow.appliedSeq) return;
    shadow.apply(u, () => {
      if (rec !== undefined) rec.appliedAt[i] = this.opts.sim.now;
      const check = this.checks[i];
      if (check !== null && check !== undefined && shadow === this.hosts[i]!.shadow) check.verify(u.seq, u.pages);
      this.trim(i);
    });
  }

  /** Updates at or below this number are no longer needed on host `i`. */
  private historyFloor(i: number): number {
    return Math.min(this.hosts[i]!.shadow.appliedSeq, ...this.pins[i]!);
  }

  private trim(i: number): void {
    const floor = this.historyFloor(i);
    const h = this.history[i]!;
    let k = 0;
    while (k < h.length && h[k]!.seq <= floor) k++;
    if (k > 0) {
      this.trimmed[i] = h[k - 1]!.seq;
      h.splice(0, k);
    }
  }

  /** Stop tracking writes (the group is done). */
  close(): void {
    for (const p of this.producers) p.close();
  }
}
