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

  it('is empty after popping everything', () => {
    const heap = new EventHeap();
    heap.push(ev(1, 0));
    heap.pop();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });
});
