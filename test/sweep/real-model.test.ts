import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep, type SweepSpecInput } from '../../lib/sweep/index.js';
import { canonicalLines, ensureBuilt, runLines, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);
beforeAll(ensureBuilt, 120_000);

/** The real model (the default runner: dist/lib/scenario/run.js), with failovers and migrations. */
const spec: SweepSpecInput = {
  name: 'real-model',
  engine: 'remus',
  workload: 'kvstore',
  params: { 'run.durationS': 4, 'faults.primaryCrashAtS': 2 },
  grid: { 'remus.epochMs': [25, 50], 'link.bandwidthMbps': [100, 1000] },
  replicates: 2,
  seed: 3,
};

describe('sweep of the real model', () => {
  it('gives byte-identical rows apart from wallMs with 1 and 2 workers', async () => {
    const dir = tempDir('real');
    const one = await sweep(spec, { out: join(dir, 'one'), workers: 1 });
    await sweep(spec, { out: join(dir, 'two'), workers: 2 });
    expect(one).toHaveLength(8);
    expect(one.every((r) => r.status === 'ok')).toBe(true);
    expect(one.every((r) => typeof r.failoverMs === 'number')).toBe(true);
    expect(canonicalLines(runLines(join(dir, 'two')))).toEqual(canonicalLines(runLines(join(dir, 'one'))));
  }, 120_000);
});
