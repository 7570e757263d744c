import { booleanParam, type Params } from '../params/index.js';

/**
 * `run.twin`: whether a protected run also runs its twins — the unprotected run of the same
 * workload, parameters and seed behind `overheadPct` (and any other run an engine makes only to
 * compare against). Unset means true, so it is absent from a result's `params` and every result
 * and sweep point id stays as it was; `false` skips every twin and the metrics derived from them.
 */
export const TWIN_PARAM = booleanParam(
  'run.twin',
  undefined,
  'run the twins a protected run is compared against (the unprotected twin behind overheadPct); unset: true; false skips every twin and omits the metrics only a twin gives (overheadPct and the like): faster when only the run itself matters',
);

/**
 * Whether a run's twins run (`run.twin`, unset = true). Every twin — the unprotected one here, an
 * engine's own — asks this, so one key turns them all off.
 */
export function twinsWanted(params: Params): boolean {
  return params.optBool(TWIN_PARAM.key) !== false;
}
