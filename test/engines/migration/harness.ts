import { migrationEngine } from '../../../lib/engines/migration/index.js';
import { resolveParams, type ParamValue } from '../../../lib/params/index.js';
import { COMMON_PARAMS, buildRun, type EngineRunResult } from '../../../lib/scenario/index.js';
import type { MigrationMetrics } from '../../../lib/engines/migration/metrics.js';
import type { WorkloadPreset } from '../../../workloads/index.js';
import type { ScheduledFault } from '../../../lib/faults/index.js';

/**
 * A migration run as runScenario builds it (`buildRun`: the network, the VM on host A, its clients),
 * without the unprotected twin, for presets that are not registered. Returns the engine's report
 * beside the run's parts.
 */
export function migrate(preset: WorkloadPreset, input: Record<string, ParamValue>, opts: { seed?: number; faults?: readonly ScheduledFault[] } = {}) {
  const params = resolveParams([...COMMON_PARAMS, ...preset.params, ...migrationEngine.params], input, preset.defaults);
  const run = buildRun(migrationEngine, preset, params, opts.seed ?? 1, opts.faults ?? []);
  const outcome = run.run();
  // The engine is the migration: its metrics and series are what MigrationMetrics and MigrationSeries name.
  const metrics = outcome.metrics as typeof outcome.metrics & MigrationMetrics;
  const series = outcome.engine.series as EngineRunResult<'migration'>['series'];
  return { metrics, invariants: outcome.engine.invariants, series, network: run.network, vm: run.guests[0]!.vm, hosts: run.hosts };
}
