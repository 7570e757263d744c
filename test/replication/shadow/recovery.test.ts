import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RECOVERY_STEPS,
  faultBoundHeld,
  initialRecoveryState,
  recoveryReducer,
  recoveryReplacements,
  type RecoveryAction,
  type RecoveryState,
} from '../../../lib/replication/shadow/index.js';

const HOSTS = [
  { active: 'a0', shadow: 's0' },
  { active: 'a1', shadow: 's1' },
];

/** Run every step of the current recovery, one time unit each; returns the actions seen. */
function finish(s: RecoveryState, t: number): { state: RecoveryState; actions: RecoveryAction[]; t: number } {
  const actions: RecoveryAction[] = [];
  while (s.current !== null) {
    t += 1;
    const r = recoveryReducer(s, { kind: 'done', step: s.current.step, host: s.current.host, atS: t });
    actions.push(...r.actions);
    s = r.state;
  }
  return { state: s, actions, t };
}

describe('proactive recovery state machine', () => {
  it('runs the five steps in order on one host, then swaps its roles', () => {
    let s = initialRecoveryState(HOSTS);
    const first = recoveryReducer(s, { kind: 'due', atS: 10 });
    expect(first.actions).toEqual([{ step: 'checkpoint-shadow', host: 0, vm: 's0' }]);
    s = first.state;
    const seen: RecoveryAction[] = [...first.actions];
    for (const [i, step] of RECOVERY_STEPS.entries()) {
      const r = recoveryReducer(s, { kind: 'done', step, host: 0, atS: 11 + i });
      seen.push(...r.actions);
      s = r.state;
    }
    expect(seen).toEqual([
      { step: 'checkpoint-shadow', host: 0, vm: 's0' },
      { step: 'create-shadow', host: 0, vm: 'recovered-1', from: 's0' },
      { step: 'activate-shadow', host: 0, vm: 's0' },
      { step: 'switch-execution', host: 0, vm: 's0', from: 'a0' },
      { step: 'discard-active', host: 0, vm: 'a0' },
    ]);
    expect(s.current).toBeNull();
    expect(s.hosts).toEqual([{ active: 's0', shadow: 'recovered-1' }, HOSTS[1]]);
    expect(s.nextHost).toBe(1);
    expect(s.records).toEqual([
      { host: 0, dueAtS: 10, startedAtS: 10, stepDoneAtS: [11, 12, 13, 14, 15], discardedActive: 'a0', newActive: 's0', newShadow: 'recovered-1' },
    ]);
    expect(recoveryReplacements(s)).toEqual([{ host: 0, atS: 15 }]);
  });

  it('rotates host by host and wraps around', () => {
    let s = initialRecoveryState(HOSTS);
    let t = 0;
    const renewed: number[] = [];
    for (let k = 0; k < 5; k++) {
      t += 10;
      const r = recoveryReducer(s, { kind: 'due', atS: t });
      renewed.push(r.actions[0]!.host);
      ({ state: s, t } = finish(r.state, t));
    }
    expect(renewed).toEqual([0, 1, 0, 1, 0]);
    expect(s.hosts).toEqual([
      { active: 'recovered-3', shadow: 'recovered-5' },
      { active: 'recovered-2', shadow: 'recovered-4' },
    ]);
  });

  it('a recovery due while another runs waits and starts when it ends', () => {
    let s = recoveryReducer(initialRecoveryState(HOSTS), { kind: 'due', atS: 10 }).state;
    const late = recoveryReducer(s, { kind: 'due', atS: 10 });
    expect(late.actions).toEqual([]);
    s = late.state;
    expect(s.waiting).toEqual([10]);
    for (const step of RECOVERY_STEPS.slice(0, 4)) s = recoveryReducer(s, { kind: 'done', step, host: 0, atS: 12 }).state;
    const end = recoveryReducer(s, { kind: 'done', step: 'discard-active', host: 0, atS: 13 });
    expect(end.actions).toEqual([{ step: 'checkpoint-shadow', host: 1, vm: 's1' }]);
    expect(end.state.current).toMatchObject({ host: 1, dueAtS: 10, startedAtS: 13 });
    expect(end.state.waiting).toEqual([]);
  });

  it('a crash of the host being renewed abandons its recovery; the waiting one starts on the next live host, and the dead one is skipped from then on', () => {
    const three = [...HOSTS, { active: 'a2', shadow: 's2' }];
    let s = recoveryReducer(initialRecoveryState(three), { kind: 'due', atS: 10 }).state;
    s = recoveryReducer(s, { kind: 'done', step: 'checkpoint-shadow', host: 0, atS: 11 }).state;
    s = recoveryReducer(s, { kind: 'due', atS: 11.5 }).state; // waits for host 0's
    const down = recoveryReducer(s, { kind: 'hostDown', host: 0, atS: 12 });
    expect(down.state.abandoned).toEqual([{ host: 0, step: 'create-shadow', newShadow: 'recovered-1', dueAtS: 10, startedAtS: 10 }]);
    expect(down.actions).toEqual([{ step: 'checkpoint-shadow', host: 1, vm: 's1' }]);
    expect(down.state.current).toMatchObject({ host: 1, dueAtS: 11.5, startedAtS: 12, newShadow: 'recovered-2' });
    expect(down.state.hosts).toEqual(three); // host 0 keeps its roles: nothing was swapped
    let { state, t } = finish(down.state, 12);
    const order: number[] = [];
    for (let k = 0; k < 4; k++) {
      const r = recoveryReducer(state, { kind: 'due', atS: ++t });
      order.push(r.state.current!.host);
      ({ state, t } = finish(r.state, t));
    }
    expect(order).toEqual([2, 1, 2, 1]);
    expect(state.records.map((r) => r.host)).toEqual([1, 2, 1, 2, 1]);
  });

  it('a crash of another host leaves the running recovery alone; once every host is down nothing is renewed', () => {
    let s = recoveryReducer(initialRecoveryState(HOSTS), { kind: 'due', atS: 10 }).state;
    const other = recoveryReducer(s, { kind: 'hostDown', host: 1, atS: 10.5 });
    expect(other.actions).toEqual([]);
    expect(other.state.current).toEqual(s.current);
    expect(other.state.down).toEqual([1]);
    expect(recoveryReducer(other.state, { kind: 'hostDown', host: 1, atS: 10.6 }).state).toBe(other.state); // once is enough
    s = finish(other.state, 11).state;
    expect(s.records.map((r) => r.host)).toEqual([0]);
    const next = recoveryReducer(s, { kind: 'due', atS: 20 });
    expect(next.state.current!.host).toBe(0);
    const none = recoveryReducer(next.state, { kind: 'hostDown', host: 0, atS: 21 });
    expect(none.state.current).toBeNull();
    const after = recoveryReducer(none.state, { kind: 'due', atS: 30 });
    expect(after.actions).toEqual([]);
    expect(after.state.current).toBeNull();
    expect(() => recoveryReducer(s, { kind: 'hostDown', host: 2, atS: 40 })).toThrow(/host 2 is not one of the 2 hosts/);
  });

  it('refuses steps out of turn, steps with nothing running, time going back, and duplicate VM names', () => {
    const idle = initialRecoveryState(HOSTS);
    expect(() => recoveryReducer(idle, { kind: 'done', step: 'checkpoint-shadow', host: 0, atS: 1 })).toThrow(/no recovery is running/);
    const s = recoveryReducer(idle, { kind: 'due', atS: 5 }).state;
    expect(() => recoveryReducer(s, { kind: 'done', step: 'create-shadow', host: 0, atS: 6 })).toThrow(/host 0 is at checkpoint-shadow/);
    expect(() => recoveryReducer(s, { kind: 'done', step: 'checkpoint-shadow', host: 1, atS: 6 })).toThrow(/done on host 1/);
    expect(() => recoveryReducer(s, { kind: 'done', step: 'checkpoint-shadow', host: 0, atS: 4 })).toThrow(/at 4 s, after 5 s/);
    expect(() => initialRecoveryState([{ active: 'x', shadow: 'x' }])).toThrow(/distinct/);
    expect(() => initialRecoveryState([])).toThrow(/at least one host/);
  });

  it('property: whatever the timing, roles stay a partition, discarded VMs never return, hosts renew in turn', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant('due' as const), fc.constant('done' as const)), { maxLength: 120 }),
        (n, events) => {
          let s = initialRecoveryState(Array.from({ length: n }, (_, i) => ({ active: `a${i}`, shadow: `s${i}` })));
          const discarded = new Set<string>();
          let t = 0;
          let dues = 0;
          for (const e of events) {
            t += 1;
            if (e === 'due') {
              dues++;
              s = recoveryReducer(s, { kind: 'due', atS: t }).state;
            } else if (s.current !== null) {
              s = recoveryReducer(s, { kind: 'done', step: s.current.step, host: s.current.host, atS: t }).state;
              for (const r of s.records) discarded.add(r.discardedActive);
            }
            const names = s.hosts.flatMap((h) => [h.active, h.shadow]);
            expect(new Set(names).size).toBe(2 * n);
            for (const name of names) expect(discarded.has(name)).toBe(false);
            expect(s.records.length + (s.current !== null ? 1 : 0) + s.waiting.length).toBe(dues);
          }
          s.records.forEach((r, k) => {
            expect(r.host).toBe(k % n);
            expect(r.stepDoneAtS).toHaveLength(RECOVERY_STEPS.length);
            expect(r.startedAtS).toBeGreaterThanOrEqual(r.dueAtS);
            if (k > 0) expect(r.startedAtS).toBeGreaterThanOrEqual(s.records[k - 1]!.stepDoneAtS[4]!);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('its replacements clear faults for faultBoundHeld', () => {
    let s = initialRecoveryState(HOSTS);
    let t = 0;
    for (let k = 0; k < 4; k++) {
      t = (k + 1) * 10;
      ({ state: s } = finish(recoveryReducer(s, { kind: 'due', atS: t }).state, t));
    }
    // host 0 renewed at 15 and 35, host 1 at 25 and 45 (five steps of 1 s each)
    const rep = recoveryReplacements(s);
    expect(rep).toEqual([
      { host: 0, atS: 15 },
      { host: 1, atS: 25 },
      { host: 0, atS: 35 },
      { host: 1, atS: 45 },
    ]);
    // host 0 faulty over [1, 15), host 1 faulty from 37 (until 45): windows of 20 s starting in (−19, 15)
    // and (17, 45) do not meet.
    expect(faultBoundHeld([{ host: 0, atS: 1 }, { host: 1, atS: 37 }], 1, 10, rep)).toBe(true);
    expect(faultBoundHeld([{ host: 0, atS: 1 }, { host: 1, atS: 30 }], 1, 10, rep)).toBe(false);
  });
});
