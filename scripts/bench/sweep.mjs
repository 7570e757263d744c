#!/usr/bin/env node
// Sweep benchmarks (docs/design.md#benchmarks): sweep.speedup2Workers and sweep.poolOverheadMsPerPoint.
// Exports `benchSweep()` → [{ name, value, unit, target, better }]; run standalone it prints them.
// Needs the build (dist/); standalone it builds when dist is missing.
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runnerPath = fileURLToPath(new URL('./sweep-runner.mjs', import.meta.url));
const runner = { module: runnerPath };

async function lib() {
  const entry = join(root, 'dist/lib/sweep/index.js');
  if (!existsSync(entry)) execSync('npm run build', { cwd: root, stdio: 'inherit' });
  return import(pathToFileURL(entry).href);
}

/** Iterations of the runner's loop that take about `ms` of CPU here. */
async function calibrate(ms) {
  const { spin } = await import(pathToFileURL(runnerPath).href);
  let n = 1_000_000;
  for (;;) {
    const t0 = performance.now();
    spin(n);
    const dt = performance.now() - t0;
    if (dt > 50) return Math.round((n * ms) / dt);
    n *= 4;
  }
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

export async function benchSweep({ points = 100, pointMs = 100, trivialPoints = 1000, repeats = 2 } = {}) {
  const { sweep } = await lib();
  // The speedup needs two idle cores: say so when other processes were using one already.
  const loadBefore = loadavg()[0];
  const work = await calibrate(pointMs);
  const spec = (n, w) => ({ name: 'bench', engine: 'unprotected', workload: 'idle', params: { 'bench.work': w }, grid: { i: [...Array(n).keys()] } });
  // Warm the JIT and the worker start-up path once so neither run pays for it alone.
  await sweep(spec(4, work / 10), { workers: 2, runner, preflight: false });
  // Best of `repeats`, alternating 1 and 2 workers: on a shared machine other processes steal
  // cores now and then, and the fastest run is the one they disturbed least.
  let oneMs = Infinity;
  let twoMs = Infinity;
  for (let r = 0; r < repeats; r++) {
    oneMs = Math.min(oneMs, (await timed(() => sweep(spec(points, work), { workers: 1, runner, preflight: false }))).ms);
    twoMs = Math.min(twoMs, (await timed(() => sweep(spec(points, work), { workers: 2, runner, preflight: false }))).ms);
  }

  // Overhead: everything a trivial point costs beyond its runner call — dispatch, the worker
  // round trip, the row and its append to a store — pool start-up included.
  const dir = mkdtempSync(join(tmpdir(), 'vmft-bench-sweep-'));
  try {
    const trivial = await timed(() => sweep(spec(trivialPoints, 0), { out: join(dir, 'store'), workers: 1, runner, preflight: false }));
    if (availableParallelism() < 2) console.warn('sweep bench: fewer than 2 cores available; sweep.speedup2Workers cannot reach 2');
    else if (loadBefore > 1)
      console.warn(`sweep bench: the machine was busy (1-min load ${loadBefore.toFixed(2)} on ${availableParallelism()} cores before it started); sweep.speedup2Workers may understate the pool`);
    const inRunner = trivial.value.reduce((s, r) => s + r.wallMs, 0);
    const overhead = (trivial.ms - inRunner) / trivialPoints;
    return [
      { name: 'sweep.speedup2Workers', value: Number((oneMs / twoMs).toFixed(3)), unit: 'x', target: 1.8, better: 'higher' },
      { name: 'sweep.poolOverheadMsPerPoint', value: Number(overhead.toFixed(3)), unit: 'ms', target: 5, better: 'lower' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entries = await benchSweep();
  console.log(JSON.stringify(entries, null, 2));
}
