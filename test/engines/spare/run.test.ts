import { describe, expect, it } from 'vitest';
import { spareRun, type Rec, type SpareOutcome } from './rig.js';

describe('spare run: the replicas executing and kept paused', { timeout: 300_000 }, () => {
  // The update at 0.5 s wakes both shadows after its digest exchange: 1 ms unpause, 486 pages at 3.7 µs, 1 ms pause (remus-2008).
  it.each([0.505, 0.512, 0.5125, 0.513, 0.5135, 0.514, 0.515])('a shadow between two updates (woken to apply one) counts as kept paused — a crash at %f s', (atS) => {
    const r = spareRun({ 'faults.vmCrashAtS': atS, 'faults.targetHost': 0, 'run.durationS': 1.2 });
    const reps = r.series.replicas as Rec[];
    expect(reps[0]).toEqual({ timeS: 0, active: 2, passive: 2 });
    // Host 0's active replica is gone; both shadows are still passive.
    expect(reps.find((x) => x.timeS === atS)).toEqual({ timeS: atS, active: 1, passive: 2 });
    const a = (r.series.activations as Rec[])[0]!;
    // Activated, both shadows execute beside host 1's replica: three running, none paused.
    expect(Math.max(...reps.map((x) => x.active as number))).toBe(3);
    expect(reps.find((x) => x.active === 3)).toMatchObject({ passive: 0 });
    // Decided: host 0's shadow is its active replica, host 1's discarded; new shadows are still being made.
    const i3 = reps.findIndex((x) => x.active === 3);
    expect(reps.slice(i3 + 1).find((x) => (x.timeS as number) < (a.replacedAtS as number))).toMatchObject({ active: 2, passive: 0 });
    // Made: f + 1 active, f + 1 paused again.
    expect(reps.at(-1)).toEqual({ timeS: a.replacedAtS, active: 2, passive: 2 });
  });

  it('memory over a replacement: the two replaced VMs hold theirs until destroyed (10 ms), the two new shadows from the decision on', () => {
    const gib = 4 / 1024;
    const r = spareRun({ 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.3, 'run.durationS': 1.2 });
    expect(r.metrics.replacements).toBe(1);
    // Four 4 MiB VMs the whole run (the reference replica is not counted), plus two for remus-2008's vmDestroyNs.
    expect(r.metrics.memoryGiBSeconds).toBeCloseTo(4 * gib * 1.2 + 2 * gib * 0.01, 9);
  });

});
