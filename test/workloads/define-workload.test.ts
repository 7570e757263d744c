import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../lib/params/index.js';
import { overheadPct } from '../../lib/scenario/index.js';
import { RandomStreams, Signal, Simulation } from '../../lib/sim/index.js';
import { THROUGHPUT_METRICS, WORKLOADS, defineWorkload, getWorkload, type GuestDefinition, type GuestEnv } from '../../workloads/index.js';

const env = (): GuestEnv => ({ sim: new Simulation(), params: resolveParams([], {}), rng: new RandomStreams(1).stream('guest') });

/** The least a preset can say: a guest with a counter as its checkpointed state. */
const counter = () =>
  defineWorkload({
    name: 'counter',
    from: '—',
    description: 'test: counts advance calls',
    params: [],
    defaults: {},
    guest(): GuestDefinition<{ calls: number }> {
      let calls = 0;
      return {
        start() {},
        advance() {
          calls++;
        },
        snapshot: () => ({ calls }),
        restore(s) {
          calls = s.calls;
        },
      };
    },
  });

describe('defineWorkload', () => {
  it('fills in what a preset leaves out: no clients, no network, no fixed work, throughput overhead', () => {
    const preset = counter();
    expect(preset.usesNetwork).toBe(false);
    expect(preset.clients).toBeUndefined();
    expect(preset.fixedWork).toBe(false);
    expect(preset.overheadMetrics).toEqual(THROUGHPUT_METRICS);
    expect(THROUGHPUT_METRICS).toEqual(['throughputOpsPerS', 'throughputMbps']);
  });

  it('gives the guest the common defaults and keeps its own members, state included', () => {
    const g = counter().guest(env());
    expect([g.cpuBound, g.contentBacked, g.done]).toEqual([false, false, null]);
    expect([g.metrics(1e9), g.series(), g.invariants()]).toEqual([{}, {}, {}]);
    g.advance(0, 1);
    g.advance(1, 2);
    const snap = g.snapshot();
    expect(snap).toEqual({ calls: 2 });
    g.advance(2, 3);
    g.restore(snap);
    expect(g.snapshot()).toEqual({ calls: 2 });
  });

  it('keeps what a preset does say, and a preset with clients uses the network', () => {
    const done = new Signal<void>('done');
    const preset = defineWorkload({
      name: 'served',
      from: '—',
      description: 'test: a fixed-work guest with clients',
      params: [],
      defaults: {},
      fixedWork: true,
      overheadMetrics: ['score'],
      guest: () => ({
        cpuBound: true,
        contentBacked: true,
        done,
        start() {},
        advance() {},
        snapshot: () => null,
        restore() {},
        metrics: () => ({ ops: 3 }),
        invariants: () => ({ fine: true }),
      }),
      clients: () => ({ start() {}, metrics: () => ({ throughputOpsPerS: 7 }), series: () => ({ s: [] }) }),
    });
    expect([preset.usesNetwork, preset.fixedWork, preset.overheadMetrics]).toEqual([true, true, ['score']]);
    const g = preset.guest(env());
    expect([g.cpuBound, g.contentBacked, g.done]).toEqual([true, true, done]);
    expect([g.metrics(1), g.series(), g.invariants()]).toEqual([{ ops: 3 }, {}, { fine: true }]);
    const c = preset.clients!({} as Parameters<NonNullable<typeof preset.clients>>[0]);
    expect([c.metrics(1), c.series(), c.invariants()]).toEqual([{ throughputOpsPerS: 7 }, { s: [] }, {}]);
  });

  it('every preset: clients exactly when it uses the network; specweb2005 alone measures overhead on its score', () => {
    for (const w of WORKLOADS) expect(w.usesNetwork, w.name).toBe(w.clients !== undefined);
    expect(WORKLOADS.filter((w) => w.overheadMetrics !== THROUGHPUT_METRICS).map((w) => [w.name, w.overheadMetrics])).toEqual([['specweb2005', ['score']]]);
  });
});

describe('overheadPct reads the preset’s overhead metrics', () => {
  const run = { score: 90, throughputOpsPerS: 50 };
  const twin = { score: 100, throughputOpsPerS: 100 };
  it('specweb2005: the score lost against the twin', () => {
    expect(overheadPct(getWorkload('specweb2005'), run, twin)).toBeCloseTo(10, 12);
  });
  it('a throughput workload: the throughput lost, falling back to the next metric both report', () => {
    expect(overheadPct(getWorkload('apache-static'), run, twin)).toBeCloseTo(50, 12);
    expect(overheadPct(getWorkload('apache-static'), { throughputMbps: 75 }, { throughputMbps: 100 })).toBeCloseTo(25, 12);
    expect(overheadPct(getWorkload('apache-static'), { score: 1 }, { score: 2 })).toBeUndefined();
  });
});
