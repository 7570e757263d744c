import { faultSchedule } from '../faults/index.js';
import { isInputError } from '../params/index.js';
import { ENGINE_DEFS, resolveRunParams } from '../scenario/index.js';
import { expandSpec, pointRequest, type SweepSpec } from '../sweep/index.js';
import { WORKLOADS } from '../../workloads/index.js';

/**
 * Why a sweep cannot run with the engines and workloads this build has, or undefined when it can.
 * Checked at run time (engines and workloads land one by one): a missing engine or workload, or a
 * parameter it does not accept yet. Every point is resolved as `vmft run` would, so a point that
 * would only fail with bad input is caught here, before anything runs.
 */
export function unavailableReason(spec: SweepSpec): string | undefined {
  const engines = ENGINE_DEFS.map((e) => e.name);
  const missing = [spec.engine ?? [], spec.grid.engine ?? []].flat().map(String).find((e) => !engines.includes(e));
  if (missing !== undefined) return `engine \`${missing}\` is not available yet (this build has: ${engines.join(', ')})`;
  const workloads = WORKLOADS.map((w) => w.name);
  if (!workloads.includes(spec.workload))
    return `workload \`${spec.workload}\` is not available yet (this build has: ${workloads.join(', ')})`;
  for (const point of expandSpec(spec)) {
    if (point.replicate !== 0) continue;
    try {
      const req = pointRequest(spec, point);
      const params = resolveRunParams(req.engine, req.workload, req.params);
      faultSchedule(params, params.num('run.durationS'));
    } catch (e) {
      if (isInputError(e)) return `not accepted by this build: ${e.message}`;
      throw e;
    }
  }
  return undefined;
}
