import { describe, expect, it } from 'vitest';
import { RequestLatencies } from '../../../lib/engines/spare/latency.js';

const MS = 1e6;

/** Requests of session `s` arriving at `at` ms and answered at `done` ms (null: never answered). */
function record(l: RequestLatencies, s: number, reqs: ReadonlyArray<readonly [number, number, number | null]>): void {
  for (const [n, at, done] of reqs) {
    l.arrived(s, n, at * MS);
    if (done !== null) l.answered(s, n, done * MS);
  }
}

describe('RequestLatencies: the fault latency a SPARE run reports', () => {
  it('is the largest latency of a request outstanding in a fault window minus the median of the clean requests, in ms', () => {
    const l = new RequestLatencies();
    // Clean requests (before the window) take 1, 9, 3, 7 and 5 ms, recorded out of order: median 5 ms.
    record(l, 1, [
      [1, 0, 1],
      [2, 10, 19],
      [3, 20, 23],
      [4, 30, 37],
      [5, 40, 45],
    ]);
    // Requests overlapping the window [100, 110] ms: 12 ms and 30 ms.
    record(l, 2, [
      [1, 95, 107],
      [2, 105, 135],
    ]);
    expect(l.faultLatencyMs([[100 * MS, 110 * MS]], 1000 * MS)).toBe(30 - 5);
  });

  it('keys requests by session and number: the same number in two sessions is two requests', () => {
    const l = new RequestLatencies();
    record(l, 1, [[7, 0, 2]]);
    record(l, 2, [[7, 50, 54]]);
    record(l, 3, [[7, 60, 64]]);
    record(l, 4, [[7, 100, 140]]);
    // Clean: 2, 4 and 4 ms (median 4); the windowed request took 40 ms.
    expect(l.faultLatencyMs([[120 * MS, 120 * MS]], 500 * MS)).toBe(36);
  });

  it('a retransmitted request keeps its first arrival; the first answer counts', () => {
    const l = new RequestLatencies();
    record(l, 3, [[1, 0, 2]]);
    l.arrived(3, 2, 10 * MS);
    l.arrived(3, 2, 30 * MS); // the client's retry
    l.answered(3, 2, 50 * MS);
    l.answered(3, 2, 90 * MS); // a second answer (another RM) does not move the first
    expect(l.faultLatencyMs([[20 * MS, 20 * MS]], 1000 * MS)).toBe(40 - 2);
  });

  it('an answer at time 0 is an answer (a latency of 0), and a later one does not replace it', () => {
    const l = new RequestLatencies();
    record(l, 1, [
      [1, 0, 0],
      [2, 1, 3],
    ]);
    l.answered(1, 1, 80 * MS);
    record(l, 1, [[4, 10, 16]]);
    // Clean: 0 and 2 ms (median 1); the windowed request: 6 ms.
    expect(l.faultLatencyMs([[12 * MS, 12 * MS]], 100 * MS)).toBe(5);
  });

  it('an unanswered request overlapping a window counts until the end of the run; one outside every window is not clean', () => {
    const l = new RequestLatencies();
    record(l, 1, [
      [1, 0, 4],
      [2, 10, 14],
      [3, 20, 24],
    ]);
    record(l, 1, [[4, 50, null]]); // outstanding from 50 ms to the end (200 ms)
    expect(l.faultLatencyMs([[60 * MS, 70 * MS]], 200 * MS)).toBe(150 - 4);
    const m = new RequestLatencies();
    record(m, 1, [
      [1, 0, 2],
      [2, 10, 14],
      [3, 100, 130], // in the window
      [4, 150, null], // arrives after the window: not clean, so the median stays 3 ms
    ]);
    expect(m.faultLatencyMs([[110 * MS, 120 * MS]], 200 * MS)).toBe(30 - 3);
  });

  it('windows are closed intervals: a request arriving at the window’s end or answered at its start overlaps it', () => {
    const l = new RequestLatencies();
    record(l, 1, [
      [1, 0, 2],
      [2, 10, 12],
      [3, 20, 22],
      [4, 40, 50], // answered exactly at the window's start (10 ms)
      [5, 60, 63], // arrives exactly at its end (3 ms)
      [6, 45, 49], // answered before it: clean (4 ms)
      [7, 61, 65], // arrives after it: clean (4 ms)
    ]);
    // Clean: 2, 2, 2, 4, 4 → median 2; worst overlapping: 10.
    expect(l.faultLatencyMs([[50 * MS, 60 * MS]], 100 * MS)).toBe(8);
    // Only the window [50.5, 59.5]: the requests at its edges are clean now (10, 3), the median 3, nothing overlaps.
    expect(l.faultLatencyMs([[50.5 * MS, 59.5 * MS]], 100 * MS)).toBeNull();
  });

  it('looks at every window', () => {
    const l = new RequestLatencies();
    record(l, 1, [
      [1, 0, 1],
      [2, 10, 11],
      [3, 20, 21],
      [4, 30, 38],
      [5, 60, 80],
    ]);
    expect(l.faultLatencyMs([[33 * MS, 34 * MS]], 100 * MS)).toBe(7);
    expect(
      l.faultLatencyMs(
        [
          [33 * MS, 34 * MS],
          [70 * MS, 70 * MS],
        ],
        100 * MS,
      ),
    ).toBe(19);
  });

  it('is null without windows, without a request in one, or without a clean request', () => {
    const l = new RequestLatencies();
    record(l, 1, [
      [1, 0, 1],
      [2, 10, 13],
    ]);
    expect(l.faultLatencyMs([], 100 * MS)).toBeNull();
    expect(l.faultLatencyMs([[50 * MS, 60 * MS]], 100 * MS)).toBeNull();
    expect(l.faultLatencyMs([[0, 20 * MS]], 100 * MS)).toBeNull();
    expect(new RequestLatencies().faultLatencyMs([[0, MS]], 100 * MS)).toBeNull();
  });

  it('keeps every request of a long run (beyond its initial capacity)', () => {
    const l = new RequestLatencies();
    // 3000 clean requests of 1 ms, then one of 50 ms in the window.
    for (let n = 0; n < 3000; n++) record(l, 1 + (n % 3), [[n, n, n + 1]]);
    record(l, 9, [[1, 5000, 5050]]);
    expect(l.faultLatencyMs([[5010 * MS, 5010 * MS]], 6000 * MS)).toBe(49);
    // The first request is still there: a window around it sees its 1 ms.
    expect(l.faultLatencyMs([[0.5 * MS, 0.5 * MS]], 6000 * MS)).toBe(0);
  });
});
