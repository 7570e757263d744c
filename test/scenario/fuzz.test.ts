import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../lib/faults/index.js';
import { isInputError, type ParamSpec } from '../../lib/params/index.js';
import { COMMON_PARAMS, ENGINE_DEFS, runScenario, validateRequest, type RunRequest } from '../../lib/scenario/index.js';
import { WORKLOADS } from '../../workloads/index.js';

/*
 * Hostile input, fuzzed: any key of any engine and workload set to any string must end as a run
 * (exit 0) or as bad input naming a key (exit 2) — never an internal error (exit 1, a stack
 * trace). In-process, as `vmft run` maps them: InputError → 2, anything else thrown → 1. Runs are
 * capped at run.durationS ≤ 2 to keep the suite short.
 */

/** What `vmft run` would exit with for this request (runs it when it validates). */
function exitOf(req: RunRequest): { code: 0 | 2; error?: string } {
  try {
    validateRequest(req);
    runScenario(req);
    return { code: 0 };
  } catch (e) {
    if (isInputError(e)) {
      expect((e as Error).message.length).toBeGreaterThan(0);
      return { code: 2, error: (e as Error).message };
    }
    throw new Error(`internal error (exit 1) for ${JSON.stringify(req)}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

// The trace workload needs a trace file: fuzzed without one it is always bad input.
const WORKLOAD_NAMES = WORKLOADS.map((w) => w.name);
const ENGINE_NAMES = ENGINE_DEFS.map((e) => e.name);

function keysOf(engine: string, workload: string): ParamSpec[] {
  return [...COMMON_PARAMS, ...WORKLOADS.find((w) => w.name === workload)!.params, ...ENGINE_DEFS.find((e) => e.name === engine)!.params];
}

/** Strings a hostile user types: numbers of every shape, words, junk, boundaries. */
const valueArb = fc.oneof(
  fc.constantFrom('0', '-0', '1', '-1', '2', '0.5', '1e-7', '1e12', '1e999', '0x10', ' 5', '5 ', '1_000', 'NaN', 'Infinity', '', 'true', 'false', 'xen', 'none', 'uniform', '64', '65', '100000', '4294967296', '-1e-300'),
  fc.integer({ min: -1_000_000, max: 10_000_000 }).map(String),
  fc.double({ noNaN: false, min: -1e6, max: 1e7 }).map(String),
  fc.string({ maxLength: 8 }),
);

describe('fuzz: every key × hostile values never exits 1', () => {
  it('one key set to a hostile string, on any engine and workload', () => {
    const counts = { ok: 0, bad: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...ENGINE_NAMES),
        fc.constantFrom(...WORKLOAD_NAMES),
        fc.nat(),
        valueArb,
        fc.integer({ min: 1, max: 1000 }),
        (engine, workload, k, value, seed) => {
          const keys = keysOf(engine, workload);
          const key = keys[k % keys.length]!.key;
          const params: Record<string, string | number> = { [key]: value };
          // Runs capped at 2 s: a longer run.durationS is only validated.
          const long = key === 'run.durationS' && !(Number(value) <= 2);
          if (!long && key !== 'run.durationS') params['run.durationS'] = 1.5;
          if (engine === 'migration' && key !== 'migration.startAtS') params['migration.startAtS'] = 0.5;
          const req = { engine, workload, params, seed };
          if (long) {
            try {
              validateRequest(req);
            } catch (e) {
              if (!isInputError(e)) throw e;
            }
            return;
          }
          const r = exitOf(req);
          counts[r.code === 0 ? 'ok' : 'bad']++;
          if (r.code === 2) expect(r.error).not.toMatch(/\n\s+at /);
        },
      ),
      { numRuns: 80, seed: 1515 },
    );
    // Both outcomes were exercised.
    expect(counts.ok).toBeGreaterThan(10);
    expect(counts.bad).toBeGreaterThan(10);
  }, 300_000);
});

describe('fuzz: every fault key × engine × a time equal to another event', () => {
  const FAULT_KEYS = ['faults.primaryCrashAtS', 'faults.backupCrashAtS', 'faults.hostCrashAtS', 'faults.vmCrashAtS', 'faults.linkDownAtS', 'faults.rmCrashAtS'];
  // t = 0 (the start), 0.5 s (migration start; the 20th 25 ms Remus epoch), 1 s (another fault's time).
  const TIMES = [0, 0.5, 1];
  for (const def of ENGINE_DEFS)
    for (const key of FAULT_KEYS)
      it(`${def.name}: ${key} at the start, at the migration start / an epoch boundary, together with another fault`, () => {
        const engine = def.name;
        const codes: number[] = [];
        for (const t of TIMES) {
          const params: Record<string, number> = { 'run.durationS': 2, [key]: t };
          if (engine === 'migration') params['migration.startAtS'] = 0.5;
          if (t === 1 && key !== 'faults.vmCrashAtS') params['faults.vmCrashAtS'] = 1;
          if (key === 'faults.linkDownAtS') params['faults.linkDownForS'] = 0.5;
          if (def.replicated === true) params['vm.memoryMiB'] = 16;
          // Remus with its clients (kvstore) where two faults coincide, and the replicated engines
          // (they run only a replicable service); synthetic otherwise (fast).
          const workload = def.replicated === true || (engine === 'remus' && t === 1) ? 'kvstore' : 'synthetic';
          codes.push(exitOf({ engine, workload, params }).code);
        }
        // An engine refuses a fault kind it does not declare (nothing to act on); then always.
        const kind = key.slice('faults.'.length, -'AtS'.length) as FaultKind;
        const refuses = !def.faultKinds.includes(kind);
        expect(codes).toEqual(TIMES.map(() => (refuses ? 2 : 0)));
      }, 120_000);
});
