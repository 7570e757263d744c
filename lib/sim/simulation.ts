import { EventHeap, ScheduledEvent } from './event-heap.js';
import { Signal } from './signal.js';
import type { Nanos } from './time.js';

/** What a process may yield: a delay in ns, or a signal to wait for (resumes with its value). */
export type Yieldable = Nanos | Signal<any>;
export type Process<R = void> = Generator<Yieldable, R, any>;

/** A handle to cancel a scheduled callback. */
export interface Timer {
  cancel(): void;
  readonly time: Nanos;
}

/** An error inside an event or a process: it ends the run, carrying where and when it happened. */
export class SimulationError extends Error {
  readonly timeNs: Nanos;
  override readonly cause: unknown;
  constructor(timeNs: Nanos, where: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`at t=${timeNs} ns in ${where}: ${msg}`);
    this.name = 'SimulationError';
    this.timeNs = timeNs;
    this.cause = cause;
  }
}

/**
 * The deterministic discrete-event kernel: an integer-ns clock and an event heap ordered by
 * (time, sequence). Callbacks and generator processes (SimPy style) run on it. Nothing here reads
 * the wall clock or Math.random; an exception in any callback or process fails the run loudly.
 */
export class Simulation {
  private heap = new EventHeap();
  private seq = 0;
  private _now: Nanos = 0;
  private stopped = false;
  private _events = 0;

  get now(): Nanos {
    return this._now;
  }

  /** Events executed so far (for benchmarks). */
  get eventCount(): number {
    return this._events;
  }

  /** Run `fn` after `delay` ns (≥ 0, rounded to an integer ns). */
  schedule(delay: Nanos, fn: () => void): Timer {
    if (!(delay >= 0)) throw new Error(`negative or NaN delay ${delay}`);
    // The hot path: no second rounding or past-check (a rounded non-negative delay is never past).
    const ev = new ScheduledEvent(this._now + Math.round(delay), this.seq++, fn);
    this.heap.push(ev);
    return ev;
  }

  /** Run `fn` at absolute time `time` (≥ now). */
  at(time: Nanos, fn: () => void): Timer {
    const t = Math.round(time);
    if (!(t >= this._now)) throw new Error(`cannot schedule in the past: ${t} < ${this._now}`);
    const ev = new ScheduledEvent(t, this.seq++, fn);
    this.heap.push(ev);
    return ev;
  }

  /** A signal triggered after `delay` ns. */
  timeout(delay: Nanos, name = 'timeout'): Signal<void> {
    const sig = new Signal<void>(name);
    this.schedule(delay, () => sig.trigger());
    return sig;
  }

  /**
   * Start a generator process now (its first step runs as an event at the current time, after
   * events already scheduled for this instant). Returns a signal triggered with its return value.
   */
  process<R>(gen: Process<R>, name = 'process'): Signal<R> {
    const done = new Signal<R>(name);
    const step = (input: unknown): void => {
      let r: IteratorResult<Yieldable, R>;
      try {
        r = gen.next(input);
      } catch (e) {
        if (e instanceof SimulationError) throw e;
        throw new SimulationError(this._now, name, e);
      }
      if (r.done) {
        done.trigger(r.value);
        return;
      }
      const y = r.value;
      if (typeof y === 'number') this.schedule(y, resume);
      else if (y instanceof Signal) {
        // Resume through the heap so that a process woken by a signal runs after the code that
        // triggered it, in a deterministic order.
        y.then((v) => {
          this.schedule(0, () => step(v));
        });
      } else throw new SimulationError(this._now, name, new Error(`process yielded ${String(y)}`));
    };
    // One closure for every delay the process yields, not one per yield.
    const resume = (): void => step(undefined);
    this.schedule(0, () => step(undefined));
    return done;
  }

  /** End the run after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Execute events in order until the heap is empty, `stop()` is called, or the next event is
   * later than `until` (then the clock is set to `until`).
   */
  run(until: Nanos = Number.POSITIVE_INFINITY): void {
    this.stopped = false;
    const heap = this.heap;
    while (!this.stopped) {
      const next = heap.peek();
      if (next === undefined || next.time > until) break;
      const top = heap.pop()!;
      if (top.cancelled) continue;
      this._now = top.time;
      this._events++;
      try {
        top.fn();
      } catch (e) {
        if (e instanceof SimulationError) throw e;
        throw new SimulationError(this._now, 'event', e);
      }
    }
    if (!this.stopped && Number.isFinite(until) && until > this._now) this._now = until;
  }
}
