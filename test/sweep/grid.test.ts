import { describe, expect, it } from 'vitest';
import { expandSpec, inShard, pointCount, pointId, resolveShard, validateSpec } from '../../lib/sweep/index.js';
import { MODEL_VERSION } from '../../lib/version.js';

const spec = validateSpec({
  engine: 'migration',
  workload: 'synthetic',
  params: { 'vm.memoryMiB': 512 },
  grid: { 'workload.dirtyPagesPerS': [100, 1000, 10000], 'link.bandwidthMbps': [100, 1000] },
  replicates: 2,
  seed: 7,
});

describe('grid expansion', () => {
  it('is the cartesian product times replicates, sorted keys varying slowest-first, replicates innermost', () => {
    const points = expandSpec(spec);
    expect(points).toHaveLength(12);
    expect(pointCount(spec)).toBe(12);
    expect(points.map((p) => p.index)).toEqual([...Array(12).keys()]);
    expect(points.slice(0, 4).map((p) => [p.params['link.bandwidthMbps'], p.params['workload.dirtyPagesPerS'], p.replicate])).toEqual([
      [100, 100, 0],
      [100, 100, 1],
      [100, 1000, 0],
      [100, 1000, 1],
    ]);
    expect(points[0]!.params['vm.memoryMiB']).toBe(512);
    expect(Object.keys(points[0]!.params)).toEqual(['link.bandwidthMbps', 'vm.memoryMiB', 'workload.dirtyPagesPerS']);
  });

  it('does not depend on the order keys are written in', () => {
    const reordered = validateSpec({ seed: 7, replicates: 2, grid: { 'link.bandwidthMbps': [100, 1000], 'workload.dirtyPagesPerS': [100, 1000, 10000] }, params: { 'vm.memoryMiB': 512 }, workload: 'synthetic', engine: 'migration' });
    expect(expandSpec(reordered)).toEqual(expandSpec(spec));
  });

  it('gives each point a stable id from its parameters, replicate and the model version', () => {
    const points = expandSpec(spec);
    expect(new Set(points.map((p) => p.id)).size).toBe(12);
    for (const p of points) {
      expect(p.id).toMatch(/^[0-9a-f]{16}$/);
      expect(p.id).toBe(pointId('migration', 'synthetic', p.params, p.replicate, MODEL_VERSION));
    }
    expect(pointId('migration', 'synthetic', points[0]!.params, 0, '9.9.9')).not.toBe(points[0]!.id);
    // A bigger grid keeps the ids of the points it shares with a smaller one.
    const bigger = expandSpec(validateSpec({ ...spec, grid: { ...spec.grid, 'workload.dirtyPagesPerS': [100, 1000, 10000, 50000] } }));
    const ids = new Set(bigger.map((p) => p.id));
    for (const p of points) expect(ids.has(p.id)).toBe(true);
  });

  it('derives seeds from the base seed and the id, not from the position', () => {
    const points = expandSpec(spec);
    const bigger = expandSpec(validateSpec({ ...spec, grid: { ...spec.grid, 'link.bandwidthMbps': [10, 100, 1000] } }));
    const seedById = new Map(bigger.map((p) => [p.id, p.seed]));
    for (const p of points) {
      expect(seedById.get(p.id)).toBe(p.seed);
      expect(Number.isInteger(p.seed) && p.seed >= 1 && p.seed <= 0xffffffff).toBe(true);
    }
    expect(new Set(points.map((p) => p.seed)).size).toBe(12);
    const otherBase = expandSpec(validateSpec({ ...spec, seed: 8 }));
    expect(otherBase.map((p) => p.id)).toEqual(points.map((p) => p.id));
    expect(otherBase.map((p) => p.seed)).not.toEqual(points.map((p) => p.seed));
  });

  it('a grid-less spec is one combination', () => {
    const points = expandSpec(validateSpec({ engine: 'remus', workload: 'idle', replicates: 3 }));
    expect(points.map((p) => p.replicate)).toEqual([0, 1, 2]);
  });
});

describe('shards', () => {
  it('partition the points by index mod n', () => {
    const points = expandSpec(spec);
    const shards = [0, 1, 2].map((i) => points.filter((p) => inShard(p.index, { index: i, count: 3 })).map((p) => p.index));
    expect(shards).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 10],
      [2, 5, 8, 11],
    ]);
  });

  it('come from --shard i/n, else a Slurm job array, else JOB_COMPLETION_INDEX with --shards n', () => {
    expect(resolveShard({ shard: '1/3' }, {})).toEqual({ index: 1, count: 3 });
    expect(resolveShard({}, {})).toBeUndefined();
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({ index: 2, count: 3 });
    // --array=1-3 and --array=0-4:2 map to 0-based shards too.
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 2, count: 3 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toEqual({ index: 2, count: 3 });
    expect(resolveShard({ shards: '4' }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    // --shard wins over the environment.
    expect(resolveShard({ shard: '0/2' }, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toEqual({ index: 0, count: 2 });
  });

  it('refuse what cannot be a shard, saying what is allowed', () => {
    expect(() => resolveShard({ shard: '3/3' }, {})).toThrow(/--shard: 3\/3 is out of range \(allowed: i\/n with integers 0 ≤ i < n/);
    expect(() => resolveShard({ shard: 'a/b' }, {})).toThrow(/--shard: "a\/b" is not a shard/);
    expect(() => resolveShard({ shard: '0/0' }, {})).toThrow(/out of range/);
    expect(() => resolveShard({ shard: '0/2', shards: 2 }, {})).toThrow(/--shards: given together with --shard/);
    expect(() => resolveShard({ shards: 'x' }, {})).toThrow(/--shards: "x" is not a shard count \(allowed: an integer ≥ 1\)/);
    expect(() => resolveShard({ shards: 3 }, {})).toThrow(/--shards: needs JOB_COMPLETION_INDEX/);
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: '1' })).toThrow(/--shards: JOB_COMPLETION_INDEX=1 is set but the shard count is not/);
    expect(() => resolveShard({ shards: 2 }, { JOB_COMPLETION_INDEX: '2' })).toThrow(/JOB_COMPLETION_INDEX: "2" is not a shard index below --shards 2/);
    expect(() => resolveShard({ shards: 4 }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(/--shards: 4 disagrees with SLURM_ARRAY_TASK_COUNT=3/);
    expect(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(/task 5 does not map to a shard of 3/);
  });
});
