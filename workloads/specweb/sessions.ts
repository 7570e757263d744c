import type { SeriesRecord } from '../../lib/metrics/records.js';
import type { RandomStream, Simulation, Timer } from '../../lib/sim/index.js';
import type { Rpc } from '../kvstore/rpc.js';
import { GOOD_MIN_FRACTION, TIME_GOOD_S, TIME_TOLERABLE_S, TOLERABLE_MIN_FRACTION, pageExchanges, pageCdf, type Exchange, type PageType } from './model.js';
import type { WebRequest } from './server.js';

const NS_PER_S = 1e9;
/** How often a phase checks whether the previous phase's backlog has drained. */
const DRAIN_POLL_NS = 100_000_000;
/** A phase is started only if this share of a full phase still fits before the run's end. */
const MIN_PHASE_SHARE = 0.75;

/** QoS of a set of pages: shares within TIME_GOOD and TIME_TOLERABLE, and whether both are met. */
export interface QosVerdict {
  readonly pages: number;
  readonly good: number;
  readonly tolerable: number;
  readonly pass: boolean;
}

/** SPECweb2005's rule: ≥ 95 % of pages within TIME_GOOD and ≥ 99 % within TIME_TOLERABLE. */
export function qosVerdict(latenciesS: ArrayLike<number>): QosVerdict {
  let good = 0;
  let tol = 0;
  for (let i = 0; i < latenciesS.length; i++) {
    const l = latenciesS[i]!;
    if (l <= TIME_GOOD_S) good++;
    if (l <= TIME_TOLERABLE_S) tol++;
  }
  const n = latenciesS.length;
  return { pages: n, good: n > 0 ? good / n : 1, tolerable: n > 0 ? tol / n : 1, pass: n > 0 && good >= GOOD_MIN_FRACTION * n && tol >= TOLERABLE_MIN_FRACTION * n };
}

interface Session {
  active: boolean;
  busy: boolean;
  page: number;
  timer: Timer | null;
  /** Page in progress: its start and the phase it counts for (−1: none). */
  startNs: number;
  phase: number;
}

export interface SessionOptions {
  readonly sim: Simulation;
  readonly rng: RandomStream;
  readonly rpc: Rpc;
  readonly pages: readonly PageType[];
  readonly thinkNs: number;
  readonly maxSessions: number;
}

/**
 * SPECweb2005-style closed-loop sessions: a session thinks (exponential, mean THINK_TIME), picks a
 * page from the mix, and runs its round trips one after another (pageExchanges); the page's latency
 * is from its first request to its last reply. `setActive(n)` changes the population: new sessions
 * start with an exponential residual think time (the stationary state, so the arrival rate is right
 * at once); retired sessions finish the page they are in and stop.
 */
export class WebSessions {
  private readonly opts: SessionOptions;
  private readonly sessions: Session[] = [];
  private readonly cdf: Float64Array;
  private readonly exchanges: Exchange[][];
  private active = 0;
  /** Latencies (s) of pages finished, per phase (the phase the page started in). */
  readonly latencies: number[][] = [];
  private phase = -1;
  private measuring = false;
  pagesDone = 0;
  exchangesDone = 0;

  constructor(o: SessionOptions) {
    this.opts = o;
    this.cdf = pageCdf(o.pages);
    this.exchanges = o.pages.map(pageExchanges);
  }

  get activeSessions(): number {
    return this.active;
  }

  /** Pages of the current phase count from now on (or stop counting). */
  beginPhase(phase: number): void {
    this.phase = phase;
    this.latencies[phase] = [];
    this.measuring = false;
  }
  measureFromNow(): void {
    this.measuring = true;
  }

  /** Pages of `phase` still in progress: their ages (s) now (lower bounds of their latencies). */
  inProgressAges(phase: number): number[] {
    const out: number[] = [];
    for (const s of this.sessions) if (s.busy && s.phase === phase) out.push((this.opts.sim.now - s.startNs) / NS_PER_S);
    return out;
  }

