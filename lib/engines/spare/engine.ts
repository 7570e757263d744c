import { byzantineFault } from '../../faults/index.js';
import type { ServiceFrontEnd } from '../../net/index.js';
import type { TcpReplyPayload, TcpRequestPayload } from '../../net/tcp.js';
import { InputError } from '../../params/index.js';
import { ReplicationGroup, digestOf, type GroupRequest } from '../../replication/index.js';
import {
  ChangeRecorder,
  ProactiveRecovery,
  ShadowConsistency,
  ShadowReplica,
  VerifiedUpdates,
  faultBoundHeld,
  shadowCosts,
  writtenPages,
  type InjectedFault,
  type Replacement,
  type ResourceMeter as ShadowMeter,
  type ShadowCostProfile,
  type ShadowCosts,
} from '../../replication/shadow/index.js';
import { ms, s, type Nanos } from '../../sim/index.js';
import type { SeriesRecord } from '../../metrics/index.js';
import type { PageMemory, VM } from '../../vm/index.js';
import { ReplicatedFrontEnd } from '../replicated-front-end.js';
import type { EngineContext, EngineDef, EngineInstance, RunLayout } from '../engine.js';
import { hostCosts } from '../host-profiles.js';
import { ResourceMeter } from '../resources.js';
import { RequestLatencies } from './latency.js';
import { SPARE_PARAMS } from './params.js';

/** Host names of a layout: A, B, C, … */
const hostName = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : `H${i}`);

/** The host of the reference replica the `shadowsConsistent` check compares shadows with. */
export const REFERENCE_HOST = 'REF';

/**
 * f + 1 hosts, each with an active replica (guests 0 … f) and a shadow (guests f + 1 … 2f + 1) of
 * service 0; then the reference replica on a host of its own (guest 2f + 2), outside the service's
 * resources: it executes every ordered request and is never faulty — what "verified state" is.
 */
export function spareLayout(f: number): RunLayout {
  const n = f + 1;
  const guests = [...Array.from({ length: n }, (_, i) => ({ host: i, service: 0 })), ...Array.from({ length: n }, (_, i) => ({ host: i, service: 0 })), { host: n, service: 0 }];
  return { hosts: [...Array.from({ length: n }, (_, i) => hostName(i)), REFERENCE_HOST], guests };
}

/** How often a barrier checks whether every replica has executed up to its position, ns. */
const BARRIER_POLL_NS = 100_000;

/**
 * The longest an activation waits for its decision (every activated shadow's reply to the
 * suspected request, or the state comparison) before deciding on what it has, in reply timeouts.
 */
const ACTIVATION_DEADLINE_TIMEOUTS = 50;

/** The SPARE shadow costs a run's hosts charge: the profile's, with the host-profile keys applied. */
export function spareCosts(ctx: Pick<EngineContext, 'params'>): ShadowCosts {
  const p = ctx.params;
  const profile = (p.optStr('host.profile') ?? 'remus-2008') as ShadowCostProfile;
  const hc = hostCosts(p, 'remus-2008');
  return { ...shadowCosts(profile), pauseNs: hc.pauseNs, unpauseNs: hc.unpauseNs, applyNsPerPage: hc.applyNsPerPage, vmCreateNs: hc.vmCreateNs };
}

type Cause = 'reply-mismatch' | 'reply-timeout' | 'update-digest';

type Target =
  | { readonly kind: 'request'; readonly rm: number; readonly session: number; readonly n: number }
  | { readonly kind: 'update'; readonly seq: number };

