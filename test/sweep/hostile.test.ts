import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunText } from '../../lib/cli/commands/sweep.js';
import { expandSpec, LOCK_FILE, MANIFEST_FILE, RUNS_FILE, sweep, validateSpec } from '../../lib/sweep/index.js';
import { MAX_SWEEP_POINTS, MAX_TIME_LIMIT_S } from '../../lib/sweep/spec.js';
import { ensureBuilt, RUNNER, removeTempDirs, tempDir, specFile, vmftSweepCli } from './helpers.js';

afterAll(removeTempDirs);
beforeAll(ensureBuilt, 120_000);


const vmft = (args: string[], during?: (err: () => string) => void) => vmftSweepCli(args, during === undefined ? {} : { during });


const good = { name: 'hostile', engine: 'remus' as const, workload: 'idle', params: { y: 'k' }, grid: { x: [1, 2, 3] }, replicates: 2, seed: 4 };

/** The bytes of a store's files (to show a refusal touched nothing). */
const snapshot = (dir: string): string[] => [MANIFEST_FILE, RUNS_FILE, LOCK_FILE].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '<none>'));

describe('sweeps too large, too long or run twice', () => {
  it('a grid of 130,000 points expands and prints (--dry-run) without overflowing the stack', () => {
    const spec = validateSpec({ engine: 'unprotected', workload: 'idle', grid: { 'vm.memoryMiB': Array.from({ length: 520 }, (_, i) => i + 1), 'workload.dirtyPagesPerS': Array.from({ length: 250 }, (_, i) => i) } });
    const points = expandSpec(spec);
    expect(points).toHaveLength(130_000);
    expect(dryRunText(spec, points, undefined)).toMatch(/130000 points \(130000 combinations × 1 replicate\)\n$/);
  }, 120_000);

  it('refuses more points than it can hold, and a time limit beyond Node’s timers', () => {
    expect(() => validateSpec({ ...good, replicates: 1e9 })).toThrow(new RegExp(`replicates: 3 combinations × 1,000,000,000 replicates is over the limit of ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points`));
    expect(() => validateSpec({ ...good, timeLimitS: MAX_TIME_LIMIT_S + 1 })).toThrow(/timeLimitS: .*Node's timer range/);
    expect(validateSpec({ ...good, timeLimitS: MAX_TIME_LIMIT_S }).timeLimitS).toBe(MAX_TIME_LIMIT_S);
  });

  it('a second sweep into a store in use is refused (exit 2) and leaves it alone; the first finishes', async () => {
    const dir = tempDir('hostile-lock');
    const out = join(dir, 's');
    const slow = { ...good, params: { 'fake.busyMs': 150 } };
    const first = sweep(slow, { out, workers: 1, runner: RUNNER });
    // The first one holds the lock from its start.
    for (let i = 0; i < 100 && !existsSync(join(out, LOCK_FILE)); i++) await new Promise((r) => setTimeout(r, 20));
    const second = await vmft(['sweep', specFile(dir, slow), '--out', out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`is in use by another sweep \\(process ${process.pid} holds ${LOCK_FILE}\\)`));
    const rows = await first;
    expect(rows).toHaveLength(6);
    expect(readFileSync(join(out, RUNS_FILE), 'utf8').trim().split('\n')).toHaveLength(6); // each point once
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    // A lock left by a process that is gone (killed hard) is taken over.
    writeFileSync(join(out, LOCK_FILE), '999999999\n');
    expect(await sweep(slow, { out, workers: 1, runner: RUNNER })).toHaveLength(6);
  }, 60_000);

  it('a refused resume touches nothing: not the torn line, not the manifest', async () => {
    const dir = tempDir('hostile-resume');
    const out = join(dir, 's');
    await sweep(good, { out, workers: 1, runner: RUNNER });
    // A row of another point and a torn last line: the store is refused as it is.
    const rows = readFileSync(join(out, RUNS_FILE), 'utf8').trim().split('\n');
    const foreign = JSON.stringify({ ...JSON.parse(rows[0]!), id: 'ffffffffffffffff' });
    writeFileSync(join(out, RUNS_FILE), [...rows, foreign].join('\n') + '\n{"id":"torn');
    const before = snapshot(out);
    const r = await vmft(['sweep', specFile(dir, good), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds row ffffffffffffffff .* not a point of this spec/);
    expect(snapshot(out)).toEqual(before);
    // Another spec: refused the same way, before anything changes.
    const other = await vmft(['sweep', specFile(dir, { ...good, seed: 9 }, 'other.json'), '--out', out]);
    expect(other.code).toBe(2);
    expect(snapshot(out)).toEqual(before);
  }, 30_000);

  it('SIGTERM stops like Ctrl-C: finished rows kept, the message, exit 143', async () => {
    const dir = tempDir('hostile-term');
    const out = join(dir, 's');
    const slow = { ...good, params: { 'fake.busyMs': 300 } };
    // Only the command's own handler is called: emitting SIGTERM on the process would also reach
    // the test runner's, which ends the whole run.
    const before = new Set(process.listeners('SIGTERM'));
    const r = await vmft(['sweep', specFile(dir, slow), '--out', out, '--workers', '1'], (err) => {
      const poll = setInterval(() => {
        if (/\d+\/6 done/.test(err()) && existsSync(join(out, RUNS_FILE)) && readFileSync(join(out, RUNS_FILE), 'utf8').length > 0) {
          clearInterval(poll);
          for (const l of process.listeners('SIGTERM')) if (!before.has(l)) (l as (s: NodeJS.Signals) => void)('SIGTERM');
        }
      }, 20);
    });
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/interrupted \(SIGTERM\); \d+ finished points are kept in .* rerun the same command to resume/);
    const kept = readFileSync(join(out, RUNS_FILE), 'utf8').trim().split('\n').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(6);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  }, 60_000);
});

describe('paths and stores that are not what they should be: exit 2 naming the path', () => {
  const cases: Array<[string, (d: string) => string[], RegExp]> = [
    ['--out that is a file', (d) => (writeFileSync(join(d, 'f'), 'x'), ['sweep', specFile(d, good), '--out', join(d, 'f')]), /f: store folder is not a folder/],
    ['--out under a file', (d) => (writeFileSync(join(d, 'f'), 'x'), ['sweep', specFile(d, good), '--out', join(d, 'f', 'sub')]), /sub: store folder cannot be used \(ENOTDIR/],
    ['--out under /proc', (d) => ['sweep', specFile(d, good), '--out', '/proc/vmft-nowhere/s'], /\/proc\/vmft-nowhere\/s: store folder cannot be created/],
    ['a runs.jsonl line of null', (d) => (storeWith(d, 'runs', 'null\n'), ['sweep', specFile(d, good), '--out', join(d, 's')]), /runs\.jsonl:\d+: is not a run row \(null\)/],
    ['a sweep.json of null', (d) => (storeWith(d, 'manifest', 'null'), ['sweep', specFile(d, good), '--out', join(d, 's')]), /sweep\.json: is not a sweep manifest/],
    ['a sweep.json of {}', (d) => (storeWith(d, 'manifest', '{}'), ['sweep', specFile(d, good), '--out', join(d, 's')]), /sweep\.json: is not a sweep manifest/],
    ['merge of a store with a null row', (d) => (storeWith(d, 'runs', 'null\n'), ['merge', join(d, 's'), '--out', join(d, 'm')]), /runs\.jsonl:\d+: is not a run row/],
    ['merge of a sweep.json of null', (d) => (storeWith(d, 'manifest', 'null'), ['merge', join(d, 's'), '--out', join(d, 'm')]), /sweep\.json: is not a sweep manifest/],
    ['merge of a sweep.json of {}', (d) => (storeWith(d, 'manifest', '{}'), ['merge', join(d, 's'), '--out', join(d, 'm')]), /sweep\.json: is not a sweep manifest/],
    ['merge --out a file', (d) => (storeWith(d, 'runs', ''), writeFileSync(join(d, 'f'), 'x'), ['merge', join(d, 's'), '--out', join(d, 'f')]), /f: merged store folder is not a folder/],
    ['merge --out under /proc', (d) => (storeWith(d, 'runs', ''), ['merge', join(d, 's'), '--out', '/proc/vmft-nowhere']), /\/proc\/vmft-nowhere: merged store folder cannot be created/],
  ];
  let written: string | undefined;
  /** A real store of `good` in d/s, then its runs.jsonl appended to or its manifest replaced. */
  function storeWith(d: string, what: 'runs' | 'manifest', text: string): void {
    const s = join(d, 's');
    mkdirSync(s, { recursive: true });
    writeFileSync(join(s, MANIFEST_FILE), written!);
    writeFileSync(join(s, RUNS_FILE), '');
    if (what === 'runs') writeFileSync(join(s, RUNS_FILE), text);
    else writeFileSync(join(s, MANIFEST_FILE), text);
  }
  beforeAll(async () => {
    const d = tempDir('hostile-template');
    await sweep(good, { out: join(d, 's'), workers: 1, runner: RUNNER });
    written = readFileSync(join(d, 's', MANIFEST_FILE), 'utf8');
  }, 30_000);

  for (const [what, args, message] of cases)
    it(`exits 2 on ${what}`, async () => {
      const d = tempDir('hostile-path');
      const r = await vmft(args(d));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
});