  /** Pages in progress that started before `t` (the backlog of an earlier phase). */
  inProgressSince(t: number): number {
    let n = 0;
    for (const s of this.sessions) if (s.busy && s.startNs < t) n++;
    return n;
  }

  setActive(n: number): void {
    const target = Math.max(0, Math.min(this.opts.maxSessions, Math.floor(n)));
    while (this.sessions.length < target) this.sessions.push({ active: false, busy: false, page: 0, timer: null, startNs: 0, phase: -1 });
    for (let i = 0; i < this.sessions.length; i++) {
      const s = this.sessions[i]!;
      const want = i < target;
      if (want && !s.active) {
        s.active = true;
        if (!s.busy) this.think(i);
      } else if (!want && s.active) {
        s.active = false;
        s.timer?.cancel();
        s.timer = null;
      }
    }
    this.active = target;
  }

  private think(i: number): void {
    const s = this.sessions[i]!;
    const t = this.opts.thinkNs > 0 ? this.opts.rng.exponential(this.opts.thinkNs) : 0;
    s.timer = this.opts.sim.schedule(t, () => {
      s.timer = null;
      if (s.active) this.startPage(i);
    });
  }

  private startPage(i: number): void {
    const s = this.sessions[i]!;
    const u = this.opts.rng.next();
    let type = 0;
    while (type < this.cdf.length - 1 && this.cdf[type]! <= u) type++;
    s.busy = true;
    s.page++;
    s.startNs = this.opts.sim.now;
    s.phase = this.measuring ? this.phase : -1;
    this.step(i, this.exchanges[type]!, 0);
  }

  private step(i: number, ex: Exchange[], k: number): void {
    const s = this.sessions[i]!;
    const e = ex[k]!;
    const req: WebRequest = { session: i, page: s.page, kind: e.kind, replyBytes: e.replyBytes, objects: e.objects, first: k === 0, last: k === ex.length - 1 };
    this.opts.rpc.call(i, e.requestBytes, req, (_body, failed) => {
      this.exchangesDone++;
      if (!failed && k + 1 < ex.length) {
        this.step(i, ex, k + 1);
        return;
      }
      // The page is complete (or its connection broke: counted with its latency so far).
      const lat = (this.opts.sim.now - s.startNs) / NS_PER_S;
      if (s.phase >= 0) this.latencies[s.phase]!.push(failed ? Number.POSITIVE_INFINITY : lat);
      this.pagesDone++;
      s.busy = false;
      s.phase = -1;
      if (s.active) this.think(i);
    });
  }
}

export interface SearchOptions {
  readonly sim: Simulation;
  readonly sessions: WebSessions;
  /** Length of the run (ns) and of each phase's warm-up (ns). */
  readonly runNs: number;
  readonly phases: number;
  readonly warmupNs: number;
  /** Bisection bracket: `lo` sessions assumed to pass, `hi` the most tried. */
  readonly maxSessions: number;
  readonly firstGuess: number;
  /** Fixed population: no search, one phase over the whole run. */
  readonly fixed: number | undefined;
}

/**
 * Finds the score inside the run: the run is cut into phases; each phase runs a session count,
 * discards its warm-up, and judges the pages started after it with SPECweb2005's QoS rule (pages
 * still in progress at the phase's end count with their age so far). A bisection over session
 * counts picks the next phase's count: pass → raise the lower bound, fail → lower the upper.
 * The score is the largest session count that passed. Everything is simulated: an engine that
 * slows replies (Remus's output buffering) lowers the score the same way added delay does.
 */
export class ScoreSearch {
  private readonly opts: SearchOptions;
  private lo = 0;
  private hi: number;
  private current: number;
  private index = 0;
  private readonly phaseNs: number;
  readonly records: SeriesRecord[] = [];
  private bestPass = 0;

