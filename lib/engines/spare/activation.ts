import type { GroupRequest } from '../../replication/index.js';
import { ShadowReplica, writtenPages, type ProactiveRecovery } from '../../replication/shadow/index.js';
import type { Nanos } from '../../sim/index.js';
import type { PageMemory, VM } from '../../vm/index.js';
import { ACTIVATION_DEADLINE_TIMEOUTS, BARRIER_POLL_NS, type UpdateBarrier } from './barrier.js';
import type { SpareRun } from './run.js';
import type { VerifiedState } from './updates.js';

/** What raised a suspicion. */
export type Cause = 'reply-mismatch' | 'reply-timeout' | 'update-digest';

/** What a suspicion is about: a request's replies, or an update's digests. */
export type Target =
  | { readonly kind: 'request'; readonly rm: number; readonly session: number; readonly n: number }
  | { readonly kind: 'update'; readonly seq: number };

/** One activation of the shadows, from suspicion to replacement. */
export interface Activation {
  readonly cause: Cause;
  readonly target: Target;
  readonly suspectedAt: Nanos;
  /** Hosts whose shadow was activated. */
  readonly hosts: number[];
  readonly unpausedAt: Map<number, Nanos>;
  readonly caughtUpAt: Map<number, Nanos>;
  /** Each activated shadow's reply to the suspected request (or its state compared) arrived. */
  readonly doneAt: Map<number, Nanos>;
  /** Verified images the new shadows are made from (each activated shadow's memory once caught up). */
  readonly images: Map<number, { memory: PageMemory; seq: number }>;
  /** Voters' reply digests for the suspected request. */
  readonly ballots: Map<number, string>;
  decided: string | null;
  decidedAt: Nanos;
  /** Hosts whose active replica was found faulty. */
  faulty: number[];
  finishedAt: Nanos;
  replacedAt: Nanos;
  deadline: { cancel(): void } | null;
}

/**
 * Suspicion, activation, decision, replacement. Differing replies or update digests, or too few
 * replies in `spare.replyTimeoutMs`, activate the paused shadows: they catch up from verified
 * state, execute and vote; a majority over all replies (or over the replicas' states, for an
 * update) decides; the faulty replica is replaced by its host's shadow, and every host gets a new
 * shadow made from the verified image its activated shadow caught up to. One activation at a time.
 */
export class Activations {
  /** The activation running now. */
  current: Activation | null = null;
  readonly all: Activation[] = [];
  private readonly deferred: Array<{ cause: Cause; target: Target }> = [];
  private shadowCounter = 0;
  suspicions = 0;
  /** Proactive recovery, if the run has it (set once built). */
  recovery: ProactiveRecovery | null = null;
  /** A recovery fell due during an activation: it starts when the activation ends. */
  private recoveryDue = false;

  constructor(
    private readonly run: SpareRun,
    private readonly barrier: UpdateBarrier,
    private readonly verified: VerifiedState,
  ) {}

  /** A proactive recovery is due: start it now, or once the running activation ends. */
  recoveryFallsDue(): void {
    if (this.current !== null) this.recoveryDue = true;
    else this.recovery?.due();
  }

  /** Voter `v` of host `h` replied: its ballot first (this reply may decide the vote, and the decision judges every ballot). */
  replied(v: number, h: number, session: number, n: number, digest: string, isShadow: boolean, forward: () => void): void {
    const a = this.current;
    const target = a !== null && a.target.kind === 'request' && a.target.session === session && a.target.n === n;
    if (target) {
      if (!a.ballots.has(v)) a.ballots.set(v, digest);
      if (isShadow && !a.doneAt.has(h)) a.doneAt.set(h, this.run.sim.now);
    }
    forward();
    if (target) this.check(a);
  }

  /** Request `req` was answered: the suspected request's answer decides its activation. */
  answered(req: GroupRequest, digest: () => string): void {
    const a = this.current;
    if (a !== null && a.target.kind === 'request' && a.target.session === req.session && a.target.n === req.n && a.decided === null) {
      a.decided = digest();
      a.decidedAt = this.run.sim.now;
      this.check(a);
    }
  }

  /** Something changed (a crash): the running activation may be able to finish. */
  recheck(): void {
    if (this.current !== null) this.check(this.current);
  }

  suspicion(cause: Cause, t: Target): void {
    this.suspicions++;
    if (this.current !== null || this.recovery?.running === true || this.barrier.standing) {
      // One activation at a time; a suspicion during it is answered by the shadows it activated
      // (they execute and vote on every request) until it has decided and they are replaced, and
      // taken up when it ends otherwise.
      if (this.current === null || t.kind === 'update' || this.current.finishedAt >= 0) this.deferred.push({ cause, target: t });
      return;
    }
    this.start(cause, t);
  }

