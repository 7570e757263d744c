import { describe, expect, it } from 'vitest';
import { activationsOf, spareRun, WRITES_ONLY, type SpareOutcome } from './rig.js';

/** The properties every run below must keep whatever happened. */
function safe(r: SpareOutcome): void {
  expect(r.invariants).toMatchObject({ noWrongReply: true, repliesConsistent: true, shadowsConsistent: true, faultBoundHeld: true });
  expect(r.metrics.wrongReplies).toBe(0);
  expect(r.metrics.unansweredRequests).toBe(0);
  expect(r.metrics.serviceLost).toBe(false);
}

/** The activation's times are in order: suspicion, unpause, catch-up, decision, replacement. */
function ordered(a: ReturnType<typeof activationsOf>[number]): void {
  const t = [a.suspectedAtS, a.unpausedAtS, a.caughtUpAtS, a.decidedAtS, a.replacedAtS];
  for (const x of t) expect(x).not.toBeNull();
  for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1]!);
}

describe('spare activation: an update whose digests differ', { timeout: 120_000 }, () => {
  it('activates every shadow, compares the states of all replicas once caught up, and replaces the one whose state differs', () => {
    const r = spareRun({ ...WRITES_ONLY, 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'corrupt-state', 'faults.byzantineAtS': 0.35, 'run.durationS': 1.1 });
    safe(r);
    const acts = activationsOf(r);
    expect(acts).toHaveLength(1);
    const a = acts[0]!;
    // Writes only: the replies never differ, the next update's digests do.
    expect(a.cause).toBe('update-digest');
    // The fault strikes the highest host's replica: 2 active + 2 activated shadows, three equal states against one.
    expect(a.replica).toBe('1');
    ordered(a);
    // The comparison is taken once the shadows caught up, and decides before any new shadow exists.
    expect(a.decidedAtS!).toBeGreaterThan(a.caughtUpAtS!);
    expect(r.metrics.replacements).toBe(1);
    // Back to f + 1 active replicas and a paused shadow per host: a new shadow made for every host.
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 2, passive: 2 });
  });

  it('with f = 2 and two corrupted replicas (equal to each other), the larger class of equal states still wins and both are replaced', () => {
    const r = spareRun({ ...WRITES_ONLY, 'spare.f': 2, 'faults.byzantineReplicas': 2, 'faults.byzantineKind': 'corrupt-state', 'faults.byzantineAtS': 0.35, 'run.durationS': 1.1 });
    safe(r);
    const [a, ...rest] = activationsOf(r);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ cause: 'update-digest', replica: '1 2' });
    ordered(a!);
    expect(r.metrics.replacements).toBe(2);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 3, passive: 3 });
  });

  it('with f = 2 and one corrupted replica, only that one is found faulty', () => {
    const r = spareRun({ ...WRITES_ONLY, 'spare.f': 2, 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'corrupt-state', 'faults.byzantineAtS': 0.35, 'run.durationS': 1.1 });
    safe(r);
    const acts = activationsOf(r);
    expect(acts.map((a) => [a.cause, a.replica])).toEqual([['update-digest', '2']]);
    expect(r.metrics.replacements).toBe(1);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 3, passive: 3 });
  });
});

describe('spare activation: differing replies', { timeout: 120_000 }, () => {
  it('with f = 2 and two colluding wrong replicas, the activated shadows outvote them and both are replaced', () => {
    const r = spareRun({ 'spare.f': 2, 'faults.byzantineReplicas': 2, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.5, 'run.durationS': 1.4 });
    safe(r);
    const acts = activationsOf(r);
    expect(acts).toHaveLength(1);
    expect(acts[0]).toMatchObject({ cause: 'reply-mismatch', replica: '1 2' });
    ordered(acts[0]!);
    expect(r.metrics.replacements).toBe(2);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 3, passive: 3 });
  });

  it('a silent replica is suspected on a reply timeout and replaced', () => {
    const r = spareRun({ 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'silent', 'faults.byzantineAtS': 0.5, 'run.durationS': 1.4 });
    safe(r);
    const acts = activationsOf(r);
    expect(acts).toHaveLength(1);
    expect(acts[0]).toMatchObject({ cause: 'reply-timeout', replica: '1' });
    ordered(acts[0]!);
    expect(r.metrics.replacements).toBe(1);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 2, passive: 2 });
  });
});

describe('spare activation: crashes', { timeout: 120_000 }, () => {
  it('a host crash: nothing is found faulty, and the live host’s activated shadow stays active beside its replica so f + 1 replicas still run', () => {
    const r = spareRun({ 'faults.hostCrashAtS': 0.5, 'faults.targetHost': 0, 'run.durationS': 1.5 });
    safe(r);
    const acts = activationsOf(r);
    expect(acts).toHaveLength(1);
    expect(acts[0]).toMatchObject({ cause: 'reply-timeout', replica: 'none' });
    expect(r.metrics.replacements).toBe(0);
    // Host 0 is gone: host 1's replica and its activated shadow run, no shadow is kept paused.
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 2, passive: 0 });
  });

  it('a crashed active replica is found faulty (it gave no ballot) and replaced by its host’s shadow', () => {
    const r = spareRun({ 'faults.vmCrashAtS': 0.5, 'faults.targetHost': 0, 'run.durationS': 1.5 });
    safe(r);
    const acts = activationsOf(r);
    expect(acts.length).toBeGreaterThanOrEqual(1);
    expect(acts[0]!.replica).toBe('0');
    expect(r.metrics.replacements).toBe(1);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 2, passive: 2 });
  });
  it('a replica that crashes while an activation is making its new shadows is suspected on a timeout, and its suspicion is taken up once they exist', () => {
    // A second fault within the window (beyond f = 1): host 1's wrong replies are decided at once,
    // host 0's active replica crashes while the new shadows are still being made.
    const r = spareRun({ 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.7, 'faults.vmCrashAtS': 1, 'faults.targetHost': 0, 'spare.updateIntervalMs': 200, 'run.durationS': 1.9 });
    expect(r.invariants).toMatchObject({ noWrongReply: true, repliesConsistent: true, shadowsConsistent: true, faultBoundHeld: false });
    const [first, second, ...rest] = activationsOf(r);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ cause: 'reply-mismatch', replica: '1' });
    ordered(first!);
    expect(first!.decidedAtS!).toBeLessThan(1);
    expect(first!.replacedAtS!).toBeGreaterThan(1);
    // The crash's timed-out requests wait for the first activation, then activate its new shadows.
    expect(second).toMatchObject({ cause: 'reply-timeout', replica: '0', suspectedAtS: first!.replacedAtS });
    ordered(second!);
    expect(r.metrics.replacements).toBe(2);
    expect(r.metrics.serviceLost).toBe(false);
    expect(r.metrics.unansweredRequests).toBe(0);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 2, passive: 2 });
  });
});