interface Activation {
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

interface Barrier {
  readonly pos: number;
  readonly deadline: Nanos;
  /** Also wait until every request up to the position has been answered. */
  readonly answered: boolean;
  readonly then: (ready: boolean) => void;
}

/** A request's key: its session and number. */
const requestKey = (session: number, n: number): number => session * 2 ** 32 + n;

/**
 * SPARE (Distler et al., NDSS '11): f + 1 hosts, each with a trusted replica manager, one active
 * service replica and one paused shadow replica (docs/spare.md). Requests are ordered and voted as
 * under `active` (lib/replication), f + 1 identical replies answering. Every
 * `spare.updateIntervalMs` the active replicas produce a verified state update at one position of
 * the order, which the shadows apply while briefly woken. Differing replies or update digests, or
 * too few replies in `spare.replyTimeoutMs`, activate the shadows; a majority over all replies
 * decides, the faulty replica is replaced by its host's shadow, and new shadows are made from
 * verified state. Proactive recovery renews one host every `spare.recoveryIntervalS`.
 */
export const spareEngine: EngineDef = {
  name: 'spare',
  description: 'SPARE: f+1 active replicas behind replica managers, one paused shadow replica per host updated from verified state, activated on suspicion; proactive recovery',
  params: SPARE_PARAMS,
  layout: (p) => spareLayout(p.num('spare.f')),
  replicas: (p) => ({ active: p.num('spare.f') + 1, passive: p.num('spare.f') + 1 }),
  replicated: true,
  // Updates carry the service's state; the guest kernel's network buffers are not part of it (a
  // shadow's kernel has seen other traffic than the active replica's), so SPARE's guests have none.
  derivedDefaults(input) {
    const mib = input['vm.netBufferMiB'];
    if (mib !== undefined && Number(mib) !== 0)
      throw new InputError('vm.netBufferMiB', 'spare’s state updates carry the service’s state, not the guest kernel’s network buffers', '0');
    return { 'vm.netBufferMiB': 0 };
  },
  // Crashes of faults.targetHost's host, its active replica or its RM; no partitions (there is no one link).
  faultKinds: ['hostCrash', 'vmCrash', 'rmCrash'],
  targetsHosts: true,
  // Within f faulty replicas per window of (f + 1) × spare.recoveryIntervalS.
  tolerates: ['hostCrash', 'vmCrash', 'rmCrash', 'byzantine'],
  faultBudget: (p) => p.num('spare.f'),
  create: (ctx) => createSpare(ctx),
};

function createSpare(ctx: EngineContext): EngineInstance {
  const { sim, params, network } = ctx;
  const f = params.num('spare.f');
  const n = f + 1;
  const target = params.optNum('faults.targetHost') ?? 0;
  if (target >= n) throw new InputError('faults.targetHost', `host ${target} does not exist: spare with f = ${f} has ${n} hosts`, `0 … ${n - 1}`);
  if (ctx.spawnGuest === undefined) throw new Error('spare needs a run that can create VMs from images');
  const spawn = ctx.spawnGuest;
  const costs = spareCosts(ctx);
  const updateNs = ms(params.num('spare.updateIntervalMs'));
  const replyTimeoutNs = ms(params.num('spare.replyTimeoutMs'));
  const recoveryS = params.num('spare.recoveryIntervalS');
  const service = ctx.services[0]!;
  const hosts = ctx.hosts.slice(0, n);
  const refVm = ctx.guests[2 * n]!.vm;
  // Host h's active replica and its shadow's VM.
  const active: VM[] = ctx.guests.slice(0, n).map((g) => g.vm);
  const standby: VM[] = ctx.guests.slice(n, 2 * n).map((g) => g.vm);
  // Every VM that executes requests has a voter number v (its RM is v mod n) and a slot in the
  // front end: actives h, the first shadows n + h, the reference 2n, every later VM h + k × n.
  const slots: VM[] = ctx.guests.map((g) => g.vm);
  const voterOf = new Map<VM, number>(slots.slice(0, 2 * n).map((vm, v) => [vm, v]));
  let nextGeneration = 3;
  const enrol = (vm: VM, h: number): number => {
    const v = h + n * nextGeneration++;
    voterOf.set(vm, v);
    slots[v] = vm;
    return v;
  };
  const everyVm = new Set<VM>(slots.slice(0, 2 * n));
  /** Per voter, per session: the latest reply's request number and digest. */
  const recent = new Map<number, Map<number, { n: number; digest: string }>>();
  const meter = new ResourceMeter(sim);
  const shadowMeter: ShadowMeter = {
    // Applying pages runs on the shadow's vCPU: its consumed CPU already counts it.
    cpu: (_host, ns, use) => {
      if (use !== 'apply') meter.dom0(ns);
    },
    vmUp: (id, bytes) => meter.vmExists(id, bytes),
    vmDown: (id) => meter.vmGone(id),
  };
  for (const vm of everyVm) meter.vmExists(vm.name, vm.memory.sizeBytes);
  const latencies = new RequestLatencies();

  const front = new ReplicatedFrontEnd(network, service, hosts, slots);
  const hostUp = (h: number): boolean => hosts[h]!.alive && group.isAlive(h);
  const fe: ServiceFrontEnd = {
    request(p, at) {
      const pl = p.payload as TcpRequestPayload;
      latencies.arrived(p.client, pl.requestId, sim.now);
      front.request(p, at);
    },
    reply(p, vm) {
      const v = voterOf.get(vm);
      if (v === undefined) return; // the reference replica
      const h = v % n;
      const isShadow = vm === standby[h] && shadowLive[h];
      if (vm !== active[h] && !isShadow) return; // no longer executing
      const pl = p.payload as TcpReplyPayload;
      const digest = digestOf(pl.body);
      let m = recent.get(v);
      if (m === undefined) recent.set(v, (m = new Map()));
      m.set(p.client, { n: pl.requestId, digest });
      // The ballot first: this reply may decide the vote, and the decision judges every ballot.
      const a = activation;
      const target = a !== null && a.target.kind === 'request' && a.target.session === p.client && a.target.n === pl.requestId;
      if (target) {
        if (!a.ballots.has(v)) a.ballots.set(v, digest);
        if (isShadow && !a.doneAt.has(h)) a.doneAt.set(h, sim.now);
      }
      group.replicaReplied(h, p.client, pl.requestId, p, p.bytes, digest, v);
      if (target) checkActivation(a);
    },
  };
  const group: ReplicationGroup = new ReplicationGroup({
    sim,
    network,
    hosts,
    quorum: f + 1,
    replyTimeoutNs,
    deliver: (rm, seq, req) => deliver(rm, seq, req),
    answer: (rm, req, reply) => {
      latencies.answered(req.session, req.n, sim.now);
      outstanding.delete(requestKey(req.session, req.n));
      const a = activation;
      if (a !== null && a.target.kind === 'request' && a.target.session === req.session && a.target.n === req.n && a.decided === null) {
        a.decided = digestOf((reply as { payload: TcpReplyPayload }).payload.body);
        a.decidedAt = sim.now;
        checkActivation(a);
      }
      front.answer(rm, reply);
    },
    suspect: (rm, req, why) => suspicion(why === 'mismatch' ? 'reply-mismatch' : 'reply-timeout', { kind: 'request', rm, session: req.session, n: req.n }),
    crashDetected: (_rm, dead) => {
      if (service.entry === hosts[dead]) network.redirect(hosts[group.contactFor(0)]!, service);
      countReplicas();
      if (activation !== null) checkActivation(activation);
    },
  });
  front.attach(group);
  service.setFrontEnd(fe);

  // ——— the order as handed to the replicas, and barriers at one of its positions ———
  const logSeq: number[] = [];
  const logReq: GroupRequest[] = [];
  let lastLogged = -1;
  const handed = new Array<number>(n).fill(-1);
  const held: Array<Array<[number, GroupRequest]>> = hosts.map(() => []);
  const shadowLive = new Array<boolean>(n).fill(false);
  /** Requests handed to the replicas and not answered yet: their positions and when, by key. */
  const outstanding = new Map<number, { seq: number; since: Nanos }>();
  let barrier: Barrier | null = null;

  function deliver(h: number, seq: number, req: GroupRequest): void {
    if (barrier !== null && seq > barrier.pos) {
      held[h]!.push([seq, req]);
      return;
    }
    hand(h, seq, req);
  }

  function hand(h: number, seq: number, req: GroupRequest): void {
    handed[h] = seq;
    if (seq > lastLogged) {
      lastLogged = seq;
      logSeq.push(seq);
      logReq.push(req);
      outstanding.set(requestKey(req.session, req.n), { seq, since: sim.now });
      front.deliver(2 * n, seq, req); // the reference replica
    }
    front.deliver(voterOf.get(active[h]!)!, seq, req);
    if (shadowLive[h]) front.deliver(voterOf.get(standby[h]!)!, seq, req);
  }

  /** Re-execute on `vm` the requests of host `h` after position `after`, up to what `h` was handed. */
  function replay(vm: VM, h: number, after: number): void {
    const v = voterOf.get(vm)!;
    let i = lowerBound(logSeq, after + 1);
    for (; i < logSeq.length && logSeq[i]! <= handed[h]!; i++) front.deliver(v, logSeq[i]!, logReq[i]!);
  }

  /** Drop the log before the position every shadow's next replay starts from. */
  function trimLog(): void {
    let keep = Infinity;
    for (let h = 0; h < n; h++) keep = Math.min(keep, roundPos.get(updates.host(h).shadow.appliedSeq) ?? -1);
    const k = lowerBound(logSeq, keep + 1);
    if (k > 4096) {
      logSeq.splice(0, k);
      logReq.splice(0, k);
    }
  }

  /** Executing VMs of host `h` now: its active, and its shadow while activated. */
  function executors(): Array<{ vm: VM; h: number }> {
    const out: Array<{ vm: VM; h: number }> = [];
    for (let h = 0; h < n; h++) {
      if (!hostUp(h)) continue;
      if (active[h]!.status !== 'crashed') out.push({ vm: active[h]!, h });
      if (shadowLive[h]) out.push({ vm: standby[h]!, h });
    }
    return out;
  }

  /**
   * Hold every request after the last one handed anywhere; run `then` once every replica executed
   * up to it, or at `waitNs` with those that did not (they are then found faulty).
   */
  function startBarrier(waitNs: Nanos, answered: boolean, then: (ready: boolean) => void): void {
    let pos = -1;
    for (let h = 0; h < n; h++) if (hostUp(h)) pos = Math.max(pos, handed[h]!);
    barrier = { pos, deadline: sim.now + waitNs, answered, then };
    pollBarrier();
  }

  /** Whether `vm` on host `h` has executed every request up to the barrier's position and nothing after. */
  function atBarrier(vm: VM, h: number, pos: number): boolean {
    vm.vcpu.sync();
    return group.deliveredUpTo(h) > pos && vm.vcpu.queuedJobs === 0;
  }

  function pollBarrier(): void {
    const b = barrier;
    if (b === null) return;
    let ready = true;
    for (const { vm, h } of executors()) if (!atBarrier(vm, h, b.pos)) ready = false;
    refVm.vcpu.sync();
    if (refVm.vcpu.queuedJobs > 0 || lastLogged < b.pos) ready = false;
    // A request unanswered for longer than an activation may take no longer holds updates back.
    if (b.answered) for (const o of outstanding.values()) if (o.seq <= b.pos && sim.now - o.since < ACTIVATION_DEADLINE_TIMEOUTS * replyTimeoutNs) ready = false;
    if (!ready && sim.now < b.deadline) {
      sim.schedule(BARRIER_POLL_NS, pollBarrier);
      return;
    }
    b.then(ready);
    barrier = null;
    for (let h = 0; h < n; h++) {
      const q = held[h]!;
      held[h] = [];
      for (const [seq, req] of q) hand(h, seq, req);
    }
    takeDeferred();
  }

  // ——— verified updates ———
  const shadows = standby.map((vm, h) => new ShadowReplica({ sim, id: vm.name, host: h, vm, costs, meter: shadowMeter }));
  // Each shadow starts equal to the reference replica: both loaded the same store. A shadow made
  // later is checked from its image on, with the reference's changes recorded since.
  const checks = shadows.map((sh) => new ShadowConsistency(refVm.memory, sh.vm.memory));
  const recorder = new ChangeRecorder(refVm.memory);
  /** Images new shadows were made from (verified state as of `seq`), until their check starts. */
  const shadowImages = new Map<VM, { memory: PageMemory; seq: number }>();
  const roundPos = new Map<number, number>([[0, -1]]);
  const seenUpdateSuspicion = new Set<number>();
  const updates = new VerifiedUpdates({
    sim,
    f,
    hosts: shadows.map((shadow, h) => ({ active: active[h]!, shadow })),
    costs,
    meter: shadowMeter,
    transport: { send: (from, to, bytes, done) => network.hostLink(hosts[from]!, hosts[to]!).send(bytes, { lossy: false, onDelivered: () => hostUp(to) && done() }) },
    digestTimeoutNs: replyTimeoutNs,
    checks,
    onSuspicion: (_h, seq, decision) => {
      // Digests missing only from hosts that are down, too few left to agree: nothing new to decide.
      if (decision.missing.every((m) => !hostUp(m)) && (decision.accepted ? decision.dissenting.length === 0 : decision.dissenting.length <= f)) return;
      if (seenUpdateSuspicion.has(seq)) return;
      seenUpdateSuspicion.add(seq);
      suspicion('update-digest', { kind: 'update', seq });
    },
  });
  let pointsDeferred = 0;

  function updatePoint(): void {
    if (barrier !== null || activation !== null) {
      pointsDeferred++;
      return;
    }
    // An update covers only answered requests: a shadow activated later re-executes every request
    // whose vote may still need it.
    startBarrier(replyTimeoutNs, true, (ready) => {
      if (!ready) {
        pointsDeferred++;
        return;
      }
      const before = updates.records.length;
      updates.point();
      if (updates.records.length > before) {
        const seq = updates.records.length;
        roundPos.set(seq, barrier!.pos);
        recorder.point(seq);
        checkNewShadows();
      }
      trimLog();
    });
  }

  /** Start the consistency check of every shadow made since the last point (the reference is quiet now). */
  function checkNewShadows(): void {
    let keep = Infinity;
    for (let h = 0; h < n; h++) {
      const shadow = updates.host(h).shadow;
      const img = shadowImages.get(shadow.vm);
      if (hostUp(h) && !updates.checked(h) && img !== undefined && shadow.state !== 'activating' && shadow.state !== 'active' && shadow.state !== 'discarded') {
        updates.setCheck(h, ShadowConsistency.fromImage(refVm.memory, shadow.vm.memory, img, shadow.appliedSeq, recorder));
        shadowImages.delete(shadow.vm);
      }
      keep = Math.min(keep, shadow.appliedSeq);
    }
    for (const img of shadowImages.values()) keep = Math.min(keep, img.seq);
    // An image being made (a recovery's checkpoint, an activation's caught-up shadows) may be older.
    if (activation === null && recovery?.running !== true) recorder.trim(keep);
  }

  // ——— suspicion, activation, decision, replacement ———
  let activation: Activation | null = null;
  const activations: Activation[] = [];
  const deferred: Array<{ cause: Cause; target: Target }> = [];
  const replacements: Replacement[] = [];
  let shadowCounter = 0;
  let suspicions = 0;

  function suspicion(cause: Cause, t: Target): void {
    suspicions++;
    if (activation !== null || recovery?.running === true || barrier !== null) {
      // One activation at a time; a suspicion during it is answered by the shadows it activated
      // (they execute and vote on every request), or taken up when it ends.
      if (activation === null || t.kind === 'update') deferred.push({ cause, target: t });
      return;
    }
    startActivation(cause, t);
  }

  function takeDeferred(): void {
    while (deferred.length > 0 && activation === null && recovery?.running !== true && barrier === null) {
      const d = deferred.shift()!;
      // A request decided meanwhile needs nothing more; an update captured before the last
      // replacement is superseded (the next one is decided afresh).
      if (d.target.kind === 'request' && !group.voting(d.target.rm, d.target.session, d.target.n)) continue;
      const t = d.target;
      if (t.kind === 'update' && replacements.some((r) => r.atS * 1e9 >= updates.records[t.seq - 1]!.at)) continue;
      startActivation(d.cause, d.target);
    }
  }

  /** Hosts whose shadow can be activated now. */
  function activatable(): number[] {
    const out: number[] = [];
    for (let h = 0; h < n; h++) {
      if (!hostUp(h)) continue;
      const st = updates.host(h).shadow.state;
      if (st === 'paused' || st === 'waking' || st === 'applying' || st === 'pausing') out.push(h);
    }
    return out;
  }

  function startActivation(cause: Cause, t: Target): void {
    const participants = activatable();
    // No shadow to activate (all active or being replaced): the suspicion is only counted.
    if (participants.length === 0) return;
    const a: Activation = {
      cause,
      target: t,
      suspectedAt: sim.now,
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
    activation = a;
    activations.push(a);
    if (t.kind === 'request')
      for (const [v, m] of recent) {
        const r = m.get(t.session);
        if (r !== undefined && r.n === t.n) a.ballots.set(v, r.digest);
      }
    for (const h of participants) {
      a.hosts.push(h);
      updates.activate(h, (rec, sinceSeq) => {
        a.unpausedAt.set(h, rec.unpausedAt);
        a.caughtUpAt.set(h, rec.caughtUpAt);
        const vm = updates.host(h).shadow.vm;
        // Its memory now is verified state as of update `sinceSeq`: the image of the next shadow.
        const image = vm.memory.clone();
        meter.dom0(costs.vmSaveNs + costs.pageCopyNsPerPage * writtenPages(image));
        a.images.set(h, { memory: image, seq: sinceSeq });
        standby[h] = vm;
        shadowLive[h] = true;
        replay(vm, h, roundPos.get(sinceSeq) ?? -1);
        countReplicas();
        if (a.target.kind === 'update' && a.caughtUpAt.size === a.hosts.length) compareStates(a);
        checkActivation(a);
      });
    }
    const live = executors().length + a.hosts.length;
    if (t.kind === 'request') group.requireReplies(t.rm, t.session, Math.max(f + 1, Math.floor(live / 2) + 1));
    a.deadline = sim.schedule(ACTIVATION_DEADLINE_TIMEOUTS * replyTimeoutNs + costs.unpauseNs, () => {
      a.deadline = null;
      finishActivation(a);
    });
  }

  /** An update's digests differed: once the shadows caught up, compare every executing replica's state at one position. */
  function compareStates(a: Activation): void {
    startBarrier(ACTIVATION_DEADLINE_TIMEOUTS * replyTimeoutNs, false, () => {
      const pos = barrier!.pos;
      // A replica that did not reach the position in time is not compared (an active one is faulty).
      const ex = executors().filter((e) => {
        if (atBarrier(e.vm, e.h, pos)) return true;
        if (e.vm === active[e.h]) a.faulty.push(e.h);
        return false;
      });
      const classes: Array<{ rep: VM; members: Array<{ vm: VM; h: number; shadow: boolean }> }> = [];
      for (const e of ex) {
        const shadow = shadowLive[e.h]! && e.vm === standby[e.h];
        const c = classes.find((k) => k.rep.memory.firstDifference(e.vm.memory) < 0);
        if (c === undefined) classes.push({ rep: e.vm, members: [{ ...e, shadow }] });
        else c.members.push({ ...e, shadow });
        // Each replica digests the pages written since the last accepted update (as many as the suspicious update's).
        meter.dom0((costs.digestNsPerKiB * e.vm.memory.pageBytes * lastUpdatePages()) / 1024);
      }
      // The largest class decides; on a tie, the one with more shadows (they hold only verified state).
      classes.sort((x, y) => y.members.length - x.members.length || y.members.filter((m) => m.shadow).length - x.members.filter((m) => m.shadow).length);
      const win = classes[0];
      for (const e of ex) {
        const shadow = shadowLive[e.h] && e.vm === standby[e.h];
        if (!shadow && !(win?.members.some((m) => m.vm === e.vm) ?? false)) a.faulty.push(e.h);
        if (shadow) a.doneAt.set(e.h, sim.now);
      }
      a.decided = 'state';
      a.decidedAt = sim.now;
      checkActivation(a);
    });
  }

  function lastUpdatePages(): number {
    const r = updates.records[updates.records.length - 1];
    return r === undefined ? 0 : Math.max(...r.pages);
  }

  function checkActivation(a: Activation): void {
    if (activation !== a || a.finishedAt >= 0 || a.decided === null) return;
    for (const h of a.hosts) if (hostUp(h) && !a.doneAt.has(h)) return;
    finishActivation(a);
  }

  function finishActivation(a: Activation): void {
    if (a.finishedAt >= 0) return;
    if (barrier !== null) {
      // A state comparison is still waiting for its replicas: decide once it is through.
      sim.schedule(BARRIER_POLL_NS, () => finishActivation(a));
      return;
    }
    a.finishedAt = sim.now;
    a.deadline?.cancel();
    if (a.target.kind === 'request') {
      let decided = a.decided;
      if (decided === null) {
        // No answer (the contact RM died): the digest most voters gave.
        const counts = new Map<string, number>();
        for (const d of a.ballots.values()) counts.set(d, (counts.get(d) ?? 0) + 1);
        decided = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? null;
      }
      for (let h = 0; h < n; h++) {
        const vm = active[h]!;
        if (!hostUp(h) || (vm.status === 'crashed' && !a.hosts.includes(h))) continue;
        const b = a.ballots.get(voterOf.get(vm)!);
        if (vm.status === 'crashed' || b === undefined || b !== decided) a.faulty.push(h);
      }
    }
    // Replace: the faulty host's activated shadow takes over; every other activated shadow is
    // discarded. Each host gets a new shadow from the verified image its activated shadow caught up to.
    // Hosts that are down leave too few active replicas: as many activated shadows stay active.
    let liveHosts = 0;
    for (let h = 0; h < n; h++) if (hostUp(h)) liveHosts++;
    let keep = Math.max(0, n - liveHosts);
    let pending = 0;
    const done = (): void => {
      if (--pending > 0) return;
      a.replacedAt = sim.now;
      if (activation === a) activation = null;
      countReplicas();
      takeDeferred();
      if (recoveryDue && activation === null) {
        recoveryDue = false;
        recovery?.due();
      }
    };
    pending++;
    for (const h of a.hosts) {
      if (!hostUp(h) || !a.images.has(h)) {
        shadowLive[h] = false;
        continue;
      }
      const shadow = updates.host(h).shadow;
      if (a.faulty.includes(h)) {
        const old = active[h]!;
        shadowLive[h] = false;
        active[h] = shadow.vm;
        updates.setActive(h, shadow.vm);
        recovery?.activeReplaced(h, shadow.id);
        replacements.push({ host: h, atS: sim.now / 1e9 });
        discardVm(old);
      } else if (keep > 0) {
        keep--;
        continue; // stays active beside the host's replica
      } else {
        shadowLive[h] = false;
        group.dropVoter(voterOf.get(shadow.vm)!);
        shadow.discard();
      }
      const img = a.images.get(h)!;
      const id = `shadow-${++shadowCounter}`;
      pending++;
      ShadowReplica.restore({ sim, id, host: h, costs, meter: shadowMeter, image: img.memory, appliedSeq: img.seq, makeVm: (m) => newVm(h, m, id, img.seq, img.memory) }, (sh) => {
        updates.setShadow(h, sh);
        standby[h] = sh.vm;
        done();
      });
    }
    countReplicas();
    done();
  }

  /** A new shadow's VM on host `h` with `memory`, a copy of `image` (verified state as of update `seq`). */
  function newVm(h: number, memory: PageMemory, id: string, seq: number, image: PageMemory): VM {
    const vm = spawn(h, 0, memory, id);
    everyVm.add(vm);
    enrol(vm, h);
    shadowImages.set(vm, { memory: image, seq });
    return vm;
  }

  function discardVm(vm: VM): void {
    vm.crash();
    meter.dom0(costs.vmDestroyNs);
    sim.schedule(costs.vmDestroyNs, () => meter.vmGone(vm.name));
  }

  // ——— proactive recovery ———
  let recoveryDue = false;
  const recovery =
    recoveryS > 0
      ? new ProactiveRecovery({
          sim,
          costs,
          meter: shadowMeter,
          updates,
          intervalNs: s(recoveryS),
          activeIds: active.map((vm) => vm.name),
          makeVm: (h, memory, id, seq, image) => newVm(h, memory, id, seq, image),
          switchExecution: (h, _from, to, sinceSeq, done) => {
            active[h] = to;
            standby[h] = updates.host(h).shadow.vm;
            replay(to, h, roundPos.get(sinceSeq) ?? -1);
            done();
          },
          onRecovered: (r) => {
            replacements.push({ host: r.host, atS: r.stepDoneAtS[r.stepDoneAtS.length - 1]! });
            countReplicas();
            takeDeferred();
          },
        })
      : null;

  // ——— faults ———
  const injected: InjectedFault[] = [];
  const crashHost = (i: number): void => {
    const h = hosts[i]!;
    if (!h.alive) return;
    injected.push({ host: i, atS: sim.now / 1e9 });
    h.alive = false;
    network.hostCrashed(h);
    group.crash(i);
    updates.hostDown(i);
    for (const vm of [active[i]!, updates.host(i).shadow.vm]) {
      vm.crash();
      meter.vmGone(vm.name);
    }
    shadowLive[i] = false;
    countReplicas();
    if (activation !== null) checkActivation(activation);
  };

  const countReplicas = (): void => {
    let running = 0;
    let passive = 0;
    for (let h = 0; h < n; h++) {
      if (!hostUp(h)) continue;
      if (active[h]!.status !== 'crashed') running++;
      const st = updates.host(h).shadow.state;
      if (shadowLive[h]) running++;
      else if (st === 'paused' || st === 'waking' || st === 'applying' || st === 'pausing') passive++;
    }
    meter.replicas(running, passive);
  };

  const activeVms = (): VM[] => active.filter((vm, h) => vm.status !== 'crashed' && hosts[h]!.alive);

  return {
    start() {
      countReplicas();
      group.start();
      const tick = (): void => {
        sim.schedule(updateNs, () => {
          updatePoint();
          tick();
        });
      };
      tick();
      if (recovery !== null) {
        const due = (): void => {
          sim.schedule(s(recoveryS), () => {
            if (activation !== null) recoveryDue = true;
            else recovery.due();
            due();
          });
        };
        due();
      }
      for (const fault of ctx.faults) {
        sim.at(fault.atNs, () => {
          if (fault.kind === 'hostCrash') crashHost(target);
          else if (fault.kind === 'vmCrash') {
            const vm = active[target]!;
            injected.push({ host: target, atS: sim.now / 1e9 });
            vm.crash();
            countReplicas();
          } else if (fault.kind === 'rmCrash') {
            injected.push({ host: target, atS: sim.now / 1e9 });
            group.crash(target);
            updates.hostDown(target);
            countReplicas();
          } else throw new Error(`spare cannot apply a ${fault.kind} fault`);
        });
      }
      // Which replicas the scenario's Byzantine fault strikes (the same choice: highest host first).
      const byz = byzantineFault(params, ctx.durationNs / 1e9);
      if (byz !== null)
        sim.at(byz.atNs, () => {
          const live = activeVms()
            .map((vm) => active.indexOf(vm))
            .sort((x, y) => y - x);
          for (const h of live.slice(0, byz.replicas)) injected.push({ host: h, atS: sim.now / 1e9 });
        });
    },
    activeVms,
    finish(endNs) {
      let guestCpuNs = 0;
      for (const vm of everyVm) guestCpuNs += vm.vcpu.cpuNs;
      const t = group.totals();
      meter.dom0(t.cpuNs);
      let live = 0;
      for (let h = 0; h < n; h++) if (hostUp(h) && active[h]!.status !== 'crashed') live++;
      for (let h = 0; h < n; h++) if (shadowLive[h]) live++;
      const done = activations.filter((a) => a.hosts.length > 0 && a.finishedAt >= 0);
      const activationNs = done.map((a) => Math.max(...[...a.doneAt.values()], a.suspectedAt) - a.suspectedAt);
      const series: Record<string, SeriesRecord[]> = {
        replicas: meter.replicaSeries,
        activations: activations.map((a) => activationRecord(a, injected)),
        updates: updates.records.map((r) => ({ seq: r.seq, atS: r.at / 1e9, pages: Math.max(...r.pages), accepted: r.accepted.some((x) => x) })),
        recoveries: (recovery?.records ?? []).map((r) => ({ host: r.host, dueAtS: r.dueAtS, startedAtS: r.startedAtS, doneAtS: r.stepDoneAtS[r.stepDoneAtS.length - 1] ?? null })),
      };
      // A fault is resolved when the first activation suspected after it ends (else at once).
      const windows = injected.map((fl): [number, number] => {
        const a = activations.find((x) => x.suspectedAt >= fl.atS * 1e9 && x.finishedAt >= 0);
        return [fl.atS * 1e9, a === undefined ? fl.atS * 1e9 : Math.max(a.finishedAt, a.replacedAt)];
      });
      const faultLatency = latencies.faultLatencyMs(windows, endNs);
      updates.close();
      for (const c of checks) c.close();
      recorder.close();
      return {
        metrics: {
          ...meter.report(endNs, { hostsReserved: n, guestCpuNs, hostLinkBytes: network.hostLinkBytes() }),
          serviceLost: live < f + 1,
          rmMessages: t.messagesSent,
          rmCpuSeconds: t.cpuNs / 1e9,
          orderedRequests: Math.max(...hosts.map((_, i) => group.deliveredUpTo(i))),
          suspicions,
          activations: activations.length,
          ...(activationNs.length > 0 ? { activationMs: activationNs.reduce((x, y) => x + y, 0) / activationNs.length / 1e6 } : {}),
          ...(faultLatency === null ? {} : { faultLatencyMs: faultLatency }),
          replacements: replacements.length,
          recoveries: recovery?.records.length ?? 0,
          updates: updates.records.length,
          updatesAccepted: updates.records.filter((r) => r.accepted.some((x) => x)).length,
          updatePointsSkipped: updates.skipped + pointsDeferred,
          shadowsChecked: updates.consistencyChecks.shadows,
          shadowComparisons: updates.consistencyChecks.comparisons,
          updatePagesMean: updates.records.length > 0 ? updates.records.reduce((x, r) => x + Math.max(...r.pages), 0) / updates.records.length : 0,
        },
        invariants: {
          shadowsConsistent: updates.shadowsConsistent,
          faultBoundHeld: faultBoundHeld(injected, f, recoveryS > 0 ? recoveryS : null, replacements),
        },
        series,
      };
    },
  };
}

function activationRecord(a: Activation, injected: readonly InjectedFault[]): SeriesRecord {
  const sec = (ns: number): number | null => (ns >= 0 ? ns / 1e9 : null);
  const maxOf = (m: Map<number, number>): number => (m.size === 0 ? -1 : Math.max(...m.values()));
  let faultAt = -1;
  for (const fl of injected) if (fl.atS * 1e9 <= a.suspectedAt) faultAt = Math.max(faultAt, fl.atS * 1e9);
  return {
    faultAtS: sec(faultAt),
    suspectedAtS: a.suspectedAt / 1e9,
    unpausedAtS: sec(maxOf(a.unpausedAt)),
    caughtUpAtS: sec(maxOf(a.caughtUpAt)),
    decidedAtS: sec(a.decidedAt),
    replacedAtS: sec(a.replacedAt),
    replica: a.faulty.length === 0 ? 'none' : [...new Set(a.faulty)].sort((x, y) => x - y).join(' '),
    cause: a.cause,
  };
}

/** The first index of ascending `xs` whose value is ≥ `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
