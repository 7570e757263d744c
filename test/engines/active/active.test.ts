import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputErrorField } from '../../params/input-error-field.js';
import { faultSchedule } from '../../../lib/faults/index.js';
import { getEngine, resolveRunParams, runScenario, simulate, type EngineRunResult, type RunResult, type SimulationOutcome } from '../../../lib/scenario/index.js';
import { getWorkload } from '../../../workloads/index.js';

/** A short kvstore run in a small VM (the store needs ≈ 2 MiB, the network buffers some more), with read-modify-writes in the mix. */
function active(params: Record<string, number | string | boolean>, seed = 1): EngineRunResult<'active'> {
  return runScenario({
    engine: 'active',
    workload: 'kvstore',
    seed,
    params: { 'vm.memoryMiB': 16, 'run.durationS': 3, 'workload.rmwProportion': 0.2, ...params },
  });
}

/** The same without the unprotected twin (property tests: half the time). */
function activeAlone(params: Record<string, number | string | boolean>, seed: number): SimulationOutcome {
  const p = resolveRunParams('active', 'kvstore', { 'vm.memoryMiB': 16, 'run.durationS': 1.5, 'workload.rmwProportion': 0.2, 'workload.clients': 4, ...params });
  return simulate(getEngine('active'), getWorkload('kvstore'), p, seed, faultSchedule(p, p.num('run.durationS')));
}

describe('engine active', { timeout: 120_000 }, () => {
  it('serves the kvstore on 2f + 1 replicas with every reply right', () => {
    const r = active({});
    expect(r.metrics).toMatchObject({ activeReplicas: 3, passiveReplicas: 0, hostsReserved: 3, vmsReserved: 3, wrongReplies: 0, unansweredRequests: 0, serviceLost: false });
    expect(r.metrics.opsCompleted as number).toBeGreaterThan(1000);
    expect(r.metrics.rmws as number).toBeGreaterThan(100);
    expect(r.invariants).toMatchObject({ noWrongReply: true, repliesConsistent: true, noLostAckedWrite: true });
    expect(r.series.replicas).toEqual([{ timeS: 0, active: 3, passive: 0 }]);
  });

  it('is deterministic', () => {
    const a = active({ 'faults.hostCrashAtS': 1 }, 5);
    const b = active({ 'faults.hostCrashAtS': 1 }, 5);
    expect(JSON.stringify({ ...a.metrics, wallMs: 0 })).toBe(JSON.stringify({ ...b.metrics, wallMs: 0 }));
  });

  it('survives the crash of host 0 (sequencer, entry host, its replica): clients wait, nothing is wrong or lost', () => {
    const r = active({ 'faults.hostCrashAtS': 1 });
    expect(r.invariants).toMatchObject({ noWrongReply: true, repliesConsistent: true, noLostAckedWrite: true });
    expect(r.metrics.unansweredRequests).toBe(0);
    expect(r.metrics.clientOutageMs).toBeGreaterThan(50);
    expect(r.series.replicas!.at(-1)).toMatchObject({ active: 2 });
  });

  it('property: with at most f Byzantine replicas of any kind, at any time, every accepted reply is right and the service stays live', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('wrong-reply', 'corrupt-state', 'silent', 'slow'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (f, k, kind, atS, seed) => {
          const r = activeAlone({ 'active.f': f, 'faults.byzantineReplicas': Math.min(k, f), 'faults.byzantineKind': kind, 'faults.byzantineAtS': atS }, seed);
          expect(r.invariants.noWrongReply).toBe(true);
          expect(r.invariants.repliesConsistent).toBe(true);
          expect(r.metrics.wrongReplies).toBe(0);
          expect(r.metrics.unansweredRequests).toBe(0);
          expect(r.metrics.serviceLost).toBe(false);
        },
      ),
      { numRuns: 8, seed: 3 },
    );
  }, 600_000);

  it('f colluding wrong replies never win the vote (f ∈ {1, 2, 3}): the RM needs f + 1 identical replies', () => {
    for (const f of [1, 2, 3]) {
      // 2f + 1 sessions: each RM is some session's contact, so the faulty replicas' own replies reach votes first.
      const r = activeAlone({ 'active.f': f, 'faults.byzantineReplicas': f, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 0.2, 'workload.clients': 2 * f + 1 }, f);
      expect(r.invariants.noWrongReply).toBe(true);
      expect(r.metrics.wrongReplies).toBe(0);
      // The wrong replies were there: the contact RMs saw replies differ.
      expect(r.metrics.suspicions).toBeGreaterThan(0);
    }
  });

  it('property: f + 1 colluding wrong replies win the vote — noWrongReply is false and the clients count wrong replies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), (f, atS) => {
        const r = activeAlone({ 'active.f': f, 'faults.byzantineReplicas': f + 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': atS }, 1);
        expect(r.invariants.noWrongReply).toBe(false);
        expect(r.metrics.wrongReplies as number).toBeGreaterThan(0);
      }),
      { numRuns: 3, seed: 4 },
    );
  }, 600_000);

  it('refuses what it cannot do, naming the field (exit 2)', () => {
    const run = (engine: string, workload: string, params: Record<string, number | string>) => () => runScenario({ engine, workload, params: { 'run.durationS': 3, ...params } });
    expect(inputErrorField(run('active', 'synthetic', {}))).toBe('workload');
    expect(inputErrorField(run('active', 'kvstore', { 'faults.primaryCrashAtS': 1 }))).toBe('faults.primaryCrashAtS');
    expect(inputErrorField(run('active', 'kvstore', { 'faults.linkDownAtS': 1 }))).toBe('faults.linkDownAtS');
    expect(inputErrorField(run('active', 'kvstore', { 'faults.byzantineReplicas': 4, 'faults.byzantineAtS': 1, 'faults.byzantineKind': 'silent' }))).toBe('faults.byzantineReplicas');
    expect(inputErrorField(run('active', 'kvstore', { 'faults.targetHost': 3 }))).toBe('faults.targetHost');
    expect(inputErrorField(run('remus', 'kvstore', { 'faults.rmCrashAtS': 1 }))).toBe('faults.rmCrashAtS');
    expect(inputErrorField(run('unprotected', 'kvstore', { 'faults.byzantineReplicas': 2, 'faults.byzantineAtS': 1, 'faults.byzantineKind': 'silent' }))).toBe('faults.byzantineReplicas');
    expect(inputErrorField(run('active', 'kvstore', { 'faults.byzantineAtS': 1 }))).toBe('faults.byzantineReplicas');
  });
});

