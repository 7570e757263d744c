import type { ParamValue } from '../params/index.js';
import type { RunRequest } from '../scenario/result.js';
import { MODEL_VERSION } from '../version.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { SweepSpec } from './spec.js';

/** One run of a sweep. */
export interface SweepPoint {
  /** Position in the full expanded grid (before sharding); stable for a given spec. */
  readonly index: number;
  /** Stable id: hash of engine, workload, canonical parameters, replicate and model version. */
  readonly id: string;
  readonly replicate: number;
  /** Derived from the base seed and the id, never from run order. */
  readonly seed: number;
  /** Fixed parameters plus this point's grid values, keys sorted. */
  readonly params: Readonly<Record<string, ParamValue>>;
}

/** 64 bits of sha256: collisions are out of reach for any sweep that fits in a store. */
const ID_HEX = 16;

export function pointId(
  engine: string,
  workload: string,
  params: Readonly<Record<string, ParamValue>>,
  replicate: number,
  modelVersion: string = MODEL_VERSION,
): string {
  return sha256Hex(canonicalJson({ engine, workload, params, replicate, modelVersion })).slice(0, ID_HEX);
}

/** A seed in 1 … 2^32−1 (zero avoided: some generators treat it specially). */
export function pointSeed(baseSeed: number, id: string): number {
  const h = sha256Hex(`vmft-seed:${baseSeed}:${id}`);
  return (parseInt(h.slice(0, 8), 16) % 0xffffffff) + 1;
}

function sortedParams(p: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(p).sort()) out[k] = p[k]!;
  return out;
}

/** The number of points a spec expands to. */
export function pointCount(spec: SweepSpec): number {
  return Object.values(spec.grid).reduce((n, vs) => n * vs.length, 1) * spec.replicates;
}

/**
 * The cartesian product of the grid, times the replicates. Grid keys are taken in sorted order
 * (the first key varies slowest), values in their listed order, replicates innermost — so the
 * order depends only on the spec's content, as its hash does.
 */
export function expandSpec(spec: SweepSpec, modelVersion: string = MODEL_VERSION): SweepPoint[] {
  const keys = Object.keys(spec.grid).sort();
  let combos: Record<string, ParamValue>[] = [{}];
  for (const key of keys) {
    const next: Record<string, ParamValue>[] = [];
    for (const c of combos) for (const v of spec.grid[key]!) next.push({ ...c, [key]: v });
    combos = next;
  }
  const points: SweepPoint[] = [];
  for (const combo of combos) {
    const params = sortedParams({ ...spec.params, ...combo });
    for (let replicate = 0; replicate < spec.replicates; replicate++) {
      const id = pointId(spec.engine, spec.workload, params, replicate, modelVersion);
      points.push({ index: points.length, id, replicate, seed: pointSeed(spec.seed, id), params });
    }
  }
  return points;
}

/** What the runner is asked for one point. */
export function pointRequest(spec: SweepSpec, point: SweepPoint): RunRequest {
  return { engine: spec.engine, workload: spec.workload, params: point.params, seed: point.seed };
}
