import { describe, expect, it } from 'vitest';
import { spareRun, type Rec, type SpareOutcome as Outcome } from './rig.js';

/** A short spare run (rig.ts), an update point every 200 ms. */
const spare = (params: Record<string, number | string | boolean>): Outcome => spareRun({ 'spare.updateIntervalMs': 200, ...params });

describe('spare verified updates in the engine', { timeout: 120_000 }, () => {
  it.each([
    ['host', 'faults.hostCrashAtS', 0],
    ['host', 'faults.hostCrashAtS', 1],
    ['replica manager', 'faults.rmCrashAtS', 1],
  ] as const)('digests missing only from a host whose %s is down are no suspicion; its refused pages accumulate (%s, host %i)', (_what, key, host) => {
    const r = spare({ [key]: 0.3, 'faults.targetHost': host });
    const acts = r.series.activations as Rec[];
    // The crash's missing replies activate the shadows once; no update round adds a suspicion of its own.
    expect(acts.length).toBe(1);
    expect(acts.every((a) => a.cause !== 'update-digest')).toBe(true);
    const ups = r.series.updates as Rec[];
    // Before the crash: accepted. After it only f = 1 digest remains: nothing accepted, and every
    // update carries the pages of the refused ones before it.
    expect(ups[0]).toMatchObject({ atS: 0.2, accepted: true });
    const after = ups.filter((u) => (u.atS as number) > 0.3);
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const u of after) expect(u.accepted).toBe(false);
    for (let i = 1; i < after.length; i++) expect(after[i]!.pages as number).toBeGreaterThanOrEqual(after[i - 1]!.pages as number);
    expect(r.invariants).toMatchObject({ shadowsConsistent: true, noWrongReply: true, faultBoundHeld: true });
    expect(r.metrics.unansweredRequests).toBe(0);
  });

  it('update points are skipped while an activation runs (until its new shadows are made); the new shadows are checked from the next point', () => {
    const r = spare({ 'faults.vmCrashAtS': 0.3, 'faults.targetHost': 0, 'run.durationS': 1.2 });
    const a = (r.series.activations as Rec[])[0]!;
    const ups = r.series.updates as Rec[];
    const during = (t: number): boolean => t >= (a.suspectedAtS as number) && t <= (a.replacedAtS as number);
    expect(ups.filter((u) => during(u.atS as number))).toEqual([]);
    // Points at 0.4 … 0.8 s fall in the activation (0.32 s … ≈ 0.88 s, a 550 ms VM creation): skipped.
    const inside = [0.4, 0.6, 0.8].filter(during).length;
    expect(inside).toBe(3);
    expect(r.metrics.updatePointsSkipped).toBe(inside);
    expect(r.metrics.updates + r.metrics.updatePointsSkipped).toBeGreaterThanOrEqual(5);
    // The two original shadows, then the two made from verified state, each checked after an update it applied.
    expect(r.metrics.shadowsChecked).toBe(4);
    expect(ups.filter((u) => (u.atS as number) > (a.replacedAtS as number) && u.accepted === true).length).toBeGreaterThanOrEqual(1);
    expect(r.invariants.shadowsConsistent).toBe(true);
  });
  it('an update point whose barrier is not reached in time is skipped, and the suspicion the barrier held back is taken up when it gives up', () => {
    // Host 0's replica crashes 10 ms before the point at 0.4 s: the requests it leaves unanswered keep
    // the barrier from standing; their reply timeout (20 ms) falls while it waits.
    const r = spare({ 'faults.vmCrashAtS': 0.39, 'faults.targetHost': 0 });
    const [a, ...rest] = r.series.activations as Rec[];
    expect(rest).toEqual([]);
    // The barrier waits one reply timeout (0.40 … 0.42 s), then the held-back suspicion activates the shadows.
    expect(a).toMatchObject({ cause: 'reply-timeout', replica: '0' });
    expect(a!.suspectedAtS as number).toBeCloseTo(0.42, 9);
    const ups = r.series.updates as Rec[];
    expect(ups.map((u) => u.atS)).toEqual([0.2, 1]);
    // 0.4 s: the barrier gave up; 0.6 and 0.8 s: the activation was making its new shadows.
    expect(r.metrics.updatePointsSkipped).toBe(3);
    expect(r.invariants).toMatchObject({ shadowsConsistent: true, noWrongReply: true, faultBoundHeld: true });
    expect(r.metrics.serviceLost).toBe(false);
  });
});
