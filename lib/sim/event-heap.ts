import type { Nanos } from './time.js';

/**
 * A scheduled callback; it is its own cancel handle (one allocation per event). Cancelled events
 * stay in the heap and are skipped when popped, until they are more than half of it: then the heap
 * drops them (`EventHeap.push`), so timers cancelled far ahead of their time — a job's completion
 * rescheduled at every pause — do not pile up and deepen every push and pop.
 */
export class ScheduledEvent {
  /** The heap holding it while it waits; null once popped. */
  heap: EventHeap | null = null;
  cancelled = false;

  constructor(
    readonly time: Nanos,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.heap !== null) this.heap.cancelledCount++;
  }
}

/** Below this many events the heap never compacts (skipping a few cancelled ones costs less). */
const COMPACT_MIN = 256;

/**
 * A 4-ary min-heap of events ordered by (time, sequence): a rising sequence number breaks ties,
 * so simultaneous events fire in the order they were scheduled (SimPy's rule) and every run is
 * reproducible. Four children per node halve the depth of a binary heap, so a pop — the hot path —
 * walks fewer levels (and each level's children sit next to each other in memory).
 */
export class EventHeap {
  private items: ScheduledEvent[] = [];
  /** Cancelled events still in `items`. */
  cancelledCount = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): ScheduledEvent | undefined {
    return this.items[0];
  }

  push(ev: ScheduledEvent): void {
    if (this.cancelledCount > COMPACT_MIN && 2 * this.cancelledCount > this.items.length) this.compact();
    ev.heap = this;
    const items = this.items;
    let i = items.length;
    items.push(ev);
    const t = ev.time;
    const q = ev.seq;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const p = items[parent]!;
      if (p.time < t || (p.time === t && p.seq < q)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = ev;
  }

  pop(): ScheduledEvent | undefined {
    const items = this.items;
    const n = items.length;
    if (n === 0) return undefined;
    const top = items[0]!;
    top.heap = null;
    if (top.cancelled) this.cancelledCount--;
    const last = items.pop()!;
    const m = n - 1;
    if (m > 0) {
      const t = last.time;
      const q = last.seq;
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= m) break;
        // The smallest of up to four children.
        let c = first;
        let child = items[first]!;
        const end = first + 4 < m ? first + 4 : m;
        for (let k = first + 1; k < end; k++) {
          const x = items[k]!;
          if (x.time < child.time || (x.time === child.time && x.seq < child.seq)) {
            c = k;
            child = x;
          }
        }
        if (t < child.time || (t === child.time && q < child.seq)) break;
        items[i] = child;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }

  /**
   * Drop the cancelled events and rebuild the heap from the rest. Events are ordered by (time,
   * sequence), a total order, so what pops next is the same whatever shape the heap has.
   */
  private compact(): void {
    const live = this.items.filter((ev) => {
      if (ev.cancelled) ev.heap = null;
      return !ev.cancelled;
    });
    live.sort((a, b) => a.time - b.time || a.seq - b.seq); // a sorted array is a valid heap
    this.items = live;
    this.cancelledCount = 0;
  }
}
