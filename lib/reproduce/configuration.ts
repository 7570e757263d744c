import type { ParamValue } from '../params/index.js';
import { ENGINE_DEFS, resolveRunParams } from '../scenario/index.js';
import { WORKLOADS } from '../../workloads/index.js';
import type { ConfigurationExperiment, ExperimentOutcome } from './types.js';

/**
 * A configuration row: the parameters the first available engine/workload pair resolves to, and
 * which of them differ from the published testbed. Nothing is simulated.
 */
export function resolveConfiguration(exp: ConfigurationExperiment): ExperimentOutcome {
  const engines = ENGINE_DEFS.map((e) => e.name);
  const workloads = WORKLOADS.map((w) => w.name);
  const pair = exp.resolveWith.find(([e, w]) => engines.includes(e) && workloads.includes(w));
  if (pair === undefined)
    return { kind: 'not-run', reason: `none of ${exp.resolveWith.map(([e, w]) => `${e} / ${w}`).join(', ')} is available in this build` };
  const params = resolveRunParams(pair[0], pair[1], {});
  const values: Record<string, ParamValue> = {};
  const mismatches: string[] = [];
  for (const [k, want] of Object.entries(exp.expect)) {
    const have = params.values[k];
    if (have !== undefined) values[k] = have;
    if (have !== want) mismatches.push(`${k} is ${have === undefined ? 'unset' : String(have)}, the testbed’s is ${String(want)}`);
  }
  return { kind: 'configuration', resolvedFor: `${pair[0]} / ${pair[1]}`, values, mismatches };
}
