import { describe, expect, it } from 'vitest';
import { spareRun, type Rec, type SpareOutcome } from './rig.js';

/** The update metrics follow from the `updates` series, and every update point is an update or a skipped point. */
function expectUpdatesConsistent(r: SpareOutcome, intervalS: number, durationS: number): void {
  const ups = r.series.updates as Rec[];
  expect(r.metrics.updates).toBe(ups.length);
  expect(r.metrics.updatesAccepted).toBe(ups.filter((u) => u.accepted === true).length);
  expect(r.metrics.updatePagesMean).toBeCloseTo(ups.reduce((x, u) => x + (u.pages as number), 0) / ups.length, 9);
  ups.forEach((u, i) => {
    expect(u.seq).toBe(i + 1);
    // Taken at a point (a multiple of the interval), after the barrier: within the reply timeout (20 ms).
    const k = Math.floor((u.atS as number) / intervalS + 1e-9);
    expect(k).toBeGreaterThanOrEqual(1);
    expect((u.atS as number) - k * intervalS).toBeLessThan(0.02);
  });
  // The last point may still be waiting for its barrier when the run ends.
  const points = Math.round(durationS / intervalS);
  expect(r.metrics.updates + r.metrics.updatePointsSkipped).toBeGreaterThanOrEqual(points - 1);
  expect(r.metrics.updates + r.metrics.updatePointsSkipped).toBeLessThanOrEqual(points);
}

