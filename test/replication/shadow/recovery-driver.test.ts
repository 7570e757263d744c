import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../lib/sim/index.js';
import type { PageMemory, VM } from '../../../lib/vm/index.js';
import {
  ProactiveRecovery,
  RECOVERY_STEPS,
  ResourceLedger,
  ShadowConsistency,
  ShadowReplica,
  VerifiedUpdates,
  faultBoundHeld,
  recoveryReplacements,
  type RecoveryRecord,
} from '../../../lib/replication/shadow/index.js';
import { TEST_COSTS, contentMemory, fillPage, newHost, quietVm } from './helpers.js';

interface Plan {
  readonly f: number;
  readonly updateNs: number;
  readonly recoveryNs: number;
  readonly writes: ReadonlyArray<{ at: number; page: number; seed: number }>;
}

const END = 400_000;

/**
 * f + 1 hosts, a deterministic "service" (timed page writes to every active replica and to a
 * fault-free reference), verified updates every `updateNs`, proactive recovery every `recoveryNs`.
 * The engine's part of step 4 — re-executing the requests since the activated shadow's last update —
 * replays the writes after that update's point onto the new active replica.
 */
function run(plan: Plan) {
  const sim = new Simulation();
  const ledger = new ResourceLedger();
  const n = plan.f + 1;
  const reference = contentMemory(32);
  fillPage(reference, 0, 1);
  const hosts = Array.from({ length: n }, (_, i) => {
    const hw = newHost(`h${i}`);
    const active = quietVm(sim, hw, reference.clone(), `a${i}`);
    ledger.vmUp(`a${i}`, active.memory.sizeBytes, 0);
    ledger.vmUp(`s${i}`, active.memory.sizeBytes, 0);
    const shadow = new ShadowReplica({ sim, id: `s${i}`, host: i, vm: quietVm(sim, hw, reference.clone(), `s${i}`), costs: TEST_COSTS, meter: ledger });
    return { hw, active, shadow };
  });
  const checks = hosts.map((h) => new ShadowConsistency(reference, h.shadow.vm.memory));
  let suspicions = 0;
  const vu = new VerifiedUpdates({
    sim,
    f: plan.f,
    hosts,
    costs: TEST_COSTS,
    meter: ledger,
    transport: { send: (_from, _to, _bytes, deliver) => void sim.schedule(200, deliver) },
    digestTimeoutNs: 50_000,
    checks,
    onSuspicion: () => suspicions++,
  });
  const done: Array<{ at: number; page: number; seed: number }> = [];
  for (const w of plan.writes)
    sim.at(w.at, () => {
      fillPage(reference, w.page, w.seed);
      for (let i = 0; i < n; i++) fillPage(vu.host(i).active.memory, w.page, w.seed);
      done.push(w);
    });
  for (let t = plan.updateNs; t <= END; t += plan.updateNs) sim.at(t, () => vu.point());
  const switched: number[] = [];
  const recovered: RecoveryRecord[] = [];
  const recovery = new ProactiveRecovery({
    sim,
    costs: TEST_COSTS,
    meter: ledger,
    updates: vu,
    intervalNs: plan.recoveryNs,
    activeIds: hosts.map((_, i) => `a${i}`),
    makeVm: (i: number, m: PageMemory, id: string) => quietVm(sim, hosts[i]!.hw, m, id),
    switchExecution: (i: number, _from: VM, to: VM, seq: number, next: () => void) => {
      expect(vu.host(i).active).toBe(to);
      const since = seq === 0 ? -1 : vu.records.find((r) => r.seq === seq)!.at;
      for (const w of done) if (w.at > since) fillPage(to.memory, w.page, w.seed);
      switched.push(i);
      next();
    },
    onRecovered: (r) => recovered.push(r),
  });
  recovery.start();
  sim.schedule(END - plan.recoveryNs / 2, () => recovery.stop());
  sim.run();
  // quiesce: one more update after everything settled
  vu.point();
  sim.run();
  return { sim, ledger, vu, recovery, recovered, switched, suspicions, reference, checks };
}

