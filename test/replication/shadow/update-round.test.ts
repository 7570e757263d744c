import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../lib/sim/index.js';
import { Disk, VM } from '../../../lib/vm/index.js';
import {
  ResourceLedger,
  ShadowConsistency,
  ShadowReplica,
  VerifiedUpdates,
  capturePauseNs,
  digestCpuNs,
  type UpdateDecision,
} from '../../../lib/replication/shadow/index.js';
import { TEST_COSTS, contentMemory, fillPage, newHost, quietVm } from './helpers.js';

const LATENCY = 500;

/** n hosts whose actives are CPU-bound (so a capture's pause shows in their progress). */
function group(n: number, f: number, opts: { withChecks?: boolean; timeoutNs?: number } = {}) {
  const sim = new Simulation();
  const ledger = new ResourceLedger();
  const sent: Array<{ from: number; to: number; bytes: number }> = [];
  const hosts = Array.from({ length: n }, (_, i) => {
    const host = newHost(`h${i}`);
    const mem = contentMemory(32);
    fillPage(mem, 0, 1);
    const active = new VM({ sim, host, memory: mem, disk: new Disk(4), program: { advance() {}, snapshot: () => null, restore() {} }, cpuBound: true, name: `a${i}` });
    const shadow = new ShadowReplica({ sim, id: `s${i}`, host: i, vm: quietVm(sim, newHost(`x${i}`), mem.clone()), costs: TEST_COSTS, meter: ledger });
    return { active, shadow };
  });
  const checks = opts.withChecks ? hosts.map((h) => new ShadowConsistency(hosts[0]!.active.memory, h.shadow.vm.memory)) : undefined;
  const suspicions: Array<[number, number, UpdateDecision]> = [];
  const vu = new VerifiedUpdates({
    sim,
    f,
    hosts,
    costs: TEST_COSTS,
    meter: ledger,
    transport: {
      send(from, to, bytes, deliver) {
        sent.push({ from, to, bytes });
        sim.schedule(LATENCY, deliver);
      },
    },
    digestTimeoutNs: opts.timeoutNs ?? 10_000,
    checks,
    onSuspicion: (h, seq, d) => suspicions.push([h, seq, d]),
  });
  const writeAll = (page: number, seed: number): void => hosts.forEach((h) => fillPage(h.active.memory, page, seed));
  return { sim, ledger, hosts, vu, sent, suspicions, writeAll };
}

