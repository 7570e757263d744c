import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../lib/sim/index.js';
import { Disk, VM, type PageMemory } from '../../../lib/vm/index.js';
import {
  ResourceLedger,
  ShadowReplica,
  UpdateProducer,
  writtenPages,
  type ApplyRecord,
  type StateUpdate,
} from '../../../lib/replication/shadow/index.js';
import { TEST_COSTS, contentMemory, fillPage, newHost, quietVm } from './helpers.js';

function setup(pages = 32) {
  const sim = new Simulation();
  const host = newHost();
  const ledger = new ResourceLedger();
  const active = contentMemory(pages);
  const producer = new UpdateProducer(active);
  const shadowMem = active.clone();
  ledger.vmUp('s0', shadowMem.sizeBytes, 0);
  const shadow = new ShadowReplica({ sim, id: 's0', host: 0, vm: quietVm(sim, host, shadowMem), costs: TEST_COSTS, meter: ledger });
  const update = (...pagesWritten: number[]): StateUpdate => {
    for (const p of pagesWritten) fillPage(active, p, sim.now + p);
    const u = producer.capture();
    producer.settle(true);
    return u;
  };
  return { sim, host, ledger, active, producer, shadow, update };
}

describe('ShadowReplica', () => {
  it('is paused from the start and makes no progress while paused', () => {
    const { sim, shadow } = setup();
    expect(shadow.state).toBe('paused');
    expect(shadow.vm.status).toBe('paused');
    expect(shadow.vm.vcpu.rate).toBe(0);
    shadow.vm.vcpu.submit(1000, () => {});
    sim.run(1_000_000);
    expect(shadow.vm.vcpu.progress).toBe(0);
    expect(shadow.pausedTimeNs()).toBe(1_000_000);
  });

  it('applies an update: unpause, copy its pages in the guest, pause again — with those costs', () => {
    const { sim, ledger, active, shadow, update } = setup();
    const u = update(3, 7, 8);
    let rec: ApplyRecord | null = null;
    shadow.apply(u, (r) => (rec = r));
    expect(shadow.state).toBe('waking');
    sim.run();
    expect(rec).toEqual({ seq: 1, pages: 3, requestedAt: 0, unpausedAt: 2_000, appliedAt: 2_300, pausedAt: 3_300 });
    expect(shadow.state).toBe('paused');
    expect(shadow.vm.status).toBe('paused');
    expect(shadow.appliedSeq).toBe(1);
    expect(shadow.vm.memory.firstDifference(active)).toBe(-1);
    expect(ledger.cpuSecondsFor('unpause')).toBe(2e-6);
    expect(ledger.cpuSecondsFor('apply')).toBe(3e-7);
    expect(ledger.cpuSecondsFor('pause')).toBe(1e-6);
    expect(shadow.pausedTimeNs()).toBe(0);
    sim.run(10_000);
    expect(shadow.pausedTimeNs()).toBe(10_000 - 3_300);
  });

  it('applies queued updates one after the other, in order, and refuses an old one', () => {
    const { sim, active, shadow, update } = setup();
    const recs: ApplyRecord[] = [];
    const u1 = update(1);
    const u2 = update(2, 3);
    shadow.apply(u1, (r) => recs.push(r));
    shadow.apply(u2, (r) => recs.push(r));
    expect(shadow.queued).toBe(1);
    expect(() => shadow.apply(u1)).toThrow(/update 1 after 2/);
    sim.run();
    expect(recs.map((r) => [r.seq, r.unpausedAt, r.pausedAt])).toEqual([
      [1, 2_000, 3_100],
      [2, 5_100, 6_300],
    ]);
    expect(shadow.vm.memory.firstDifference(active)).toBe(-1);
  });

  it('copying competes with a busy active replica on a shared core', () => {
    const { sim, host, shadow, update } = setup();
    const busy = new VM({ sim, host, memory: contentMemory(4), disk: new Disk(4), program: { advance() {}, snapshot: () => null, restore() {} }, cpuBound: true });
    expect(busy.running).toBe(true);
    let rec: ApplyRecord | null = null;
    shadow.apply(update(1, 2, 3, 4), (r) => (rec = r));
    sim.run();
    // 400 ns of copying at half a core take 800 ns.
    expect(rec!.appliedAt - rec!.unpausedAt).toBe(800);
  });

  it('refuses an update whose pages do not fit its memory', () => {
    const { shadow } = setup(8);
    const bad: StateUpdate = { seq: 1, pages: Int32Array.of(9), versions: Uint32Array.of(1), bytes: new Uint8Array(64), pageBytes: 64, digest: '' };
    expect(() => shadow.apply(bad)).toThrow(/page 9 outside 8 pages/);
    expect(() => shadow.apply({ ...bad, pages: Int32Array.of(1), bytes: new Uint8Array(3) })).toThrow(/3 bytes for 1 pages/);
    expect(() => shadow.apply({ ...bad, pageBytes: 32 })).toThrow(/32-byte pages/);
  });

  it('activation: unpause for good and apply the updates not yet applied', () => {
    const { sim, active, shadow, update } = setup();
    const u1 = update(1);
    shadow.apply(u1);
    sim.run();
    const u2 = update(2);
    const u3 = update(3, 4);
    let act: unknown = null;
    const t0 = sim.now;
    shadow.activate([u1, u2, u3], (r) => (act = r));
    sim.run();
    expect(act).toEqual({ startedAt: t0, unpausedAt: t0 + 2_000, caughtUpAt: t0 + 2_000 + 100 + 200, updatesApplied: 2 });
    expect(shadow.state).toBe('active');
    expect(shadow.vm.status).toBe('running');
    expect(shadow.vm.memory.firstDifference(active)).toBe(-1);
    expect(() => shadow.apply(update(5))).toThrow(/active/);
  });

  it('activation during a wake finishes that update, then stays up without a second unpause', () => {
    const { sim, active, shadow, update } = setup();
    const u1 = update(1);
    const u2 = update(2);
    const u3 = update(3);
    const recs: ApplyRecord[] = [];
    shadow.apply(u1, (r) => recs.push(r));
    shadow.apply(u2, (r) => recs.push(r));
    let act: { unpausedAt: number; caughtUpAt: number; updatesApplied: number } | null = null;
    sim.schedule(2_050, () => shadow.activate([u3], (r) => (act = r)));
    sim.run();
    expect(recs.map((r) => [r.seq, r.pausedAt])).toEqual([
      [1, -1],
      [2, -1],
    ]);
    // u1 was being copied (done at 2 100); then u2 and u3 follow at once, 100 ns each.
    expect(act).toEqual({ startedAt: 2_050, unpausedAt: 2_100, caughtUpAt: 2_300, updatesApplied: 2 });
    expect(shadow.vm.memory.firstDifference(active)).toBe(-1);
  });

  it('activation while pausing waits for the pause, then unpauses', () => {
    const { sim, shadow, update } = setup();
    shadow.apply(update(1));
    let act: { unpausedAt: number } | null = null;
    sim.schedule(2_500, () => shadow.activate([], (r) => (act = r)));
    sim.run();
    // paused at 3 100, unpaused again 2 000 later
    expect(act!.unpausedAt).toBe(5_100);
    expect(shadow.state).toBe('active');
  });

  it('restore: a new shadow from verified state, paused, after the restore cost; its memory counts from the start', () => {
    const sim = new Simulation();
    const host = newHost();
    const ledger = new ResourceLedger();
    const image = contentMemory(16);
    for (const p of [0, 5, 6]) fillPage(image, p, p);
    let made: ShadowReplica | null = null;
    sim.schedule(1_000, () =>
      ShadowReplica.restore(
        { sim, id: 'new', host: 1, costs: TEST_COSTS, meter: ledger, image, appliedSeq: 4, makeVm: (m: PageMemory) => quietVm(sim, host, m) },
        (s) => (made = s),
      ),
    );
    sim.run(1_000 + 7_299);
    expect(made).toBeNull();
    sim.run();
    expect(sim.now).toBe(1_000 + 7_000 + 3 * 100);
    expect(made!.state).toBe('paused');
    expect(made!.appliedSeq).toBe(4);
    expect(made!.vm.memory).not.toBe(image);
    expect(made!.vm.memory.firstDifference(image)).toBe(-1);
    expect(ledger.cpuSecondsOn(1)).toBeCloseTo(7.3e-6, 15);
    expect(ledger.memoryGiBSeconds(2_000 + 8_300)).toBeCloseTo((image.sizeBytes / 1024 ** 3) * 9_300e-9, 18);
  });

  it('save: an image of the paused shadow as of its last update, after the save cost', () => {
    const { sim, ledger, shadow, update } = setup();
    shadow.apply(update(1, 2));
    sim.run();
    const t0 = sim.now;
    let got: [PageMemory, number] | null = null;
    shadow.save((img, seq) => (got = [img, seq]));
    sim.run();
    expect(sim.now - t0).toBe(5_000 + 2 * 10);
    expect(got![1]).toBe(1);
    expect(got![0].firstDifference(shadow.vm.memory)).toBe(-1);
    expect(got![0]).not.toBe(shadow.vm.memory);
    expect(writtenPages(got![0])).toBe(2);
    expect(ledger.cpuSecondsFor('save')).toBeCloseTo(5.02e-6, 15);
  });

  it('discard: the VM stops, its memory stops counting after the destroy cost', () => {
    const { sim, ledger, shadow, update } = setup();
    shadow.apply(update(1));
    sim.run();
    const t0 = sim.now;
    shadow.discard();
    expect(shadow.vm.status).toBe('crashed');
    sim.run();
    expect(ledger.liveVms).toBe(0);
    const gibNs = shadow.vm.memory.sizeBytes / 1024 ** 3;
    expect(ledger.memoryGiBSeconds(t0 + 1e9)).toBeCloseTo((gibNs * (t0 + 300)) / 1e9, 18);
    expect(() => shadow.apply(update(2))).toThrow(/discarded/);
  });

  it('a discarded shadow drops its queued updates', () => {
    const { sim, shadow, update } = setup();
    const recs: ApplyRecord[] = [];
    shadow.apply(update(1), (r) => recs.push(r));
    shadow.apply(update(2), (r) => recs.push(r));
    sim.schedule(500, () => shadow.discard());
    sim.run();
    expect(recs).toEqual([]);
    expect(shadow.appliedSeq).toBe(0);
  });

  it('a shadow whose VM crashed with its host stops: a wake or an activation under way never resumes it', () => {
    const waking = setup();
    const recs: ApplyRecord[] = [];
    waking.shadow.apply(waking.update(1), (r) => recs.push(r));
    waking.sim.schedule(500, () => waking.shadow.vm.crash()); // during the 2 µs unpause
    waking.sim.run();
    expect(recs).toEqual([]);
    expect(waking.shadow.vm.status).toBe('crashed');
    const activating = setup();
    let act: unknown = null;
    activating.shadow.activate([activating.update(1)], (r) => (act = r));
    activating.sim.schedule(500, () => activating.shadow.vm.crash());
    activating.sim.run();
    expect(act).toBeNull();
    expect(activating.shadow.vm.status).toBe('crashed');
  });
});
