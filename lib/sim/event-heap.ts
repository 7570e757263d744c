import type { Nanos } from './time.js';

/**
 * A scheduled callback; it is its own cancel handle (one allocation per event). Cancelled events
 * stay in the heap and are skipped when popped.
 */
export class ScheduledEvent {
  constructor(
    readonly time: Nanos,
    readonly seq: number,
    readonly fn: () => void,
    public cancelled = false,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

/**
 * A 4-ary min-heap of events ordered by (time, sequence): a rising sequence number breaks ties,
 * so simultaneous events fire in the order they were scheduled (SimPy's rule) and every run is
 * reproducible. Four children per node halve the depth of a binary heap, so a pop — the hot path —
 * walks fewer levels (and each level's children sit next to each other in memory).
 */
export class EventHeap {
  private items: ScheduledEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): ScheduledEvent | undefined {
    return this.items[0];
  }

  push(ev: ScheduledEvent): void {
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
}
