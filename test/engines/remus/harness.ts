import { remusEngine } from '../../../lib/engines/remus/index.js';
import type { EngineReport } from '../../../lib/engines/engine.js';
import type { RemusMetrics } from '../../../lib/engines/remus/metrics.js';
import type { ResourceMetrics } from '../../../lib/engines/resources.js';
import { faultSchedule } from '../../../lib/faults/index.js';
import type { ParamValue } from '../../../lib/params/index.js';
import { buildRun, resolveRunParams, simulate, type BuiltRun, type SimulationOutcome } from '../../../lib/scenario/index.js';
import { getWorkload } from '../../../workloads/index.js';

/** A Remus simulation's outcome, its metrics named and typed as Remus reports them. */
export type RemusOutcome = SimulationOutcome & { readonly metrics: SimulationOutcome['metrics'] & ResourceMetrics & RemusMetrics };

/** One Remus simulation (no twin): faster than runScenario for property tests. */
export function remusRun(workload: string, params: Record<string, ParamValue>, seed = 1): RemusOutcome {
  const p = resolveRunParams('remus', workload, params);
  // The engine is Remus: its report's metrics and the resources are what RemusMetrics and ResourceMetrics name.
  return simulate(remusEngine, getWorkload(workload), p, seed, faultSchedule(p, p.num('run.durationS'))) as RemusOutcome;
}

/**
 * N primaries (each its own host, `workload` guest and clients) protected by one backup host, built
 * as runScenario builds them (`buildRun`); `beforeRun` hooks in before the clock runs (schedule a
 * sabotage, stop the clients at some time).
 */
export function multiPrimaryRun(
  n: number,
  workload: string,
  params: Record<string, ParamValue>,
  seed = 1,
  beforeRun?: (run: BuiltRun) => void,
): { report: EngineReport; outcome: SimulationOutcome; run: BuiltRun } {
  const p = resolveRunParams('remus', workload, { ...params, 'remus.primaries': n });
  const run = buildRun(remusEngine, getWorkload(workload), p, seed, faultSchedule(p, p.num('run.durationS')));
  beforeRun?.(run);
  const outcome = run.run();
  return { report: outcome.engine, outcome, run };
}
