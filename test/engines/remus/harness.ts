import { remusEngine } from '../../../lib/engines/remus/index.js';
import type { EngineDef, EngineReport } from '../../../lib/engines/engine.js';
import { remusReport } from '../../../lib/engines/remus/report.js';
import { wireRemus, type RemusRun } from '../../../lib/engines/remus/wire.js';
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

/**
 * One primary protecting a kvstore guest (a small one: 8 MiB), wired as the Remus engine wires it
 * but with no watchdog and no fault injected. Hook into `run` (its primary's output buffer, its VM),
 * then `start()` starts the guest, its clients and the primary; the test steps the clock
 * (`run.sim.run(t)`) and fails the primary, or the backup, itself. A crash is scheduled (never
 * injected) so that snapshots of the checkpoints are kept, as in any run that can fail over.
 */
export function remusPair(params: Record<string, ParamValue> = {}): { run: RemusRun; start: () => void } {
  const p = resolveRunParams('remus', 'kvstore', {
    'run.durationS': 5,
    'faults.primaryCrashAtS': 4,
    'remus.heartbeatTimeoutMs': 100,
    'vm.memoryMiB': 8,
    'vm.netBufferMiB': 4,
    ...params,
  });
  let wired: RemusRun | undefined;
  const def: EngineDef = {
    ...remusEngine,
    create(ctx) {
      const r = wireRemus(ctx);
      wired = r;
      return { start: () => r.primaries.forEach((pr) => pr.start()), finish: (endNs) => remusReport(r, endNs) };
    },
  };
  const built = buildRun(def, getWorkload('kvstore'), p, 1, faultSchedule(p, p.num('run.durationS')));
  return { run: wired!, start: () => built.start() };
}
