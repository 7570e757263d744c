import type { ResourceMetrics } from '../../../lib/engines/resources.js';
import type { SpareMetrics } from '../../../lib/engines/spare/metrics.js';
import { faultSchedule } from '../../../lib/faults/index.js';
import { getEngine, resolveRunParams, simulate, type SimulationOutcome } from '../../../lib/scenario/index.js';
import { getWorkload } from '../../../workloads/index.js';

/** A spare run's outcome with SPARE's own metrics. */
export type SpareOutcome = SimulationOutcome & { readonly metrics: SimulationOutcome['metrics'] & ResourceMetrics & SpareMetrics };

/** One row of a series. */
export type Rec = Record<string, number | string | boolean | null>;

/** One row of the `activations` series. */
export interface ActivationRow {
  faultAtS: number | null;
  suspectedAtS: number;
  unpausedAtS: number | null;
  caughtUpAtS: number | null;
  decidedAtS: number | null;
  replacedAtS: number | null;
  replica: string;
  cause: string;
}

/** A short spare run of the kvstore in a 4 MiB VM, without the active twin. */
export function spareRun(params: Record<string, number | string | boolean>, seed = 1): SpareOutcome {
  const p = resolveRunParams('spare', 'kvstore', { 'vm.memoryMiB': 4, 'run.durationS': 1.2, 'workload.rmwProportion': 0.2, 'workload.clients': 4, ...params });
  return simulate(getEngine('spare'), getWorkload('kvstore'), p, seed, faultSchedule(p, p.num('run.durationS'))) as SpareOutcome;
}

/** The run's activations. */
export const activationsOf = (r: SpareOutcome): ActivationRow[] => r.series.activations as unknown as ActivationRow[];

/**
 * Writes only: a corrupted replica's replies stay right (a write's reply does not read the store),
 * so only the digests of the next update differ and the state comparison decides.
 */
export const WRITES_ONLY = { 'workload.readProportion': 0, 'workload.rmwProportion': 0, 'workload.clients': 2, 'spare.updateIntervalMs': 100 } as const;
