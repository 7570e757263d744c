import { join } from 'node:path';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { readStore, sweep, SweepAbortedError } from '../../lib/sweep/index.js';
import { canonicalLines, ensureBuilt, RUNNER, runLines, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

beforeAll(ensureBuilt, 120_000);

const spec = { name: 'abort', engine: 'remus' as const, workload: 'idle', params: { 'fake.busyMs': 100 }, grid: { x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } };

describe('an AbortSignal', () => {
  it('stops a library sweep, keeps what finished, and a rerun completes it', async () => {
    const out = join(tempDir('abort'), 'store');
    const ac = new AbortController();
    const t0 = Date.now();
    const err = await sweep(spec, {
      out,
      workers: 2,
      runner: RUNNER,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.done === 3) ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(SweepAbortedError);
    const kept = (err as SweepAbortedError).rows;
    expect((err as Error).name).toBe('AbortError');
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(10);
    // The store holds exactly the finished rows, each complete; the cancelled point is not recorded.
    expect(readStore(out).rows).toEqual(kept);
    expect(readStore(out).tornBytes).toBe(0);
    expect(readStore(out).manifest.endedAt).not.toBeNull();

    const rows = await sweep(spec, { out, workers: 2, runner: RUNNER });
    expect(rows).toHaveLength(10);
    expect(new Set(runLines(out).map((l) => JSON.parse(l).id)).size).toBe(10);
    const clean = await sweep(spec, { workers: 2, runner: RUNNER });
    expect(canonicalLines(rows.map((r) => JSON.stringify(r)))).toEqual(canonicalLines(clean.map((r) => JSON.stringify(r))));
  }, 60_000);

  it('a throwing onProgress stops the sweep with that error, after every lane has wound down', async () => {
    const out = join(tempDir('progress-throws'), 'store');
    const err = await sweep(spec, {
      out,
      workers: 2,
      runner: RUNNER,
      onProgress: (p) => {
        if (p.done === 2) throw new Error('notebook cell interrupted');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('notebook cell interrupted');
    const kept = runLines(out).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(10);
    expect(readStore(out).tornBytes).toBe(0);
    // Nothing arrives after the sweep settled.
    await new Promise((r) => setTimeout(r, 300));
    expect(runLines(out)).toHaveLength(kept);
  }, 30_000);

  it('already aborted runs nothing', async () => {
    const out = join(tempDir('pre-abort'), 'store');
    await expect(sweep(spec, { out, runner: RUNNER, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(SweepAbortedError);
    expect(runLines(out)).toHaveLength(0);
  }, 30_000);
});