describe('VerifiedUpdates', () => {
  it('f + 1 agreeing actives: capture pause, digest, one exchange, then every shadow applies its own payload', () => {
    const { sim, ledger, hosts, vu, sent, suspicions, writeAll } = group(2, 1);
    writeAll(3, 7);
    writeAll(4, 8);
    vu.point();
    sim.run();
    // the kernel keeps integer nanoseconds: each delay is rounded
    const pause = Math.round(capturePauseNs(TEST_COSTS, 2));
    const digest = Math.round(digestCpuNs(TEST_COSTS, 2 * 64));
    const rec = vu.records[0]!;
    expect(rec.pages).toEqual([2, 2]);
    expect(rec.decidedAt).toEqual([pause + digest + LATENCY, pause + digest + LATENCY]);
    expect(rec.accepted).toEqual([true, true]);
    expect(rec.fetched).toEqual([]);
    // only digests crossed hosts
    expect(sent.map((m) => m.bytes)).toEqual([96, 96]);
    for (const h of hosts) expect(h.shadow.vm.memory.firstDifference(h.active.memory)).toBe(-1);
    expect(rec.appliedAt[0]).toBe(rec.decidedAt[0]! + TEST_COSTS.unpauseNs + 2 * TEST_COSTS.applyNsPerPage + TEST_COSTS.pauseNs);
    expect(suspicions).toEqual([]);
    // the actives were suspended for the capture: a CPU-bound guest lost exactly that time
    expect(hosts[0]!.active.vcpu.progress).toBe(sim.now - pause);
    expect(ledger.cpuSecondsFor('capture')).toBeCloseTo((2 * pause) / 1e9, 15);
    expect(ledger.cpuSecondsFor('digest')).toBeCloseTo((2 * digestCpuNs(TEST_COSTS, 128)) / 1e9, 15);
  });

  it('differing digests among f + 1: nothing applied, a suspicion at every RM, pages carried to the next round', () => {
    const { sim, hosts, vu, suspicions, writeAll } = group(2, 1);
    writeAll(3, 7);
    fillPage(hosts[1]!.active.memory, 9, 666); // a corrupt-state fault on host 1
    vu.point();
    sim.run();
    expect(vu.records[0]!.accepted).toEqual([false, false]);
    expect(suspicions.map(([h, seq]) => [h, seq]).sort()).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(hosts[0]!.shadow.appliedSeq).toBe(0);
    // the fault is repaired by hand; the next update carries page 3 too
    fillPage(hosts[0]!.active.memory, 9, 666);
    vu.point();
    sim.run();
    expect(vu.records[1]!.accepted).toEqual([true, true]);
    expect(vu.records[1]!.pages).toEqual([2, 2]);
    for (const h of hosts) expect(h.shadow.vm.memory.firstDifference(h.active.memory)).toBe(-1);
  });

  it('with a third replica taking part, a host whose active is in the minority fetches the pages and checks them', () => {
    const { sim, hosts, vu, sent, suspicions, writeAll } = group(3, 1);
    writeAll(5, 1);
    fillPage(hosts[2]!.active.memory, 6, 2); // host 2's active is faulty
    vu.point();
    sim.run();
    const rec = vu.records[0]!;
    expect(rec.accepted).toEqual([true, true, true]);
    expect(rec.fetched).toEqual([2]);
    expect(rec.refused).toEqual([]);
    expect(sent.filter((m) => m.bytes > 96)).toEqual([{ from: 0, to: 2, bytes: 128 + 64 + 4 }]);
    // host 2's shadow got the verified state, not its active's
    expect(hosts[2]!.shadow.vm.memory.firstDifference(hosts[0]!.active.memory)).toBe(-1);
    expect(hosts[2]!.shadow.vm.memory.firstDifference(hosts[2]!.active.memory)).toBe(6);
    expect(suspicions.map(([h]) => h).sort()).toEqual([0, 1, 2]);
  });

  it('a crashed host: the others time out on its digest, accept nothing and suspect', () => {
    const { sim, hosts, vu, suspicions, writeAll } = group(2, 1, { timeoutNs: 20_000 });
    hosts[1]!.active.crash();
    writeAll(2, 2);
    vu.point();
    sim.run();
    const rec = vu.records[0]!;
    const ready = Math.round(capturePauseNs(TEST_COSTS, 1)) + Math.round(digestCpuNs(TEST_COSTS, 64));
    expect(rec.decidedAt).toEqual([ready + 20_000, -1]);
    expect(rec.accepted).toEqual([false, false]);
    expect(suspicions.map(([h, , d]) => [h, d.missing])).toEqual([[0, [1]]]);
  });

  it('an active destroyed after its capture still has its digest sent; a host that dies mid-round does not', () => {
    const a = group(2, 1);
    a.writeAll(2, 2);
    a.vu.point();
    a.hosts[1]!.active.crash(); // the pages are already in domain 0
    a.sim.run();
    expect(a.vu.records[0]!.accepted).toEqual([true, true]);
    const b = group(2, 1, { timeoutNs: 20_000 });
    b.writeAll(2, 2);
    b.vu.point();
    b.vu.hostDown(1);
    b.sim.run();
    expect(b.vu.records[0]!.accepted).toEqual([false, false]);
    expect(b.vu.records[0]!.decidedAt[1]).toBe(-1);
    expect(b.suspicions.map(([h, , d]) => [h, d.missing])).toEqual([[0, [1]]]);
  });

  it('a point that comes while a round is undecided is skipped', () => {
    const { sim, vu } = group(2, 1);
    vu.point();
    sim.schedule(100, () => vu.point());
    sim.run();
    expect(vu.skipped).toBe(1);
    expect(vu.records).toHaveLength(1);
    vu.point();
    sim.run();
    expect(vu.records.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('refuses fewer than f + 1 hosts', () => {
    expect(() => group(1, 1)).toThrow(/at least f \+ 1 = 2 hosts, got 1/);
  });

  it('property: under random writes and update intervals every shadow stays consistent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 3_000, max: 30_000 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 150_000 }), page: fc.integer({ min: 0, max: 31 }), seed: fc.nat() }), { maxLength: 80 }),
        (f, interval, writes) => {
          const { sim, hosts, vu, writeAll } = group(f + 1, f, { withChecks: true });
          for (const w of writes) sim.at(w.at, () => writeAll(w.page, w.seed));
          for (let t = interval; t <= 150_000; t += interval) sim.at(t, () => vu.point());
          sim.run();
          expect(vu.shadowsConsistent).toBe(true);
          const applied = vu.records.filter((r) => r.appliedAt.every((a) => a >= 0));
          expect(applied.length).toBe(vu.records.length);
          expect(vu.records.length + vu.skipped).toBe(Math.floor(150_000 / interval));
          const last = vu.records[vu.records.length - 1];
          if (last !== undefined) for (const h of hosts) expect(h.shadow.appliedSeq).toBe(last.seq);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('shadow memory against its checks', () => {
  it('ShadowConsistency is fed by VerifiedUpdates at each point', () => {
    const { sim, vu, writeAll, hosts } = group(2, 1, { withChecks: true });
    writeAll(1, 1);
    vu.point();
    sim.run();
    expect(vu.shadowsConsistent).toBe(true);
    // a shadow whose guest wrote a page by itself is caught at the next apply
    fillPage(hosts[1]!.shadow.vm.memory, 8, 5);
    writeAll(2, 2);
    vu.point();
    sim.run();
    expect(vu.shadowsConsistent).toBe(false);
  });
});

describe('activation on a suspicion', () => {
  it('a shadow that missed updates catches up: unpause, then one apply per pending update', () => {
    const { sim, hosts, vu, writeAll } = group(2, 1);
    // three accepted rounds; host 1's shadow applies them; host 0's shadow is made to lag by
    // activating it only after they are in the history
    for (let k = 0; k < 3; k++) {
      writeAll(k + 1, k);
      vu.point();
      sim.run();
    }
    const lagging = hosts[0]!.shadow;
    expect(lagging.appliedSeq).toBe(3);
    writeAll(9, 9);
    vu.point();
    // suspicion right after the round was decided, before host 0's shadow applied it
    let rec: { unpausedAt: number; caughtUpAt: number; updatesApplied: number } | null = null;
    let since = -1;
    const decided = Math.round(capturePauseNs(TEST_COSTS, 1)) + Math.round(digestCpuNs(TEST_COSTS, 64)) + LATENCY;
    const t0 = sim.now;
    sim.schedule(decided + 1, () => vu.activate(0, (r, s) => ((rec = r), (since = s))));
    sim.run();
    expect(lagging.state).toBe('active');
    expect(since).toBe(4);
    expect(lagging.vm.memory.firstDifference(hosts[0]!.active.memory)).toBe(-1);
    // update 4 was being woken for when the suspicion came: it finishes, then nothing is pending
    expect(rec!.updatesApplied).toBe(0);
    expect(rec!.caughtUpAt).toBe(t0 + decided + TEST_COSTS.unpauseNs + TEST_COSTS.applyNsPerPage);
  });
});
