import type { Nanos, Simulation } from '../../sim/index.js';
import type { VM } from '../../vm/index.js';
import { decideUpdate, payloadSource, type UpdateDecision } from './acceptance.js';
import type { ShadowConsistency } from './consistency.js';
import { capturePauseNs, digestCpuNs, type ShadowCosts } from './costs.js';
import type { ResourceMeter } from './ledger.js';
import type { ShadowReplica } from './shadow.js';
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
  private readonly o: VerifiedUpdatesOptions;
  private readonly producers: UpdateProducer[];
  private rounds: HostRound[] | null = null;
  private seq = 0;
  private _skipped = 0;
  private readonly _records: UpdateRoundRecord[] = [];
  private openHosts = 0;

  constructor(o: VerifiedUpdatesOptions) {
    if (o.hosts.length < o.f + 1) throw new Error(`verified updates need at least f + 1 = ${o.f + 1} hosts, got ${o.hosts.length}`);
    if (o.checks !== undefined && o.checks.length !== o.hosts.length) throw new Error('one consistency check per host');
    this.o = o;
    this.producers = o.hosts.map((h) => new UpdateProducer(h.active.memory));
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
    return (this.o.checks ?? []).every((c) => c.consistent);
  }

  /** An update point: capture on every live active replica, then exchange digests and decide. */
  point(): void {
    if (this.openHosts > 0) {
      this._skipped++;
      return;
    }
    const { sim, hosts, costs, meter } = this.o;
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
    this.o.checks?.forEach((c) => c.point(seq));
    const rounds: HostRound[] = hosts.map(() => ({ update: null, digests: new Array(n).fill(null), received: 0, own: false, decided: false, timer: null }));
    this.rounds = rounds;
    this.openHosts = n;
    hosts.forEach((h, i) => {
      const vm = h.active;
      if (vm.status === 'crashed') {
        // A dead host's RM takes no part; the others time out on its digest.
        rounds[i]!.decided = true;
        this.openHosts--;
        return;
      }
      vm.vcpu.sync(); // every write up to this instant is in memory and in the dirty logs
      const u = this.producers[i]!.capture(seq);
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
    });
  }

  private ownDigest(seq: number, i: number, u: StateUpdate): void {
    const r = this.roundFor(seq, i);
    if (r === null) return;
    if (this.o.hosts[i]!.active.status === 'crashed') return;
    r.own = true;
    this.receive(seq, i, i, u.digest);
    this.o.hosts.forEach((_, j) => {
      if (j === i) return;
      this.o.transport.send(i, j, UPDATE_DIGEST_MESSAGE_BYTES, () => this.receive(seq, j, i, u.digest));
    });
    r.timer = this.o.sim.schedule(this.o.digestTimeoutNs, () => this.decide(seq, i));
  }

  private receive(seq: number, at: number, from: number, digest: string): void {
    const r = this.roundFor(seq, at);
    if (r === null || r.digests[from] !== null) return;
    r.digests[from] = digest;
    r.received++;
    if (r.own && r.received === this.o.hosts.length) this.decide(seq, at);
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
    const decision = decideUpdate(r.digests, this.o.f);
    rec.decidedAt[i] = this.o.sim.now;
    rec.accepted[i] = decision.accepted;
    this.producers[i]!.settle(decision.accepted);
    if (decision.suspicious) this.o.onSuspicion?.(i, seq, decision);
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
    this.o.transport.send(source, i, bytes, () => {
      this.o.meter.cpu(i, digestCpuNs(this.o.costs, src.bytes.length), 'digest');
      if (!payloadMatches(src, decision.digest!)) {
        rec.refused.push(i);
        return;
      }
      this.applyAt(i, src, rec);
    });
  }

  private applyAt(i: number, u: StateUpdate, rec: UpdateRoundRecord): void {
    const shadow = this.o.hosts[i]!.shadow;
    if (shadow.state === 'discarded' || shadow.state === 'active' || shadow.state === 'activating') return;
    shadow.apply(u, () => {
      rec.appliedAt[i] = this.o.sim.now;
      this.o.checks?.[i]?.verify(u.seq, u.pages);
    });
  }

  /** Stop tracking writes (the group is done). */
  close(): void {
    for (const p of this.producers) p.close();
  }
}
