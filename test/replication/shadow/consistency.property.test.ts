import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../lib/sim/index.js';
import type { PageMemory } from '../../../lib/vm/index.js';
import {
  ResourceLedger,
  ShadowConsistency,
  ShadowReplica,
  UpdateProducer,
  decideUpdate,
  payloadMatches,
  payloadSource,
  type StateUpdate,
} from '../../../lib/replication/shadow/index.js';
import { digestPages } from '../../../lib/vm/index.js';
import { TEST_COSTS, contentMemory, fillPage, newHost, quietVm } from './helpers.js';

const PAGES = 48;
const PAGE_BYTES = 64;

interface Scenario {
  readonly f: number;
  readonly intervalNs: number;
  readonly writes: ReadonlyArray<{ at: number; page: number; seed: number }>;
}

type Tamper = (u: StateUpdate) => StateUpdate;

const scenario = fc.record({
  f: fc.integer({ min: 1, max: 3 }),
  intervalNs: fc.integer({ min: 4_000, max: 50_000 }),
  writes: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 200_000 }), page: fc.integer({ min: 0, max: PAGES - 1 }), seed: fc.integer({ min: 1, max: 1e6 }) }),
    { maxLength: 150 },
  ),
});

/**
 * f + 1 active replicas receive the same writes (a deterministic service); every interval each
 * captures an update, the digests are compared, and every host's shadow applies the accepted payload
 * (from its own active when that one agreed). `tamper` may change what one host's shadow receives
 * for one update. Each apply is checked by ShadowConsistency and, as an oracle, against a full copy
 * of the active's memory taken at the update point.
 */
function run(sc: Scenario, tamper?: { seq: number; host: number; fn: Tamper }) {
  const sim = new Simulation();
  const n = sc.f + 1;
  const ledger = new ResourceLedger();
  const actives: PageMemory[] = [];
  for (let i = 0; i < n; i++) {
    const m = contentMemory(PAGES, PAGE_BYTES);
    fillPage(m, 0, 42); // some state before the shadows are made
    actives.push(m);
  }
  const producers = actives.map((m) => new UpdateProducer(m));
  const shadows = actives.map(
    (m, i) => new ShadowReplica({ sim, id: `s${i}`, host: i, vm: quietVm(sim, newHost(`h${i}`), m.clone()), costs: TEST_COSTS, meter: ledger }),
  );
  const checks = shadows.map((s) => new ShadowConsistency(actives[0]!, s.vm.memory));
  const snapshots = new Map<number, PageMemory>();
  const verdicts: Array<{ host: number; seq: number; check: boolean; oracle: boolean }> = [];
  let accepted = 0;

  for (const w of sc.writes) sim.at(w.at, () => actives.forEach((m) => fillPage(m, w.page, w.seed)));
  const end = 200_000;
  for (let t = sc.intervalNs; t <= end; t += sc.intervalNs) {
    sim.at(t, () => {
      const updates = producers.map((p) => p.capture());
      const seq = updates[0]!.seq;
      const decision = decideUpdate(
        updates.map((u) => u.digest),
        sc.f,
      );
      producers.forEach((p) => p.settle(decision.accepted));
      checks.forEach((c) => c.point(seq));
      if (!decision.accepted) return;
      accepted++;
      snapshots.set(seq, actives[0]!.clone());
      shadows.forEach((s, host) => {
        let u = updates[payloadSource(decision, host)!]!;
        if (tamper !== undefined && tamper.seq === seq && tamper.host === host) u = tamper.fn(u);
        s.apply(u, () => {
          const check = checks[host]!.verify(seq, u.pages);
          const oracle = s.vm.memory.firstDifference(snapshots.get(seq)!) === -1;
          verdicts.push({ host, seq, check, oracle });
        });
      });
    });
  }
  sim.run();
  return { verdicts, checks, shadows, accepted };
}

