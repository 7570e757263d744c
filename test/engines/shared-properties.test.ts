/**
 * Properties every engine must have, run against every engine that exists (pure-rand style: one
 * shared suite, many implementations). Engine-specific suites live beside this file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineDef } from '../../lib/engines/engine.js';
import { faultSchedule } from '../../lib/faults/index.js';
import { ENGINE_DEFS, resolveRunParams, runScenario, simulate, type RunRequest, type RunResult, type SimulationOutcome } from '../../lib/scenario/index.js';
import { getWorkload } from '../../workloads/index.js';

/** What each engine needs to act within a short run (a migration must start and finish before the end). */
const ENGINE_PARAMS: Record<string, Record<string, number | string | boolean>> = {
  unprotected: { 'run.durationS': 3 },
  migration: { 'migration.startAtS': 1, 'run.durationS': 20 },
  remus: { 'run.durationS': 3 },
  active: { 'run.durationS': 2, 'vm.memoryMiB': 16 },
  spare: { 'run.durationS': 1, 'vm.memoryMiB': 4, 'spare.updateIntervalMs': 200 },
};
/** A run of each engine in which every check it declares can run (e.g. a migration of a local disk too). */
const ALL_CHECKS_PARAMS: Record<string, Record<string, number | string | boolean>> = {
  migration: { 'migration.disk': true, 'vm.diskMiB': 64 },
};
/** Invariants the scenario checks beside the engine's: every reply of a replicated service (docs/design.md#invariants). */
const scenarioInvariants = (engine: EngineDef): string[] => (engine.replicated === true ? ['noWrongReply'] : []);

/** One run without the twin, with the engine's own report: `faults` a kind to schedule at 40 % of the run. */
function engineRun(engine: EngineDef, req: RunRequest, fault?: string): SimulationOutcome {
  const input = { ...req.params };
  const durationS = Number(input['run.durationS'] ?? 3);
  if (fault !== undefined) input[`faults.${fault}AtS`] = durationS * 0.4;
  const p = resolveRunParams(engine.name, req.workload, input);
  return simulate(engine, getWorkload(req.workload), p, req.seed ?? 1, faultSchedule(p, p.num('run.durationS')));
}

/** Whether `reported` holds every invariant the engine reports on every run and none it does not declare. */
function expectDeclared(engine: EngineDef, reported: Record<string, boolean>): void {
  const declared = [...engine.invariants.everyRun, ...(engine.invariants.whenChecked ?? [])];
  const names = Object.keys(reported);
  for (const name of engine.invariants.everyRun) expect(names).toContain(name);
  for (const name of names) expect(declared).toContain(name);
}

const withoutWall = (r: RunResult): string => JSON.stringify({ ...r, metrics: { ...r.metrics, wallMs: 0 } });

const syntheticArb = fc.record({
  locality: fc.constantFrom('uniform', 'hotcold', 'zipf', 'sequential'),
  rate: fc.integer({ min: 0, max: 20_000 }),
  wsMiB: fc.integer({ min: 1, max: 64 }),
  cpuBound: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
});

for (const engine of ENGINE_DEFS) {
  const base = ENGINE_PARAMS[engine.name] ?? {};
  // A replicating engine runs only a replicable workload: the kvstore, with the arbitrary seed.
  const request = (w: { locality: string; rate: number; wsMiB: number; cpuBound: boolean; seed: number }): RunRequest =>
    engine.replicated === true
      ? { engine: engine.name, workload: 'kvstore', seed: w.seed, params: { ...base } }
      : {
          engine: engine.name,
          workload: 'synthetic',
          seed: w.seed,
          params: {
            'vm.memoryMiB': 64,
            ...base,
            'workload.locality': w.locality,
            'workload.dirtyPagesPerS': w.rate,
            'workload.workingSetMiB': w.wsMiB,
            'workload.cpuBound': w.cpuBound,
          },
        };

  describe(`engine ${engine.name}: shared properties`, { timeout: 180_000 }, () => {
    it('gives byte-identical results for the same configuration and seed', () => {
      fc.assert(
        fc.property(syntheticArb, (w) => {
          expect(withoutWall(runScenario(request(w)))).toBe(withoutWall(runScenario(request(w))));
        }),
        { numRuns: 4 },
      );
    });

    it('keeps every invariant it reports when nothing fails, on random workloads', () => {
      fc.assert(
        fc.property(syntheticArb, (w) => {
          const r = runScenario(request(w));
          for (const name of [...engine.invariants.everyRun, ...scenarioInvariants(engine)]) expect(Object.keys(r.invariants)).toContain(name);
          for (const [name, held] of Object.entries(r.invariants)) expect({ name, held }).toEqual({ name, held: true });
        }),
        { numRuns: 6 },
      );
    });

    it('reports exactly the invariants it declares, on random workloads and under each fault it applies', () => {
      fc.assert(
        fc.property(syntheticArb, (w) => {
          expectDeclared(engine, engineRun(engine, request(w)).engine.invariants);
        }),
        { numRuns: 3 },
      );
      for (const kind of engine.faultKinds) expectDeclared(engine, engineRun(engine, request({ locality: 'hotcold', rate: 5000, wsMiB: 16, cpuBound: false, seed: 5 }), kind).engine.invariants);
    });

    it('reports every invariant it declares on a run where each check can run', () => {
      const req = request({ locality: 'uniform', rate: 2000, wsMiB: 16, cpuBound: false, seed: 7 });
      const r = engineRun(engine, { ...req, params: { ...req.params, ...ALL_CHECKS_PARAMS[engine.name] } });
      expect(Object.keys(r.engine.invariants).sort()).toEqual([...engine.invariants.everyRun, ...(engine.invariants.whenChecked ?? [])].sort());
    });

    it('reports finite metrics and flat series records of the contract shape', () => {
      const r = runScenario(request({ locality: 'hotcold', rate: 5000, wsMiB: 32, cpuBound: true, seed: 3 }));
      expect(r.engine).toBe(engine.name);
      for (const [k, v] of Object.entries(r.metrics)) {
        if (typeof v === 'number') expect({ k, finite: Number.isFinite(v) }).toEqual({ k, finite: true });
        else expect(typeof v).toBe('boolean');
      }
      for (const records of Object.values(r.series))
        for (const rec of records.slice(0, 50)) for (const v of Object.values(rec)) expect(['number', 'string', 'boolean'].includes(typeof v) || v === null).toBe(true);
    });

    it('serves a kvstore guest with every reply correct when nothing fails', () => {
      const r = runScenario({ engine: engine.name, workload: 'kvstore', seed: 11, params: { 'run.durationS': 4, ...base } });
      expect(r.metrics.wrongReplies).toBe(0);
      for (const [name, held] of Object.entries(r.invariants)) expect({ name, held }).toEqual({ name, held: true });
      expect(r.metrics.throughputOpsPerS as number).toBeGreaterThan(0);
    });
  });
}
