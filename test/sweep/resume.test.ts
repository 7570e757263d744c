import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { expandSpec, loadSpec, mergeStores, readStore, sweep, validateSpec, type SweepSpecInput } from '../../lib/sweep/index.js';
import { canonicalLines, ensureBuilt, ROOT, RUNNER, runLines, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const SLOW_SPEC = join(ROOT, 'test/fixtures/sweep/slow-spec.json');
const CHILD = join(ROOT, 'test/fixtures/sweep/sweep-child.mjs');

const small: SweepSpecInput = { name: 'small', engine: 'remus', workload: 'idle', grid: { x: [1, 2, 3] }, replicates: 2, seed: 2 };

beforeAll(ensureBuilt, 120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ids(lines: string[]): string[] {
  return lines.map((l) => (JSON.parse(l) as { id: string }).id);
}

describe('resume', () => {
  it('after SIGKILL of the whole process group mid-sweep ends with exactly the rows of an uninterrupted run, none twice', async () => {
    const dir = tempDir('kill');
    const killed = join(dir, 'killed');
    const total = expandSpec(loadSpec(SLOW_SPEC)).length;
    const child = spawn(process.execPath, [CHILD, SLOW_SPEC, killed, '2'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    const deadline = Date.now() + 30_000;
    while (runLines(killed).length < 4 && Date.now() < deadline) await sleep(20);
    process.kill(-child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = runLines(killed).length;
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(total);

    let ran = 0;
    await sweep(SLOW_SPEC, { out: killed, workers: 2, runner: RUNNER, onProgress: (p) => (ran = p.total) });
    expect(ran).toBe(total - before);
    const lines = runLines(killed);
    expect(lines).toHaveLength(total);
    expect(new Set(ids(lines)).size).toBe(total);

    const clean = join(dir, 'clean');
    await sweep(SLOW_SPEC, { out: clean, workers: 2, runner: RUNNER });
    expect(canonicalLines(lines)).toEqual(canonicalLines(runLines(clean)));
  }, 90_000);

  it('cuts a torn last line away and reruns its point', async () => {
    const out = join(tempDir('torn'), 'store');
    await sweep(small, { out, workers: 1, runner: RUNNER });
    const full = readFileSync(join(out, 'runs.jsonl'), 'utf8');
    const lines = full.split('\n').filter(Boolean);
    // Keep four complete lines and half of the fifth, as a kill mid-write would leave them.
    const torn = lines.slice(0, 4).join('\n') + '\n' + lines[4]!.slice(0, 30);
    writeFileSync(join(out, 'runs.jsonl'), torn);
    expect(readStore(out).tornBytes).toBe(30);
    expect(readStore(out).rows).toHaveLength(4);

    let ran = -1;
    const rows = await sweep(small, { out, workers: 1, runner: RUNNER, onProgress: (p) => (ran = p.total) });
    expect(ran).toBe(2);
    expect(rows).toHaveLength(6);
    const after = readFileSync(join(out, 'runs.jsonl'), 'utf8');
    expect(after.startsWith(lines.slice(0, 4).join('\n') + '\n')).toBe(true);
    expect(after.endsWith('\n')).toBe(true);
    expect(runLines(out).every((l) => JSON.parse(l))).toBe(true);
    expect(canonicalLines(runLines(out))).toEqual(canonicalLines(lines));
  }, 30_000);

  it('of a complete store runs nothing and returns its rows', async () => {
    const out = join(tempDir('done'), 'store');
    const first = await sweep(small, { out, workers: 2, runner: RUNNER });
    let ran = -1;
    const again = await sweep(small, { out, workers: 2, runner: RUNNER, onProgress: (p) => (ran = p.total) });
    expect(ran).toBe(0);
    expect(again).toEqual(first);
    expect(runLines(out)).toHaveLength(6);
    const m = readStore(out).manifest;
    expect(m.endedAt).not.toBeNull();
    expect(Date.parse(m.startedAt)).toBeLessThanOrEqual(Date.parse(m.endedAt!));
  }, 30_000);

  it('refuses a different spec into the same store, naming both', async () => {
    const out = join(tempDir('other'), 'store');
    await sweep(small, { out, workers: 1, runner: RUNNER });
    const err = await sweep({ ...small, name: 'other', seed: 3 }, { out, runner: RUNNER }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('InputError');
    expect((err as Error).message).toMatch(/holds sweep "small" \(spec [0-9a-f]{12}\), not this spec's sweep "other" \(spec [0-9a-f]{12}\)/);
    expect((err as Error).message).toMatch(/allowed: an empty or new folder, or the store of this same spec/);
    expect(runLines(out)).toHaveLength(6);
  }, 30_000);

  it('refuses a store written by another model version', async () => {
    const out = join(tempDir('model'), 'store');
    await sweep(small, { out, workers: 1, runner: RUNNER });
    const path = join(out, 'sweep.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), modelVersion: '0.0.1' }));
    await expect(sweep(small, { out, runner: RUNNER })).rejects.toThrow(/was written by model version 0\.0\.1/);
  }, 30_000);

  it('refuses a corrupt line in the middle of the store', async () => {
    const out = join(tempDir('corrupt'), 'store');
    await sweep(small, { out, workers: 1, runner: RUNNER });
    const lines = runLines(out);
    writeFileSync(join(out, 'runs.jsonl'), [lines[0], '{"id": oops', ...lines.slice(1)].join('\n') + '\n');
    await expect(sweep(small, { out, runner: RUNNER })).rejects.toThrow(/runs\.jsonl:2: corrupt line/);
  }, 30_000);
});

describe('merge', () => {
  it('unions by id, keeps one row per point and refuses stores of different specs', async () => {
    const dir = tempDir('merge');
    await sweep(small, { out: join(dir, 'a'), shard: '0/2', workers: 1, runner: RUNNER });
    await sweep(small, { out: join(dir, 'b'), workers: 1, runner: RUNNER });
    const r = mergeStores([join(dir, 'a'), join(dir, 'b')], join(dir, 'm'));
    expect(r.rows).toHaveLength(6);
    expect(r.duplicates).toBe(3);
    expect(runLines(join(dir, 'm'))).toHaveLength(6);
    // Merging into an existing store of the same sweep is idempotent.
    mergeStores([join(dir, 'a')], join(dir, 'm'));
    expect(runLines(join(dir, 'm'))).toHaveLength(6);

    await sweep({ ...small, seed: 99 }, { out: join(dir, 'c'), workers: 1, runner: RUNNER });
    expect(() => mergeStores([join(dir, 'a'), join(dir, 'c')], join(dir, 'm2'))).toThrow(/cannot merge .*c with .*a: .*holds sweep "small"/);
    expect(() => mergeStores([join(dir, 'c')], join(dir, 'm'))).toThrow(/cannot merge/);
    expect(() => mergeStores([join(dir, 'nothing')], join(dir, 'm3'))).toThrow(/not a sweep store \(no sweep\.json\)/);
  }, 30_000);

  it('reports points still missing', async () => {
    const dir = tempDir('missing');
    await sweep(small, { out: join(dir, 'a'), shard: '1/3', workers: 1, runner: RUNNER });
    expect(mergeStores([join(dir, 'a')], join(dir, 'm')).missing).toBe(4);
  }, 30_000);
});

describe('longest-first ordering', () => {
  it('runs points with known long durations first', async () => {
    const spec = validateSpec({ engine: 'remus', workload: 'idle', grid: { x: [1, 2, 3, 4] } });
    const points = expandSpec(spec);
    const order: number[] = [];
    await sweep(spec, {
      workers: 1,
      runner: RUNNER,
      durations: { [points[0]!.id]: 5, [points[1]!.id]: 50, [points[2]!.id]: 20 },
      onProgress: (p) => p.row && order.push(p.row.index),
    });
    // Unknown (index 3) first, then 50, 20, 5 ms.
    expect(order).toEqual([3, 1, 2, 0]);
  }, 30_000);
});
