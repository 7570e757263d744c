import { describe, expect, it } from 'vitest';
import { spareRun, type Rec, type SpareOutcome } from './rig.js';

/** The `replicas` series entry recorded at `atS` (the first one). */
const replicasAt = (r: SpareOutcome, atS: number): Rec | undefined => (r.series.replicas as Rec[]).find((x) => x.timeS === atS);

describe('spare faults: what each crash takes down and records', { timeout: 120_000 }, () => {
  it('a crashed active replica: its host still keeps its shadow paused; the missing reply is suspected at the reply timeout and the replica found faulty', () => {
    const r = spareRun({ 'faults.vmCrashAtS': 0.7, 'faults.targetHost': 0 });
    expect(replicasAt(r, 0.7)).toEqual({ timeS: 0.7, active: 1, passive: 2 });
    const a = (r.series.activations as Rec[])[0]!;
    expect(a).toMatchObject({ faultAtS: 0.7, replica: '0', cause: 'reply-timeout' });
    // Suspected only after the 20 ms reply timeout.
    expect(a.suspectedAtS as number).toBeGreaterThanOrEqual(0.72);
    expect(r.metrics.replacements).toBe(1);
    expect(r.invariants).toMatchObject({ faultBoundHeld: true, noWrongReply: true, shadowsConsistent: true });
    expect(r.metrics.serviceLost).toBe(false);
  });

  it('a crashed replica manager: its host counts for nothing (neither its active replica nor its shadow)', () => {
    const r = spareRun({ 'faults.rmCrashAtS': 0.7, 'faults.targetHost': 1 });
    expect(replicasAt(r, 0.7)).toEqual({ timeS: 0.7, active: 1, passive: 1 });
    const a = (r.series.activations as Rec[])[0]!;
    // A crashed RM is no replica a vote finds faulty: nothing to replace.
    expect(a).toMatchObject({ faultAtS: 0.7, replica: 'none', cause: 'reply-timeout' });
    expect(r.metrics.replacements).toBe(0);
    // The surviving host's shadow stays activated beside its replica: f + 1 replicas keep executing.
    expect((r.series.replicas as Rec[]).at(-1)).toMatchObject({ active: 2, passive: 0 });
    expect(r.metrics.serviceLost).toBe(false);
  });

  it('a crashed host takes its active replica, its shadow and its RM; a crash of the service’s entry host is survived', () => {
    const r = spareRun({ 'faults.hostCrashAtS': 0.3, 'faults.targetHost': 0, 'run.durationS': 1.2 });
    expect(replicasAt(r, 0.3)).toEqual({ timeS: 0.3, active: 1, passive: 1 });
    const a = (r.series.activations as Rec[])[0]!;
    expect(a).toMatchObject({ faultAtS: 0.3, replica: 'none', cause: 'reply-timeout' });
    expect(r.metrics.unansweredRequests).toBe(0);
    expect(r.invariants).toMatchObject({ faultBoundHeld: true, noWrongReply: true });
    expect(r.metrics.serviceLost).toBe(false);
    // The service goes on through host 1: requests are answered well after the crash.
    const alone = spareRun({ 'run.durationS': 0.3 });
    expect(r.metrics.opsCompleted as number).toBeGreaterThan(2 * (alone.metrics.opsCompleted as number));
  });

  it('a Byzantine fault strikes a live replica: after host 1 crashed it is host 0’s — two faulty replicas, beyond f = 1', () => {
    const r = spareRun({ 'faults.hostCrashAtS': 0.3, 'faults.targetHost': 1, 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.7, 'run.durationS': 1.2 });
    expect(r.invariants.faultBoundHeld).toBe(false);
    const alone = spareRun({ 'faults.hostCrashAtS': 0.3, 'faults.targetHost': 1, 'run.durationS': 1.2 });
    expect(alone.invariants.faultBoundHeld).toBe(true);
  });
  it('a crashed host’s two VMs stop holding memory at the crash', () => {
    // Four 4 MiB VMs for 1.2 s; host 1's active replica and shadow go at 0.3 s, and nothing is replaced
    // (host 0's activated shadow stays running beside its replica, a VM that already existed).
    const gib = 4 / 1024;
    const r = spareRun({ 'faults.hostCrashAtS': 0.3, 'faults.targetHost': 1, 'run.durationS': 1.2 });
    expect(r.metrics.replacements).toBe(0);
    expect(r.metrics.memoryGiBSeconds).toBeCloseTo(4 * gib * 1.2 - 2 * gib * (1.2 - 0.3), 9);
  });

});