  /** Take up the suspicions deferred while the order was busy. */
  takeDeferred(): void {
    const { run } = this;
    while (this.deferred.length > 0 && this.current === null && this.recovery?.running !== true && !this.barrier.standing) {
      const d = this.deferred.shift()!;
      // A request decided meanwhile needs nothing more; an update captured before the last
      // replacement is superseded (the next one is decided afresh).
      if (d.target.kind === 'request' && !run.group.voting(d.target.rm, d.target.session, d.target.n)) continue;
      const t = d.target;
      if (t.kind === 'update' && run.replacements.some((r) => r.atS * 1e9 >= run.updates.records[t.seq - 1]!.at)) continue;
      this.start(d.cause, d.target);
    }
  }

  /** Hosts whose shadow can be activated now. */
  private activatable(): number[] {
    const out: number[] = [];
    for (let h = 0; h < this.run.n; h++) if (this.run.hostUp(h) && this.run.shadowPassive(h)) out.push(h);
    return out;
  }

  private start(cause: Cause, t: Target): void {
    const { run } = this;
    const participants = this.activatable();
    // No shadow to activate (all active or being replaced): the suspicion is only counted.
    if (participants.length === 0) return;
    const a: Activation = {
      cause,
      target: t,
      suspectedAt: run.sim.now,
      hosts: [],
      unpausedAt: new Map(),
      caughtUpAt: new Map(),
      doneAt: new Map(),
      images: new Map(),
      ballots: new Map(),
      decided: null,
      decidedAt: -1,
      faulty: [],
      finishedAt: -1,
      replacedAt: -1,
      deadline: null,
    };
    this.current = a;
    this.all.push(a);
    if (t.kind === 'request')
      for (const [v, m] of run.recent) {
        const r = m.get(t.session);
        if (r !== undefined && r.n === t.n) a.ballots.set(v, r.digest);
      }
    for (const h of participants) {
      a.hosts.push(h);
      run.updates.activate(h, (rec, sinceSeq) => {
        a.unpausedAt.set(h, rec.unpausedAt);
        a.caughtUpAt.set(h, rec.caughtUpAt);
        const vm = run.updates.host(h).shadow.vm;
        // Its memory now is verified state as of update `sinceSeq`: the image of the next shadow.
        const image = vm.memory.clone();
        run.meter.dom0(run.costs.vmSaveNs + run.costs.pageCopyNsPerPage * writtenPages(image));
        a.images.set(h, { memory: image, seq: sinceSeq });
        run.standby[h] = vm;
        run.shadowLive[h] = true;
        this.barrier.replay(vm, h, this.verified.position(sinceSeq) ?? -1);
        run.countReplicas();
        if (a.target.kind === 'update' && a.caughtUpAt.size === a.hosts.length) this.compareStates(a);
        this.check(a);
      });
    }
    const live = run.executors().length + a.hosts.length;
    if (t.kind === 'request') run.group.requireReplies(t.rm, t.session, Math.max(run.f + 1, Math.floor(live / 2) + 1));
    a.deadline = run.sim.schedule(ACTIVATION_DEADLINE_TIMEOUTS * run.replyTimeoutNs + run.costs.unpauseNs, () => {
      a.deadline = null;
      this.finish(a);
    });
  }

  /** An update's digests differed: once the shadows caught up, compare every executing replica's state at one position. */
  private compareStates(a: Activation): void {
    const { run, barrier } = this;
    barrier.start(ACTIVATION_DEADLINE_TIMEOUTS * run.replyTimeoutNs, false, () => {
      const pos = barrier.pos;
      // A replica that did not reach the position in time is not compared (an active one is faulty).
      const ex = run.executors().filter((e) => {
        if (barrier.reached(e.vm, e.h, pos)) return true;
        if (e.vm === run.active[e.h]) a.faulty.push(e.h);
        return false;
      });
      const classes: Array<{ rep: VM; members: Array<{ vm: VM; h: number; shadow: boolean }> }> = [];
      for (const e of ex) {
        const shadow = run.shadowLive[e.h]! && e.vm === run.standby[e.h];
        const c = classes.find((k) => k.rep.memory.firstDifference(e.vm.memory) < 0);
        if (c === undefined) classes.push({ rep: e.vm, members: [{ ...e, shadow }] });
        else c.members.push({ ...e, shadow });
        // Each replica digests the pages written since the last accepted update (as many as the suspicious update's).
        run.meter.dom0((run.costs.digestNsPerKiB * e.vm.memory.pageBytes * this.verified.lastUpdatePages()) / 1024);
      }
      // The largest class decides; on a tie, the one with more shadows (they hold only verified state).
      classes.sort((x, y) => y.members.length - x.members.length || y.members.filter((m) => m.shadow).length - x.members.filter((m) => m.shadow).length);
      const win = classes[0];
      for (const e of ex) {
        const shadow = run.shadowLive[e.h] && e.vm === run.standby[e.h];
        if (!shadow && !(win?.members.some((m) => m.vm === e.vm) ?? false)) a.faulty.push(e.h);
        if (shadow) a.doneAt.set(e.h, run.sim.now);
      }
      a.decided = 'state';
      a.decidedAt = run.sim.now;
      this.check(a);
    });
  }