describe('spare report: metrics and series from the model’s rules', { timeout: 120_000 }, () => {
  it('fault-free: the update metrics follow the updates series, no point skipped, nothing lost', () => {
    const r = spareRun({ 'spare.updateIntervalMs': 200, 'run.durationS': 1.2 });
    expectUpdatesConsistent(r, 0.2, 1.2);
    expect(r.metrics.updatePointsSkipped).toBe(0);
    expect(r.metrics.serviceLost).toBe(false);
    expect(r.metrics).toMatchObject({ activations: 0, suspicions: 0, replacements: 0, recoveries: 0 });
    expect(r.metrics).not.toHaveProperty('activationMs');
    expect(r.metrics).not.toHaveProperty('faultLatencyMs');
    // The first update carries the whole loaded store; later ones only what requests wrote since.
    const ups = r.series.updates as Rec[];
    for (const u of ups.slice(1)) expect(u.pages as number).toBeLessThan(ups[0]!.pages as number);
  });

  it('a second fault while the first is being replaced: each activation names the fault before its suspicion', () => {
    // Host 1's replica replies wrongly at 0.7 s (replaced by its shadow), host 0's replica crashes at 1.0 s.
    const r = spareRun({ 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.7, 'faults.vmCrashAtS': 1.0, 'faults.targetHost': 0, 'run.durationS': 1.6, 'spare.updateIntervalMs': 200 });
    expectUpdatesConsistent(r, 0.2, 1.6);
    const acts = r.series.activations as Rec[];
    expect(acts.length).toBe(r.metrics.activations);
    const [a, b] = acts;
    // The crash at 1.0 s comes after the first activation's suspicion: its fault is the one at 0.7 s.
    expect(a).toMatchObject({ faultAtS: 0.7, replica: '1', cause: 'reply-mismatch' });
    // The crash's suspicion waits for the first activation to end; its fault is the crash.
    expect(b).toMatchObject({ faultAtS: 1, replica: '0', cause: 'reply-timeout' });
    expect(r.metrics.replacements).toBe(2);
    // activationMs: from the suspicion until every activated shadow's reply is in — after catching up, by the decision.
    const bounds = acts.map((x) => [((x.caughtUpAtS as number) - (x.suspectedAtS as number)) * 1000, ((x.decidedAtS as number) - (x.suspectedAtS as number)) * 1000]);
    expect(r.metrics.activationMs!).toBeGreaterThanOrEqual((bounds[0]![0]! + bounds[1]![0]!) / 2 - 1e-9);
    expect(r.metrics.activationMs!).toBeLessThanOrEqual((bounds[0]![1]! + bounds[1]![1]!) / 2 + 1e-9);
    // Two distinct faulty replicas in a run without proactive recovery (one window, f = 1).
    expect(r.invariants.faultBoundHeld).toBe(false);
    expect(r.metrics.serviceLost).toBe(false);
  });

  it('serviceLost: fewer than f + 1 replicas executing at the end, as the replicas series says', () => {
    // Recoveries back to back (a 0.5 s period, shorter than one recovery) hold every suspicion back:
    // host 0's crash leaves one replica executing, and no activation replaces it (docs/spare.md).
    const r = spareRun({ 'spare.recoveryIntervalS': 0.5, 'faults.hostCrashAtS': 1.0, 'faults.targetHost': 0, 'run.durationS': 1.6, 'spare.updateIntervalMs': 200 });
    expect(r.series.activations).toEqual([]);
    const last = r.series.replicas!.at(-1) as Rec;
    expect(last.active as number).toBeLessThan(2);
    expect(r.metrics.serviceLost).toBe(true);
    const fine = spareRun({ 'faults.hostCrashAtS': 1.0, 'faults.targetHost': 0, 'run.durationS': 1.6, 'spare.updateIntervalMs': 200 });
    expect((fine.series.replicas!.at(-1) as Rec).active as number).toBeGreaterThanOrEqual(2);
    expect(fine.metrics.serviceLost).toBe(false);
  });

  it('a replica found faulty is named by host; several in ascending order, separated by spaces', () => {
    const r = spareRun({ 'spare.f': 2, 'faults.byzantineReplicas': 2, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.7, 'run.durationS': 1.5 });
    const acts = r.series.activations as Rec[];
    // The highest hosts turn faulty first: hosts 1 and 2 of 0, 1, 2.
    expect(acts[0]).toMatchObject({ faultAtS: 0.7, replica: '1 2', cause: 'reply-mismatch' });
    expect(r.metrics.replacements).toBe(2);
    expect(r.metrics.serviceLost).toBe(false);
    expect(r.invariants.faultBoundHeld).toBe(true);
    // New shadows are made (stock Xen restore: 550 ms) after the decision; an update point meanwhile is skipped.
    expect((acts[0]!.replacedAtS as number) - (acts[0]!.decidedAtS as number)).toBeGreaterThan(0.55);
    expectUpdatesConsistent(r, 0.5, 1.5);
    for (const u of r.series.updates as Rec[]) expect((u.atS as number) < (acts[0]!.suspectedAtS as number) || (u.atS as number) > (acts[0]!.replacedAtS as number)).toBe(true);
    expect(r.metrics.updatePointsSkipped).toBeGreaterThanOrEqual(1);
  });

  it('a crashed host is no replica found faulty: the activation it causes names none', () => {
    const r = spareRun({ 'faults.hostCrashAtS': 0.3, 'faults.targetHost': 1, 'run.durationS': 1.2 });
    const acts = r.series.activations as Rec[];
    expect(acts.length).toBe(1);
    expect(acts[0]).toMatchObject({ faultAtS: 0.3, replica: 'none', cause: 'reply-timeout' });
    expect(r.metrics.replacements).toBe(0);
    expect(r.invariants.faultBoundHeld).toBe(true);
    expect(r.metrics.serviceLost).toBe(false);
  });

  it('proactive recovery: one record per completed recovery, due every interval, done after a save and a VM creation', () => {
    const r = spareRun({ 'spare.recoveryIntervalS': 1, 'run.durationS': 2.5 });
    const recs = r.series.recoveries as Rec[];
    expect(r.metrics.recoveries).toBe(recs.length);
    // Host 0's recovery falls due at 1 s and completes; host 1's (due at 2 s) is still running at 2.5 s.
    expect(recs.length).toBe(1);
    expect(recs[0]).toMatchObject({ host: 0, dueAtS: 1, startedAtS: 1 });
    // remus-2008: a 128 ms save and a 550 ms VM creation at least.
    expect(recs[0]!.doneAtS as number).toBeGreaterThan(1 + 0.128 + 0.55);
    expect(recs[0]!.doneAtS as number).toBeLessThan(2);
    expect(r.metrics.replacements).toBe(1);
    expectUpdatesConsistent(r, 0.5, 2.5);
    // The point at 2.5 s is still undecided when the run ends.
    expect((r.series.updates as Rec[]).at(-1)).toMatchObject({ atS: 2.5, accepted: false });
  });
  it('two activations: activationMs is their mean; one still making new shadows at the end has no replacement time', () => {
    // f = 2: host 2's replica replies wrongly at 0.3 s, host 0's replica crashes at 1.1 s.
    const r = spareRun({ 'spare.f': 2, 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.3, 'faults.vmCrashAtS': 1.1, 'faults.targetHost': 0, 'run.durationS': 1.5 });
    const acts = r.series.activations as Rec[];
    expect(acts.map((a) => [a.faultAtS, a.replica, a.cause])).toEqual([
      [0.3, '2', 'reply-mismatch'],
      [1.1, '0', 'reply-timeout'],
    ]);
    // The second one's new shadows (a 550 ms creation) are not made by 1.5 s.
    expect(acts[1]!.replacedAtS).toBeNull();
    expect(acts[1]!.decidedAtS as number).toBeGreaterThan(acts[1]!.suspectedAtS as number);
    const mean = (k: string): number => (acts.reduce((x, a) => x + (a[k] as number) - (a.suspectedAtS as number), 0) / acts.length) * 1000;
    expect(r.metrics.activationMs!).toBeGreaterThanOrEqual(mean('caughtUpAtS') - 1e-9);
    expect(r.metrics.activationMs!).toBeLessThanOrEqual(mean('decidedAtS') + 1e-9);
    expect(r.metrics.serviceLost).toBe(false);
    expect(r.invariants.faultBoundHeld).toBe(true);
    // A request outstanding at the crash waits for the 20 ms reply timeout: the fault latency is at least that
    // much above the (sub-millisecond) median of the requests no fault touched.
    expect(r.metrics.faultLatencyMs!).toBeGreaterThan(19);
    expect(r.metrics.faultLatencyMs!).toBeLessThan(40);
  });

});
