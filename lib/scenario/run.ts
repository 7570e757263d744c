import { faultSchedule } from '../faults/index.js';
import { InputError, resolveParams, type Params } from '../params/index.js';
import { MODEL_VERSION } from '../version.js';
import { withRecycledArrays } from '../vm/index.js';
import { getWorkload, type WorkloadPreset } from '../../workloads/index.js';
import { checkRunCombination } from './checks.js';
import { COMMON_PARAMS } from './common-params.js';
import { getEngine } from './engines.js';
import { checkRunLimits } from './limits.js';
import type { EngineName, RunRequest, RunResult, RunResultOf } from './result.js';
import { simulate } from './simulate.js';
import { twinsWanted } from './twin.js';

/** Seeds are 32-bit unsigned integers (the generator's seed width). */
export const MAX_SEED = 0xffffffff;

/** Validate a seed: bad input names the field. */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new InputError('seed', `${JSON.stringify(seed)} is not a valid seed`, `an integer 0 … ${MAX_SEED}`);
  return seed;
}

/** Resolve a request's parameters for its engine and workload (defaults filled in). */
export function resolveRunParams(engineName: string, workloadName: string, input: RunRequest['params'] = {}): Params {
  const engine = getEngine(engineName);
  const preset = getWorkload(workloadName);
  const defaults = { ...preset.defaults, ...preset.derivedDefaults?.(input), ...engine.derivedDefaults?.(input) };
  return resolveParams([...COMMON_PARAMS, ...preset.params, ...engine.params], input, defaults, `engine ${engine.name} with workload ${preset.name}`);
}

/**
 * Check a request the way `runScenario` would, without running it: engine, workload, every
 * parameter, the seed and the fault schedule. Throws InputError. Sweeps check every point first,
 * so a bad grid fails before anything runs.
 */
export function validateRequest(req: RunRequest): void {
  checkSeed(req.seed ?? 1);
  const params = resolveRunParams(req.engine, req.workload, req.params);
  const faults = faultSchedule(params, params.num('run.durationS'));
  checkRunLimits(getEngine(req.engine), getWorkload(req.workload), params, req.params ?? {}, faults);
  checkRunCombination(getEngine(req.engine), getWorkload(req.workload), params);
}

/**
 * Run one configuration: the engine over the workload, and — for a protected engine — its
 * unprotected twin with the same workload, parameters and seed, for `overheadPct` (unless
 * `run.twin` is false: then no twin runs and no twin metric is reported). Throws InputError on bad
 * input before anything runs. Only `metrics.wallMs` depends on the machine.
 */
export function runScenario<E extends string>(req: RunRequest & { readonly engine: E }): RunResultOf<E> {
  // A RunResult is plain data, so no page-state array outlives the run: they can be recycled for
  // the next run on this thread. Not in the first: a lone run (one `vmft run`) has no next run,
  // and keeping its arrays to the end measurably slowed it.
  const result = runsOnThisThread++ === 0 ? runScenarioOnce(req) : withRecycledArrays(() => runScenarioOnce(req));
  return result as RunResultOf<E>;
}

let runsOnThisThread = 0;

