import { describe, expect, expectTypeOf, it } from 'vitest';
import { InputError } from '../../lib/params/index.js';
import { runScenario, validateRequest, type EngineRunResult, type RunResult } from '../../lib/scenario/index.js';

const strip = (r: ReturnType<typeof runScenario>) => ({ ...r, metrics: { ...r.metrics, wallMs: 0 } });

describe('runScenario(request)', () => {
  it('returns the contract shape with defaults filled in', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'idle', params: { 'run.durationS': 2 } });
    expect(Object.keys(r).sort()).toEqual(['engine', 'invariants', 'metrics', 'modelVersion', 'params', 'seed', 'series', 'workload']);
    expect(r.params['vm.memoryMiB']).toBe(512);
    expect(r.params['run.durationS']).toBe(2);
    expect(typeof r.metrics.wallMs).toBe('number');
    expect(r.seed).toBe(1);
  });

  it('is deterministic: same configuration and seed give identical results apart from wallMs', () => {
    const req = { engine: 'unprotected', workload: 'synthetic', params: { 'run.durationS': 3, 'workload.locality': 'zipf' }, seed: 9 };
    expect(JSON.stringify(strip(runScenario(req)))).toBe(JSON.stringify(strip(runScenario(req))));
  });

  it('differs with another seed where the workload is random', () => {
    const req = { engine: 'unprotected', workload: 'synthetic', params: { 'run.durationS': 3, 'workload.locality': 'hotcold', 'run.sampleMs': 100 } };
    const a = runScenario({ ...req, seed: 1 }).series.dirty;
    const b = runScenario({ ...req, seed: 2 }).series.dirty;
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });

  it('rejects bad input before running: engine, planned engine, workload, seed, fault after the end', () => {
    expect(() => runScenario({ engine: 'nope', workload: 'idle' })).toThrow(/engine: unknown engine "nope"/);
    expect(() => runScenario({ engine: 'spare', workload: 'idle' })).toThrow(/workload: idle is not replicable/);
    expect(() => runScenario({ engine: 'active', workload: 'idle' })).toThrow(/workload: idle is not replicable/);
    expect(() => runScenario({ engine: 'unprotected', workload: 'nope' })).toThrow(/workload: unknown workload "nope" \(allowed: idle/);
    expect(() => runScenario({ engine: 'unprotected', workload: 'idle', seed: -1 })).toThrow(InputError);
    expect(() => runScenario({ engine: 'unprotected', workload: 'idle', params: { 'faults.hostCrashAtS': 60 } })).toThrow(/not before the end of the run/);
    expect(() => runScenario({ engine: 'unprotected', workload: 'idle', params: { 'faults.linkDownForS': 2 } })).toThrow(/faults\.linkDownForS: set without faults\.linkDownAtS/);
  });
});

describe('typed results', () => {
  it('names and types the metrics and series of the engine a request names', () => {
    const r = runScenario({ engine: 'remus', workload: 'idle', params: { 'run.durationS': 1 } });
    expectTypeOf(r.engine).toEqualTypeOf<'remus'>();
    expectTypeOf(r.metrics.achievedCheckpointsPerS).toEqualTypeOf<number>();
    expectTypeOf(r.metrics.protected).toEqualTypeOf<boolean>();
    expectTypeOf(r.metrics.cpuSeconds).toEqualTypeOf<number>();
    // Reported only on a run with a failover.
    expectTypeOf(r.metrics.failoverMs).toEqualTypeOf<number | undefined>();
    expectTypeOf(r.series.remusTimeline).toEqualTypeOf<RunResult['series'][string] | undefined>();
    // What the types promise is there.
    expect(typeof r.metrics.achievedCheckpointsPerS).toBe('number');
    expect(typeof r.metrics.protected).toBe('boolean');
    expect(r.metrics.failoverMs).toBeUndefined();
    expect(r.series.remusTimeline).toBeDefined();
    const s = runScenario({ engine: 'spare', workload: 'kvstore', params: { 'run.durationS': 0.5, 'vm.memoryMiB': 4, 'run.twin': false } });
    expectTypeOf(s.metrics.activations).toEqualTypeOf<number>();
    expectTypeOf(s.metrics.serviceLost).toEqualTypeOf<boolean>();
    expect(typeof s.metrics.activations).toBe('number');
    // And the rows of an engine's series: a migration round's pages are a number, its measured rate only where measured.
    expectTypeOf<NonNullable<EngineRunResult<'migration'>['series']['rounds']>[number]['pages']>().toEqualTypeOf<number>();
    expectTypeOf<NonNullable<EngineRunResult<'migration'>['series']['rounds']>[number]['measuredMbps']>().toEqualTypeOf<number | undefined>();
  });

  it('is the general RunResult for an engine named at run time', () => {
    const name: string = 'remus';
    expectTypeOf(runScenario({ engine: name, workload: 'idle', params: { 'run.durationS': 1 } })).toEqualTypeOf<RunResult>();
  });
});