  constructor(o: SearchOptions) {
    this.opts = o;
    this.hi = o.maxSessions + 1;
    this.current = o.fixed ?? Math.min(o.maxSessions, o.firstGuess);
    this.phaseNs = o.fixed !== undefined ? o.runNs : Math.floor(o.runNs / o.phases);
  }

  start(): void {
    this.begin();
  }

  /**
   * The largest passing session count, refined between it and the smallest failing count above
   * it by linear interpolation of the QoS margin (the measured share of good pages minus 95 %, or
   * of tolerable pages minus 99 %, whichever is smaller): the bisection's last bracket is several
   * sessions wide, and a margin says how far inside it the threshold lies.
   */
  get score(): number {
    const lo = this.bestPass;
    let hi = Number.POSITIVE_INFINITY;
    let mHi = 0;
    let mLo = 0;
    for (const r of this.records) {
      const n = r.sessions as number;
      const m = Math.min((r.goodPct as number) / 100 - GOOD_MIN_FRACTION, (r.tolerablePct as number) / 100 - TOLERABLE_MIN_FRACTION);
      if (r.pass && n === lo) mLo = Math.max(mLo, m);
      if (!r.pass && n > lo && n < hi) {
        hi = n;
        mHi = m;
      }
    }
    if (!Number.isFinite(hi) || lo === 0 || mLo - mHi <= 0) return lo;
    return Math.min(hi - 1, Math.floor(lo + ((hi - lo) * mLo) / (mLo - mHi)));
  }

  private begin(): void {
    const { sim, sessions } = this.opts;
    const phase = this.index;
    const startNs = sim.now;
    sessions.beginPhase(phase);
    sessions.setActive(this.current);
    sim.schedule(Math.min(this.opts.warmupNs, this.phaseNs / 2), () => sessions.measureFromNow());
    // The last phase ends with the run (the scenario stops the simulation then): judge it just before.
    const endNs = Math.min(startNs + this.phaseNs, this.opts.runNs - 1);
    sim.at(Math.max(sim.now, endNs), () => this.end(phase, startNs));
  }

  /**
   * Between phases every session stops and the pages in progress finish, so that an overloaded
   * phase's backlog is not charged to the next count (SPECweb2005's iterations each ramp up and
   * down, too); the next phase starts when the server is idle, if a useful phase still fits.
   */
  private drainThenBegin(): void {
    const { sim, sessions } = this.opts;
    sessions.setActive(0);
    const poll = (): void => {
      if (sim.now + MIN_PHASE_SHARE * this.phaseNs > this.opts.runNs) return;
      if (sessions.inProgressSince(sim.now + 1) === 0) this.begin();
      else sim.schedule(DRAIN_POLL_NS, poll);
    };
    poll();
  }

  private end(phase: number, startNs: number): void {
    const { sim, sessions } = this.opts;
    const done = sessions.latencies[phase]!;
    const lat = done.concat(sessions.inProgressAges(phase));
    const v = qosVerdict(lat);
    const n = this.current;
    this.records.push({
      phase,
      startS: startNs / NS_PER_S,
      endS: sim.now / NS_PER_S,
      sessions: n,
      pages: v.pages,
      goodPct: v.good * 100,
      tolerablePct: v.tolerable * 100,
      pass: v.pass,
    });
    if (v.pass) {
      this.bestPass = Math.max(this.bestPass, n);
      this.lo = Math.max(this.lo, n);
    } else this.hi = Math.min(this.hi, n);
    this.index++;
    if (this.opts.fixed !== undefined || sim.now >= this.opts.runNs - 1) return;
    // Next count: bisection inside the bracket; once it is closed, re-test the upper neighbour of
    // the best pass (a noisy pass or fail gets a second look).
    if (this.hi - this.lo > 1) this.current = Math.floor((this.lo + this.hi) / 2);
    else this.current = Math.min(this.opts.maxSessions, this.lo + 1);
    if (this.lo >= this.hi) this.lo = this.hi - 1;
    this.drainThenBegin();
  }
}
