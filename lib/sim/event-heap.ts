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
 * A binary min-heap of events ordered by (time, sequence): a rising sequence number breaks ties,
 * so simultaneous events fire in the order they were scheduled (SimPy's rule) and every run is
 * reproducible.
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
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p.time < ev.time || (p.time === ev.time && p.seq < ev.seq)) break;
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
    if (n > 1) {
      const m = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        let c = l;
        let child = items[l]!;
        if (r < m) {
          const rc = items[r]!;
          if (rc.time < child.time || (rc.time === child.time && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
        items[i] = child;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}