describe('run.twin', () => {
  const req = { engine: 'remus', workload: 'kernel-compile', params: { 'workload.workS': 2, 'vm.memoryMiB': 256 } } as const;

  it('unset runs the unprotected twin (overheadPct) and stays out of the result params', () => {
    const r = runScenario(req);
    expect(typeof r.metrics.overheadPct).toBe('number');
    expect('run.twin' in r.params).toBe(false);
  });

  it('false skips the twin: no overheadPct, every other metric, invariant and series the same', () => {
    const on = strip(runScenario(req));
    const off = strip(runScenario({ ...req, params: { ...req.params, 'run.twin': false } }));
    expect('overheadPct' in off.metrics).toBe(false);
    const rest: Record<string, number | boolean> = { ...on.metrics };
    delete rest.overheadPct;
    expect(off.metrics).toEqual(rest);
    expect(off.invariants).toEqual(on.invariants);
    expect(JSON.stringify(off.series)).toBe(JSON.stringify(on.series));
    expect(off.params['run.twin']).toBe(false);
  });

  it('true is the same as unset, apart from the key in params', () => {
    const on = strip(runScenario(req));
    const explicit = strip(runScenario({ ...req, params: { ...req.params, 'run.twin': true } }));
    expect(explicit.metrics).toEqual(on.metrics);
    expect(() => runScenario({ ...req, params: { ...req.params, 'run.twin': 'maybe' } })).toThrow(/run\.twin/);
  });
});

describe('synthetic workload', () => {
  it('dirties exactly workload.dirtyPagesPerS distinct pages per second with uniform and sequential locality', () => {
    for (const locality of ['uniform', 'sequential']) {
      const r = runScenario({ engine: 'unprotected', workload: 'synthetic', params: { 'run.durationS': 4, 'workload.dirtyPagesPerS': 3000, 'workload.locality': locality } });
      expect(r.series.dirty!.map((d) => d.dirtyPages)).toEqual([3000, 3000, 3000, 3000]);
    }
  });

  it('with sequential locality, the distinct pages in t seconds are min(rate × t, working set)', () => {
    const r = runScenario({
      engine: 'unprotected',
      workload: 'synthetic',
      params: { 'run.durationS': 3, 'run.sampleMs': 3000, 'workload.dirtyPagesPerS': 2000, 'workload.workingSetMiB': 16, 'workload.locality': 'sequential' },
    });
    expect(r.series.dirty![0]!.dirtyPages).toBe(4096); // 16 MiB = 4096 pages < 6000 writes
  });

  it('rejects a working set larger than memory', () => {
    expect(() =>
      runScenario({ engine: 'unprotected', workload: 'synthetic', params: { 'vm.memoryMiB': 32, 'workload.workingSetMiB': 64 } }),
    ).toThrow(/workload\.workingSetMiB: 64 MiB exceeds vm\.memoryMiB = 32/);
  });
});

describe('dirty-page metrics', () => {
  it('reports dirtyPagesPeak and dirtyPagesPerSMean from the sampled windows', () => {
    const r = runScenario({ engine: 'unprotected', workload: 'synthetic', params: { 'run.durationS': 4, 'workload.dirtyPagesPerS': 2500 } });
    expect(r.metrics.dirtyPagesPeak).toBe(2500);
    expect(r.metrics.dirtyPagesPerSMean).toBe(2500);
  });
});

describe('validateRequest(request)', () => {
  it('accepts a good request and rejects what runScenario would reject, without running', () => {
    expect(() => validateRequest({ engine: 'unprotected', workload: 'idle', params: { 'run.durationS': 5 } })).not.toThrow();
    expect(() => validateRequest({ engine: 'unprotected', workload: 'idle', seed: 2 ** 40 })).toThrow(/seed/);
    expect(() => validateRequest({ engine: 'unprotected', workload: 'idle', params: { 'faults.vmCrashAtS': 61 } })).toThrow(/not before the end/);
  });
});

describe('runScenario with several guests (remus.primaries = N)', () => {
  it('builds N primaries sharing one backup, each protected, the link never above its goodput', () => {
    for (const n of [2, 4]) {
      const r = runScenario({
        engine: 'remus',
        workload: 'synthetic',
        params: { 'remus.primaries': n, 'workload.dirtyPagesPerS': 20000, 'run.durationS': 5, 'vm.memoryMiB': 128 },
      });
      expect(r.series.guests).toHaveLength(n);
      expect(r.series.primaries).toHaveLength(n);
      expect(r.metrics.replicationMbps).toBeLessThanOrEqual(1000 * 0.94 + 1e-6);
      expect(Object.values(r.invariants).every(Boolean)).toBe(true);
    }
  });

  it('keeps one-guest runs unchanged by the multi-guest wiring (guest 0 uses the plain streams)', () => {
    const a = runScenario({ engine: 'remus', workload: 'synthetic', params: { 'run.durationS': 2 } });
    expect(a.series.guests).toBeUndefined();
    expect(a.params['remus.primaries']).toBe(1);
  });
});

describe('overheadPct of fixed work', () => {
  it('is left out when the protected run did not finish within run.durationS', () => {
    const r = runScenario({ engine: 'remus', workload: 'kernel-compile', params: { 'run.durationS': 20 } });
    expect(r.metrics.completed).toBe(false);
    expect(r.metrics.overheadPct).toBeUndefined();
  });
});

describe('remus.checkpointsPerS', () => {
  it('records the epoch that ran as remus.epochMs', () => {
    const r = runScenario({ engine: 'remus', workload: 'synthetic', params: { 'remus.checkpointsPerS': 10, 'run.durationS': 2 } });
    expect(r.params['remus.epochMs']).toBe(100);
    expect(r.metrics.epochMsMean).toBeCloseTo(100, 0);
  });

  it('is bad input together with remus.epochMs', () => {
    expect(() => runScenario({ engine: 'remus', workload: 'synthetic', params: { 'remus.checkpointsPerS': 10, 'remus.epochMs': 50 } })).toThrow(
      /remus\.checkpointsPerS: set together with remus\.epochMs/,
    );
  });
});