describe('ProactiveRecovery', () => {
  it('renews host after host with the five steps on real VMs; every shadow and active ends equal to the reference', () => {
    const writes = Array.from({ length: 60 }, (_, k) => ({ at: 1_000 + k * 6_000, page: (k * 7) % 32, seed: k + 1 }));
    const r = run({ f: 1, updateNs: 10_000, recoveryNs: 60_000, writes });
    expect(r.recovered.map((x) => x.host)).toEqual([0, 1, 0, 1, 0, 1]);
    for (const rec of r.recovered) expect(rec.stepDoneAtS).toHaveLength(RECOVERY_STEPS.length);
    expect(r.suspicions).toBe(0);
    expect(r.vu.records.every((x) => x.accepted.every(Boolean))).toBe(true);
    for (let i = 0; i < 2; i++) {
      const h = r.vu.host(i);
      expect(h.active.memory.firstDifference(r.reference)).toBe(-1);
      expect(h.shadow.vm.memory.firstDifference(r.reference)).toBe(-1);
      expect(h.shadow.state).toBe('paused');
      expect(h.active.running).toBe(true);
    }
    // the original shadows were consistent for as long as they were shadows
    expect(r.checks.every((c) => c.consistent)).toBe(true);
    // two VMs per host in the end; the extra ones existed only during recoveries
    expect(r.ledger.liveVms).toBe(4);
    const size = r.reference.sizeBytes / 1024 ** 3;
    expect(r.ledger.memoryGiBSeconds(r.sim.now)).toBeGreaterThan((4 * size * r.sim.now) / 1e9);
    expect(r.ledger.cpuSecondsFor('save')).toBeGreaterThan(0);
    expect(r.ledger.cpuSecondsFor('restore')).toBeGreaterThan(0);
    expect(r.ledger.cpuSecondsFor('destroy')).toBeCloseTo((6 * TEST_COSTS.vmDestroyNs) / 1e9, 15);
  });

  it('step timing: save, restore, catch-up and destroy costs follow one another', () => {
    const r = run({ f: 1, updateNs: 20_000, recoveryNs: 100_000, writes: [{ at: 5_000, page: 3, seed: 9 }] });
    const first = r.recovered[0]!;
    const [saved, created, activated, switched, discarded] = first.stepDoneAtS.map((t) => Math.round(t * 1e9));
    expect(first.startedAtS).toBe(100_000 / 1e9);
    // page 0 and 3 written: a save copies 2 pages, a restore copies them in
    expect(saved).toBe(100_000 + TEST_COSTS.vmSaveNs + 2 * TEST_COSTS.pageCopyNsPerPage);
    expect(created).toBe(saved! + TEST_COSTS.vmCreateNs + 2 * TEST_COSTS.applyNsPerPage);
    expect(activated).toBe(created! + TEST_COSTS.unpauseNs);
    expect(switched).toBe(activated);
    expect(discarded).toBe(switched! + TEST_COSTS.vmDestroyNs);
  });

  it('property: whatever the timing, the group keeps accepting updates and ends consistent; replacements clear faults', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 8_000, max: 30_000 }),
        fc.integer({ min: 40_000, max: 120_000 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: END }), page: fc.integer({ min: 0, max: 31 }), seed: fc.nat() }), { maxLength: 60 }),
        (f, updateNs, recoveryNs, writes) => {
          const r = run({ f, updateNs, recoveryNs, writes });
          expect(r.suspicions).toBe(0);
          for (let i = 0; i <= f; i++) {
            expect(r.vu.host(i).active.memory.firstDifference(r.reference)).toBe(-1);
            expect(r.vu.host(i).shadow.vm.memory.firstDifference(r.reference)).toBe(-1);
          }
          expect(r.recovered.map((x) => x.host)).toEqual(r.recovered.map((_, k) => k % (f + 1)));
          // a fault on every host's first replica is gone once each host has been renewed
          const replacements = recoveryReplacements(r.recovery.state);
          const faults = Array.from({ length: f + 1 }, (_, h) => ({ host: h, atS: 0 }));
          const renewedAll = new Set(r.recovered.map((x) => x.host)).size === f + 1;
          if (renewedAll) expect(faultBoundHeld(faults.slice(0, f), f, recoveryNs / 1e9, replacements)).toBe(true);
          expect(faultBoundHeld(faults, f, recoveryNs / 1e9, replacements)).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });
});