describe('Byzantine faults under every engine', { timeout: 120_000 }, () => {
  for (const engine of ['unprotected', 'remus']) {
    it(`${engine}: a wrong-reply replica shows up as wrong replies and a false noWrongReply`, () => {
      const r = runScenario({
        engine,
        workload: 'kvstore',
        params: { 'vm.memoryMiB': 16, 'run.durationS': 3, 'faults.byzantineReplicas': 1, 'faults.byzantineKind': 'wrong-reply', 'faults.byzantineAtS': 1 },
      });
      expect(r.metrics.wrongReplies as number).toBeGreaterThan(0);
      expect(r.invariants.noWrongReply).toBe(false);
      expect(r.invariants.repliesConsistent).toBe(false);
    });
  }

  it('unprotected: a silent replica leaves requests unanswered; corrupt state gives wrong replies', () => {
    const base = { 'vm.memoryMiB': 16, 'run.durationS': 4, 'faults.byzantineReplicas': 1, 'faults.byzantineAtS': 1 };
    const silent = runScenario({ engine: 'unprotected', workload: 'kvstore', params: { ...base, 'faults.byzantineKind': 'silent' } });
    expect(silent.metrics.unansweredRequests).toBe(8);
    const corrupt = runScenario({ engine: 'unprotected', workload: 'kvstore', params: { ...base, 'faults.byzantineKind': 'corrupt-state' } });
    expect(corrupt.metrics.wrongReplies as number).toBeGreaterThan(0);
    expect(corrupt.invariants.noWrongReply).toBe(false);
  });
});

describe('resource accounting', { timeout: 120_000 }, () => {
  for (const engine of ['unprotected', 'remus', 'active']) {
    it(`${engine}: cpuSeconds grows with the request rate`, () => {
      const run = (clients: number) =>
        runScenario({ engine, workload: 'kvstore', params: { 'vm.memoryMiB': 16, 'run.durationS': 3, 'workload.clients': clients } }).metrics;
      const lo = run(2);
      const hi = run(16);
      expect(hi.opsCompleted as number).toBeGreaterThan(4 * (lo.opsCompleted as number));
      // Nearly all the guest work of the extra requests (50 µs each, on every executing replica;
      // a busy vCPU stops spending its idle demand, hence 90 %).
      const executing = engine === 'active' ? 3 : 1;
      const extraWork = ((hi.opsCompleted as number) - (lo.opsCompleted as number)) * 50e-6 * executing;
      expect((hi.cpuSeconds as number) - (lo.cpuSeconds as number)).toBeGreaterThan(0.9 * extraWork);
      for (const k of ['hostsReserved', 'vmsReserved', 'memoryGiBSeconds', 'networkMiB', 'clientOutageMs']) expect(typeof hi[k]).toBe('number');
      expect(hi.serviceLost).toBe(false);
    }, 120_000);
  }
});