describe('shadowsConsistent over the update path', () => {
  it('property: after every applied update each shadow equals the verified state at its point', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const { verdicts, checks, shadows, accepted } = run(sc);
        expect(accepted).toBe(Math.floor(200_000 / sc.intervalNs));
        expect(verdicts.length).toBe(accepted * (sc.f + 1));
        for (const v of verdicts) {
          expect(v.oracle).toBe(true);
          expect(v.check).toBe(true);
        }
        expect(checks.every((c) => c.consistent)).toBe(true);
        for (const s of shadows) expect(s.state).toBe('paused');
      }),
      { numRuns: 60 },
    );
  });

  it('property: a page dropped from one update (digest recomputed, so it verifies) is found', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.nat(), fc.nat(), (sc, pickSeq, pickHost, pickPage) => {
        const points = Math.floor(200_000 / sc.intervalNs);
        const host = pickHost % (sc.f + 1);
        let dropped = false;
        const drop: Tamper = (u) => {
          if (u.pages.length === 0) return u;
          dropped = true;
          const k = pickPage % u.pages.length;
          const pages = Int32Array.from([...u.pages].filter((_, i) => i !== k));
          const versions = Uint32Array.from([...u.versions].filter((_, i) => i !== k));
          const bytes = new Uint8Array(pages.length * u.pageBytes);
          bytes.set(u.bytes.subarray(0, k * u.pageBytes), 0);
          bytes.set(u.bytes.subarray((k + 1) * u.pageBytes), k * u.pageBytes);
          return { ...u, pages, versions, bytes, digest: digestPages(pages, bytes, u.pageBytes) };
        };
        const seq = 1 + (pickSeq % points);
        const r = run(sc, { seq, host, fn: drop });
        fc.pre(dropped);
        const v = r.verdicts.find((x) => x.host === host && x.seq === seq)!;
        expect(v.oracle).toBe(false);
        expect(v.check).toBe(false);
        expect(r.checks[host]!.consistent).toBe(false);
        expect(r.checks[host]!.mismatch!.seq).toBe(seq);
        r.checks.forEach((c, h) => h !== host && expect(c.consistent).toBe(true));
      }),
      { numRuns: 40 },
    );
  });

  it('property: a corrupted byte is refused by the payload check, and found if applied anyway', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.nat(), (sc, pickSeq, pickByte) => {
        let refused: boolean | null = null;
        const corrupt: Tamper = (u) => {
          if (u.bytes.length === 0) return u;
          const bytes = u.bytes.slice();
          bytes[pickByte % bytes.length]! ^= 0x5a;
          const bad = { ...u, bytes };
          refused = !payloadMatches(bad, u.digest);
          return bad;
        };
        const seq = 1 + (pickSeq % Math.floor(200_000 / sc.intervalNs));
        const r = run(sc, { seq, host: 0, fn: corrupt });
        fc.pre(refused !== null);
        expect(refused).toBe(true);
        expect(r.checks[0]!.consistent).toBe(false);
        expect(r.verdicts.find((x) => x.host === 0 && x.seq === seq)!.check).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('ShadowConsistency', () => {
  it('finds a shadow that differs at the start, and refuses checks out of order', () => {
    const a = contentMemory(8, 16);
    fillPage(a, 3, 1);
    const b = contentMemory(8, 16);
    const c = new ShadowConsistency(a, b);
    expect(c.consistent).toBe(false);
    expect(c.mismatch).toEqual({ seq: 0, page: 3 });
    const ok = new ShadowConsistency(a, a.clone());
    expect(ok.consistent).toBe(true);
    expect(() => ok.verify(1, [])).toThrow(/before its point/);
    ok.point(1);
    expect(() => ok.point(1)).toThrow(/point 1 after 1/);
    expect(ok.verify(1, [])).toBe(true);
    expect(() => ok.verify(1, [])).toThrow(/checked after 1/);
    ok.close();
    expect(a.attachedDirtyLogs).toBe(1); // the first check's log is still attached
    c.close();
    expect(a.attachedDirtyLogs).toBe(0);
    expect(b.attachedDirtyLogs).toBe(0);
  });

  it('a shadow whose guest wrote a page by itself is found at the next check', () => {
    const a = contentMemory(8, 16);
    const shadow = a.clone();
    const c = new ShadowConsistency(a, shadow);
    fillPage(shadow, 6, 9); // the shadow's own write: no update carries it, nothing touched it
    c.point(1);
    expect(c.verify(1, [])).toBe(false);
    expect(c.mismatch).toEqual({ seq: 1, page: 6 });
  });
});
