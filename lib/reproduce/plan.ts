import { join } from 'node:path';
import type { ParamValue } from '../params/index.js';
import type { SweepSpecInput } from '../sweep/index.js';
import type { MeasuredExperiment } from './types.js';

/** The experiment's fixed parameters and grid for this mode (quick overrides key by key). */
export function effectivePlan(exp: MeasuredExperiment, quick: boolean): {
  params: Record<string, ParamValue>;
  grid: Record<string, ParamValue[]>;
  replicates: number;
  timeLimitS: number | undefined;
} {
  const params: Record<string, ParamValue> = { ...exp.sweep.params };
  const grid: Record<string, ParamValue[]> = {};
  for (const [k, vs] of Object.entries(exp.sweep.grid ?? {})) grid[k] = [...vs];
  if (quick) {
    // A key is either fixed or varied (the spec schema refuses both): a quick override moves it.
    for (const [k, v] of Object.entries(exp.quick.params ?? {})) {
      delete grid[k];
      params[k] = v;
    }
    for (const [k, vs] of Object.entries(exp.quick.grid ?? {})) {
      delete params[k];
      grid[k] = [...vs];
    }
  }
  return {
    params,
    grid,
    replicates: (quick ? exp.quick.replicates : undefined) ?? exp.sweep.replicates,
    timeLimitS: (quick ? exp.quick.timeLimitS : undefined) ?? exp.sweep.timeLimitS,
  };
}

/** The sweep spec an experiment runs in this mode. Named after the experiment (and the mode). */
export function sweepSpecFor(exp: MeasuredExperiment, quick: boolean): SweepSpecInput {
  const p = effectivePlan(exp, quick);
  return {
    name: quick ? `${exp.id}-quick` : exp.id,
    ...(exp.sweep.engine === undefined ? {} : { engine: exp.sweep.engine as SweepSpecInput['engine'] }),
    workload: exp.sweep.workload,
    params: p.params,
    grid: p.grid,
    replicates: p.replicates,
    seed: exp.sweep.seed ?? 1,
    ...(p.timeLimitS === undefined ? {} : { timeLimitS: p.timeLimitS }),
  };
}

/**
 * Where an experiment's raw store lives, relative to the output folder: `stores/<id>`, and
 * `stores/quick/<id>` for `--quick` (a different spec, so never the same store).
 */
export function storePath(id: string, quick: boolean): string {
  return quick ? join('stores', 'quick', id) : join('stores', id);
}

/** Where its figure goes, relative to the output folder, without extension. */
export function figurePath(id: string): string {
  return `figures/${id}`;
}