  private check(a: Activation): void {
    if (this.current !== a || a.finishedAt >= 0 || a.decided === null) return;
    for (const h of a.hosts) if (this.run.hostUp(h) && !a.doneAt.has(h)) return;
    this.finish(a);
  }

  private finish(a: Activation): void {
    const { run } = this;
    if (a.finishedAt >= 0) return;
    if (this.barrier.standing) {
      // A state comparison is still waiting for its replicas: decide once it is through.
      run.sim.schedule(BARRIER_POLL_NS, () => this.finish(a));
      return;
    }
    a.finishedAt = run.sim.now;
    a.deadline?.cancel();
    if (a.target.kind === 'request') this.judgeBallots(a);
    // Replace: the faulty host's activated shadow takes over; every other activated shadow is
    // discarded. Each host gets a new shadow from the verified image its activated shadow caught up to.
    // Hosts that are down leave too few active replicas: as many activated shadows stay active.
    let liveHosts = 0;
    for (let h = 0; h < run.n; h++) if (run.hostUp(h)) liveHosts++;
    let keep = Math.max(0, run.n - liveHosts);
    let pending = 0;
    const done = (): void => {
      if (--pending > 0) return;
      a.replacedAt = run.sim.now;
      if (this.current === a) this.current = null;
      run.countReplicas();
      this.takeDeferred();
      if (this.recoveryDue && this.current === null) {
        this.recoveryDue = false;
        this.recovery?.due();
      }
    };
    pending++;
    for (const h of a.hosts) {
      if (!run.hostUp(h) || !a.images.has(h)) {
        run.shadowLive[h] = false;
        continue;
      }
      const shadow = run.updates.host(h).shadow;
      if (a.faulty.includes(h)) {
        const old = run.active[h]!;
        run.shadowLive[h] = false;
        run.active[h] = shadow.vm;
        run.updates.setActive(h, shadow.vm);
        this.recovery?.activeReplaced(h, shadow.id);
        run.replacements.push({ host: h, atS: run.sim.now / 1e9 });
        run.discardVm(old);
      } else if (keep > 0) {
        keep--;
        continue; // stays active beside the host's replica
      } else {
        run.shadowLive[h] = false;
        run.group.dropVoter(run.voterOf.get(shadow.vm)!);
        shadow.discard();
      }
      const img = a.images.get(h)!;
      const id = `shadow-${++this.shadowCounter}`;
      pending++;
      ShadowReplica.restore(
        { sim: run.sim, id, host: h, costs: run.costs, meter: run.shadowMeter, image: img.memory, appliedSeq: img.seq, makeVm: (m) => this.verified.newShadowVm(h, m, id, img.seq, img.memory) },
        (sh) => {
          run.updates.setShadow(h, sh);
          run.standby[h] = sh.vm;
          done();
        },
      );
    }
    run.countReplicas();
    done();
  }

  /** A request's activation: every active replica whose ballot differs from the decision (or is missing) is faulty. */
  private judgeBallots(a: Activation): void {
    const { run } = this;
    let decided = a.decided;
    if (decided === null) {
      // No answer (the contact RM died): the digest most voters gave.
      const counts = new Map<string, number>();
      for (const d of a.ballots.values()) counts.set(d, (counts.get(d) ?? 0) + 1);
      decided = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? null;
    }
    for (let h = 0; h < run.n; h++) {
      const vm = run.active[h]!;
      if (!run.hostUp(h) || (vm.status === 'crashed' && !a.hosts.includes(h))) continue;
      const b = a.ballots.get(run.voterOf.get(vm)!);
      if (vm.status === 'crashed' || b === undefined || b !== decided) a.faulty.push(h);
    }
  }
}
