import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap, ScheduledEvent } from '../../lib/sim/index.js';

const ev = (time: number, seq: number): ScheduledEvent => new ScheduledEvent(time, seq, () => {});

describe('EventHeap.pop()', () => {
  it('returns events ordered by time, then by sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const heap = new EventHeap();
        times.forEach((t, i) => heap.push(ev(t, i)));
        const out: ScheduledEvent[] = [];
        for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e);
        const expected = times.map((t, i) => ev(t, i)).sort((a, b) => a.time - b.time || a.seq - b.seq);
        expect(out.map((e) => [e.time, e.seq])).toEqual(expected.map((e) => [e.time, e.seq]));
      }),
    );
  });

  it('with cancellations (enough to compact the heap), every live event pops, smallest pending first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('push', 'pop', 'cancel'), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 4000 }),
        (ops) => {
          const heap = new EventHeap();
          const pending: ScheduledEvent[] = []; // the reference: live events pushed and not popped
          let seq = 0;
          const popLive = (): void => {
            for (let e = heap.pop(); e !== undefined; e = heap.pop()) {
              if (e.cancelled) continue;
              const min = pending.reduce((m, x) => (x.time < m.time || (x.time === m.time && x.seq < m.seq) ? x : m));
              expect(e).toBe(min);
              pending.splice(pending.indexOf(e), 1);
              return;
            }
            expect(pending.length).toBe(0);
          };
          for (const [op, n] of ops) {
            if (op === 'push') {
              const e = ev(n, seq++);
              heap.push(e);
              pending.push(e);
            } else if (op === 'pop') popLive();
            else if (pending.length > 0) {
              // Cancel mostly, so that cancelled events come to dominate the heap.
              const e = pending[n % pending.length]!;
              e.cancel();
              pending.splice(pending.indexOf(e), 1);
            }
          }
          while (pending.length > 0) popLive();
          for (let e = heap.pop(); e !== undefined; e = heap.pop()) expect(e.cancelled).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('drops cancelled events once they are most of the heap', () => {
    const heap = new EventHeap();
    const evs = Array.from({ length: 2000 }, (_, i) => ev(1000 + i, i));
    for (const e of evs) heap.push(e);
    for (const e of evs.slice(0, 1500)) e.cancel();
    heap.push(ev(5, 2000));
    expect(heap.size).toBe(501);
    expect(heap.pop()!.seq).toBe(2000);
    expect(heap.pop()!.seq).toBe(1500);
  });

  it('is empty after popping everything', () => {
    const heap = new EventHeap();
    heap.push(ev(1, 0));
    heap.pop();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });
});
