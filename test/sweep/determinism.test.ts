import { join } from 'node:path';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { mergeStores, readStore, sweep, type SweepSpecInput } from '../../lib/sweep/index.js';
import { canonicalLines, ensureBuilt, RUNNER, runLines, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const spec: SweepSpecInput = {
  name: 'determinism',
  engine: 'remus',
  workload: 'kvstore',
  params: { 'fake.busyMs': 5 },
  grid: { x: [1, 2, 3, 4], y: ['a', 'b', 'c'] },
  replicates: 2,
  seed: 11,
};

beforeAll(ensureBuilt, 120_000);

describe('sweep results', () => {
  it('are byte-identical apart from wallMs with 1 worker, 2 workers, and as 3 shards merged', async () => {
    const dir = tempDir('det');
    const one = await sweep(spec, { out: join(dir, 'one'), workers: 1, runner: RUNNER });
    await sweep(spec, { out: join(dir, 'two'), workers: 2, runner: RUNNER });
    for (const i of [0, 1, 2]) await sweep(spec, { out: join(dir, `s${i}`), workers: 2, shard: `${i}/3`, runner: RUNNER });
    const merged = mergeStores([0, 1, 2].map((i) => join(dir, `s${i}`)), join(dir, 'merged'));

    expect(one).toHaveLength(24);
    expect(one.every((r) => r.status === 'ok')).toBe(true);
    const reference = canonicalLines(runLines(join(dir, 'one')));
    expect(reference).toHaveLength(24);
    expect(canonicalLines(runLines(join(dir, 'two')))).toEqual(reference);
    expect(canonicalLines(runLines(join(dir, 'merged')))).toEqual(reference);
    expect(merged.missing).toBe(0);
    expect(readStore(join(dir, 'merged')).manifest.specHash).toBe(readStore(join(dir, 'one')).manifest.specHash);
    // A shard store holds exactly its points.
    expect(readStore(join(dir, 's1')).rows.map((r) => r.index)).toEqual([1, 4, 7, 10, 13, 16, 19, 22]);
  }, 60_000);

  it('are flat rows in the contract order: id, index, replicate, seed, status, wallMs, params, metrics, inv.*', async () => {
    const rows = await sweep({ ...spec, grid: { x: [1] }, replicates: 1 }, { workers: 1, runner: RUNNER });
    expect(Object.keys(rows[0]!)).toEqual([
      'id',
      'index',
      'replicate',
      'seed',
      'status',
      'wallMs',
      'fake.busyMs',
      'fake.defaulted',
      'x',
      'completed',
      'latencyMsP50',
      'throughputOpsPerS',
      'inv.memoryConsistent',
      'inv.noLostOutput',
    ]);
    expect(typeof rows[0]!.wallMs).toBe('number');
  }, 30_000);

  it('without a store are returned sorted by index', async () => {
    const rows = await sweep(spec, { workers: 2, runner: RUNNER });
    expect(rows.map((r) => r.index)).toEqual([...Array(24).keys()]);
  }, 30_000);
});