function runScenarioOnce(req: RunRequest): RunResult {
  const t0 = performance.now(); // wall time, reported as wallMs only
  const seed = checkSeed(req.seed ?? 1);
  const engine = getEngine(req.engine);
  const preset = getWorkload(req.workload);
  const params = resolveRunParams(req.engine, req.workload, req.params);
  const faults = faultSchedule(params, params.num('run.durationS'));
  checkRunLimits(engine, preset, params, req.params ?? {}, faults);
  checkRunCombination(engine, preset, params);

  const main = simulate(engine, preset, params, seed, faults);
  const metrics: Record<string, number | boolean> = { ...main.metrics };
  // A fault scheduled after fixed work finished never happened: say how many did.
  if (faults.length > 0) {
    const endS = preset.fixedWork && main.metrics.completed === true ? (main.metrics.completionTimeS as number) : params.num('run.durationS');
    metrics.faultsInjected = faults.filter((f) => f.atNs / 1e9 < endS).length;
  }
  if (engine.name !== 'unprotected' && twinsWanted(params)) {
    const unprotected = getEngine('unprotected');
    const twinParams = resolveParams([...COMMON_PARAMS, ...preset.params], withoutKeys(params.values, engine.params.map((p) => p.key)));
    const twin = simulate(unprotected, preset, twinParams.with(faultKeysCleared(twinParams.values)), seed, []);
    const overhead = overheadPct(preset, main.metrics, twin.metrics);
    if (overhead !== undefined) metrics.overheadPct = overhead;
  }
  // SPARE's active twin, for its savings (`run.twin` = false skips it and them).
  if (engine.name === 'spare' && twinsWanted(params)) Object.assign(metrics, savingsAgainstActive(preset, params, seed, faults, main.metrics));
  metrics.wallMs = performance.now() - t0;
  const result: RunResult = {
    engine: engine.name as EngineName,
    workload: preset.name,
    seed,
    params: params.toJSON(),
    metrics: sortKeys(metrics),
    invariants: sortKeys(main.invariants),
    series: main.series,
    modelVersion: MODEL_VERSION,
  };
  // The metrics and series are those of the request's engine (its report's and the scenario's).
  return result;
}

/**
 * SPARE's savings against its `active` twin — 2f + 1 always-running replicas with the same f,
 * workload, parameters, seed and faults: `resourceSavingsPct` = (1 − cpuSeconds ÷ the twin's) × 100,
 * `memorySavingsPct` the same for memoryGiBSeconds (negative: SPARE held more memory).
 */
export function savingsAgainstActive(
  preset: WorkloadPreset,
  params: Params,
  seed: number,
  faults: ReturnType<typeof faultSchedule>,
  run: Record<string, number | boolean>,
): Record<string, number> {
  const active = getEngine('active');
  const input = { ...withoutKeys(params.values, getEngine('spare').params.map((p) => p.key)), 'active.f': params.num('spare.f') };
  const twinParams = resolveParams([...COMMON_PARAMS, ...preset.params, ...active.params], input, {}, 'the active twin');
  const twin = simulate(active, preset, twinParams, seed, faults).metrics;
  const out: Record<string, number> = {};
  const pct = (a: unknown, b: unknown): number | undefined => (typeof a === 'number' && typeof b === 'number' && b > 0 ? (1 - a / b) * 100 : undefined);
  const cpu = pct(run.cpuSeconds, twin.cpuSeconds);
  const mem = pct(run.memoryGiBSeconds, twin.memoryGiBSeconds);
  if (cpu !== undefined) out.resourceSavingsPct = cpu;
  if (mem !== undefined) out.memorySavingsPct = mem;
  return out;
}

/**
 * `overheadPct` against the twin (docs/design.md#metrics): fixed work `(completion / twin − 1) × 100`;
 * otherwise `(1 − m / twin) × 100` for the first of the preset's `overheadMetrics` both runs report
 * (specweb2005: its score; the others: throughput).
 */
export function overheadPct(
  preset: WorkloadPreset,
  run: Record<string, number | boolean>,
  twin: Record<string, number | boolean>,
): number | undefined {
  const num = (m: Record<string, number | boolean>, k: string): number | undefined => (typeof m[k] === 'number' ? (m[k] as number) : undefined);
  if (preset.fixedWork) {
    // An unfinished run's completion time is only a lower bound: no overhead can be claimed.
    if (run.completed !== true || twin.completed !== true) return undefined;
    const a = num(run, 'completionTimeS');
    const b = num(twin, 'completionTimeS');
    return a !== undefined && b !== undefined && b > 0 ? (a / b - 1) * 100 : undefined;
  }
  for (const key of preset.overheadMetrics) {
    const a = num(run, key);
    const b = num(twin, key);
    if (a !== undefined && b !== undefined && b > 0) return (1 - a / b) * 100;
  }
  return undefined;
}

function withoutKeys<T>(o: Readonly<Record<string, T>>, keys: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function faultKeysCleared(values: Readonly<Record<string, unknown>>): Record<string, undefined> {
  const out: Record<string, undefined> = {};
  for (const k of Object.keys(values)) if (k.startsWith('faults.')) out[k] = undefined;
  return out;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}
