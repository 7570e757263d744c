#!/usr/bin/env node
// Sweep benchmarks (docs/design.md#benchmarks): sweep.speedup2Workers, sweep.poolOverheadMsPerPoint
// and sweep.vsSimgrid200.pointsPerS (`vmft sweep` of 200 points of the SimGrid-comparison scenario
// on 2 workers, as a user runs it: a fresh process, start-up, the spec check, the workers' start
// and the store included).
// Exports `benchSweep()` → [{ name, value, unit, target, better }]; run standalone it prints them.
// Needs the build (dist/); standalone it builds when dist is missing.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const SWEEP_POINTS = 200;
const SWEEP_REPEATS = 3;

/** Points per second of `vmft sweep --workers 2` over 200 seeds of the SimGrid-comparison run (median of 3). */
async function sweepVsSimgridPointsPerS() {
  const { vmftParams } = await import(pathToFileURL(join(root, 'scripts/bench/vs-simgrid.mjs')).href);
  const { runScenario } = await import(pathToFileURL(join(root, 'dist/lib/scenario/index.js')).href);
  // The run ends when the migration does (as in migration.vsSimgrid).
  const dry = runScenario({ engine: 'migration', workload: 'synthetic', params: vmftParams(90) });
  const durationS = Math.ceil((1 + dry.metrics.totalTimeS) * 1000) / 1000;
  const dir = mkdtempSync(join(tmpdir(), 'vmft-bench-sweep200-'));
  try {
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify({ name: 'vs-simgrid-200', engine: 'migration', workload: 'synthetic', params: vmftParams(durationS), replicates: SWEEP_POINTS }));
    const rates = [];
    for (let r = 0; r < SWEEP_REPEATS; r++) {
      const out = join(dir, `store${r}`);
      const t0 = performance.now();
      execFileSync(process.execPath, [join(root, 'bin/vmft.js'), 'sweep', specPath, '--workers', '2', '--out', out], { stdio: 'pipe' });
      const s = (performance.now() - t0) / 1000;
      const rows = readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      if (rows.length !== SWEEP_POINTS || rows.some((row) => row.status !== 'ok')) throw new Error('sweep.vsSimgrid200: not every point ran');
      rates.push(SWEEP_POINTS / s);
    }
    rates.sort((a, b) => a - b);
    return {
      name: 'sweep.vsSimgrid200.pointsPerS',
      value: Number(rates[rates.length >> 1].toFixed(1)),
      unit: 'points/s',
      target: 100,
      better: 'higher',
      spread: [Number(rates[0].toFixed(1)), Number(rates[rates.length - 1].toFixed(1))],
      load1: Number(loadavg()[0].toFixed(2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      await sweepVsSimgridPointsPerS(),
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
