import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { isInputError } from '../../lib/params/index.js';
import { readStore, sweep, type SweepProgress } from '../../lib/sweep/index.js';
import { ensureBuilt, ROOT, RUNNER, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

beforeAll(ensureBuilt, 120_000);

describe('failing points', () => {
  it('a throwing point is recorded as error with its message and a hanging one as timeout, while the rest complete', async () => {
    const out = join(tempDir('fail'), 'store');
    const progress: SweepProgress[] = [];
    const t0 = Date.now();
    const rows = await sweep(
      {
        engine: 'migration',
        workload: 'idle',
        grid: { 'fake.mode': ['ok', 'throw', 'hang'], x: [1, 2, 3] },
        timeLimitS: 0.5,
      },
      { out, workers: 2, runner: RUNNER, onProgress: (p) => progress.push(p) },
    );
    const wall = Date.now() - t0;
    const byMode = (m: string) => rows.filter((r) => r['fake.mode'] === m);
    expect(byMode('ok').map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(byMode('throw').map((r) => [r.status, r.error])).toEqual([
      ['error', 'fake failure for x=1'],
      ['error', 'fake failure for x=2'],
      ['error', 'fake failure for x=3'],
    ]);
    expect(byMode('hang').map((r) => [r.status, r.error])).toEqual(Array(3).fill(['timeout', 'exceeded the time limit of 0.5 s']));
    for (const r of byMode('hang')) expect(r.wallMs).toBeGreaterThanOrEqual(450);
    // Failed rows carry their parameters but no metrics.
    expect(byMode('throw')[0]).not.toHaveProperty('throughputOpsPerS');
    expect(readStore(out).rows).toEqual(rows);
    // Three hung points, 0.5 s each, on two workers: bounded, not hung.
    expect(wall).toBeLessThan(15_000);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ total: 9, done: 9, ok: 3, failed: 6, errors: 3, timeouts: 3, running: 0 });
    expect(progress[0]).toMatchObject({ done: 0, etaMs: null });
    expect(progress.filter((p) => p.row !== undefined)).toHaveLength(9);
  }, 60_000);

  it('a parameter the runner rejects up front (validateRequest) is an input error and nothing runs', async () => {
    const out = join(tempDir('preflight'), 'store');
    const err = await sweep({ engine: 'remus', workload: 'idle', grid: { 'fake.bad': [1, 2] } }, { out, runner: RUNNER }).catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/nothing was run[\s\S]*fake\.bad: 1 is not accepted[\s\S]*fake\.bad: 2 is not accepted/);
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it('without validateRequest, the runner\'s resolveRunParams(engine, workload, params) checks every point up front', async () => {
    const runner = { module: join(ROOT, 'test/fixtures/sweep/resolve-runner.mjs') };
    const err = await sweep({ engine: 'remus', workload: 'idle', grid: { 'nope.x': [1] } }, { runner }).catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/nope\.x: unknown parameter for remus on idle \(allowed: x\)/);
    const rows = await sweep({ engine: 'remus', workload: 'idle', grid: { x: [1, 2] } }, { runner, workers: 1 });
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok']);
  }, 30_000);

  it('a runner module without the export fails every point with a clear message', async () => {
    const rows = await sweep({ engine: 'remus', workload: 'idle', replicates: 2 }, { workers: 1, runner: { ...RUNNER, export: 'nope' } });
    expect(rows.map((r) => r.status)).toEqual(['error', 'error']);
    expect(rows[0]!.error).toMatch(/has no function export "nope"/);
  }, 30_000);

  it('a bad worker count is an input error', async () => {
    await expect(sweep({ engine: 'remus', workload: 'idle' }, { workers: 0, runner: RUNNER })).rejects.toThrow(/workers: 0 is not a worker count \(allowed: an integer ≥ 1\)/);
  });
});
