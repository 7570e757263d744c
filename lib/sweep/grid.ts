import type { ParamValue } from '../params/index.js';
import { ENGINES, PLANNED_ENGINES, type RunRequest } from '../scenario/result.js';
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
  /** The engine this point runs (the spec's, or its value of `grid.engine`). */
  readonly engine: string;
  /** Derived from the base seed and the id, never from run order. */
  readonly seed: number;
  /**
   * Fixed parameters plus this point's grid values, keys sorted. When the engine is a grid
   * dimension, `engine` is one of them (a column of the row) and keys of other engines are left out.
   */
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
  // With the engine as a dimension, combinations that differ only in another engine's keys merge.
  if ('engine' in spec.grid) return expandSpec(spec).length;
  return Object.values(spec.grid).reduce((n, vs) => n * vs.length, 1) * spec.replicates;
}

/** Key namespaces that belong to one engine: `remus.epochMs` is remus's. */
const ENGINE_NAMESPACES: readonly string[] = [...ENGINES, ...PLANNED_ENGINES];

/** Whether `key` may be set on a point of `engine` (a key of another engine's namespace may not). */
export function appliesTo(key: string, engine: string): boolean {
  const ns = key.slice(0, key.indexOf('.'));
  return !ENGINE_NAMESPACES.includes(ns) || ns === engine;
}

/**
 * The cartesian product of the grid, times the replicates. Grid keys are taken in sorted order
 * (the first key varies slowest), values in their listed order, replicates innermost — so the
 * order depends only on the spec's content, as its hash does. When `engine` is a grid dimension,
 * each point keeps only the keys that apply to its engine, then its `engineParams`; combinations
 * that thereby become the same point (unprotected under two Remus epochs) run once.
 */
export function expandSpec(spec: SweepSpec, modelVersion: string = MODEL_VERSION): SweepPoint[] {
  const keys = Object.keys(spec.grid).sort();
  let combos: Record<string, ParamValue>[] = [{}];
  for (const key of keys) {
    const next: Record<string, ParamValue>[] = [];
    for (const c of combos) for (const v of spec.grid[key]!) next.push({ ...c, [key]: v });
    combos = next;
  }
  const varies = 'engine' in spec.grid;
  const points: SweepPoint[] = [];
  const seen = new Set<string>();
  for (const combo of combos) {
    const engine = varies ? String(combo.engine) : spec.engine!;
    let all: Record<string, ParamValue> = { ...spec.params, ...combo, ...spec.engineParams[engine as keyof typeof spec.engineParams] };
    if (varies) all = Object.fromEntries(Object.entries(all).filter(([k]) => k === 'engine' || appliesTo(k, engine)));
    const params = sortedParams(all);
    const { engine: _e, ...runParams } = params;
    for (let replicate = 0; replicate < spec.replicates; replicate++) {
      const id = pointId(engine, spec.workload, runParams, replicate, modelVersion);
      if (seen.has(id)) continue;
      seen.add(id);
      points.push({ index: points.length, id, replicate, engine, seed: pointSeed(spec.seed, id), params });
    }
  }
  return points;
}

/** What the runner is asked for one point. */
export function pointRequest(spec: SweepSpec, point: SweepPoint): RunRequest {
  const { engine: _e, ...params } = point.params;
  return { engine: point.engine, workload: spec.workload, params, seed: point.seed };
}
