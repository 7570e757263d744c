#!/usr/bin/env node
// Migration benchmarks (docs/design.md#benchmarks): migration.mmuncher4GiB.wallMs, migration.idle16GiB.wallMs,
// migration.laterRoundNsPerDirtyPage. Exports `benchMigration()` → [{ name, value, unit, target,
// better }]; run standalone it prints them. Imports the build (dist/): run `npm run build` first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const load = async (p) => {
  const path = join(root, 'dist', p);
  if (!existsSync(path)) throw new Error(`${path} missing: run npm run build first`);
  return import(pathToFileURL(path).href);
};

async function libs() {
  const [scenario, params, workloads, migration] = await Promise.all([
    load('lib/scenario/index.js'),
    load('lib/params/index.js'),
    load('workloads/index.js'),
    load('lib/engines/migration/index.js'),
  ]);
  return { scenario, params, workloads, migration };
}

/** One migration run built as runScenario builds it (`buildRun`) and started, so the clock can be stepped and timed. */
function build(L, workloadName, input, seed = 1) {
  const preset = L.workloads.getWorkload(workloadName);
  const engine = L.migration.migrationEngine;
  const p = L.params.resolveParams([...L.scenario.COMMON_PARAMS, ...preset.params, ...engine.params], input, preset.defaults);
  const run = L.scenario.buildRun(engine, preset, p, seed, []);
  run.start();
  return { sim: run.sim, instance: run.engine, durationNs: run.durationNs };
}

/** Wall ms of a whole migration run (the simulation from t = 0 to the end of the run). */
function wallOf(L, workloadName, input) {
  const r0 = build(L, workloadName, input);
  const t0 = performance.now();
  r0.sim.run(r0.durationNs);
  const ms = performance.now() - t0;
  const report = r0.instance.finish(r0.sim.now);
  if (report.metrics.migrationCompleted !== true) throw new Error(`${workloadName}: the migration did not complete in the run`);
  if (report.invariants.memoryConsistent !== true) throw new Error(`${workloadName}: memory not consistent`);
  return { ms, report };
}

/**
 * Wall ns per page sent in the rounds after the first: the run is stepped to the end of round 1
 * (known from an identical run: same seed, same result), then timed to the switch.
 */
function laterRoundNsPerPage(L, memoryMiB) {
  const input = {
    'vm.memoryMiB': memoryMiB,
    'migration.policy': 'textbook',
    'migration.maxRounds': 30,
    'migration.stableRounds': 30,
    'migration.startAtS': 1,
    'workload.dirtyPagesPerS': 200_000,
    'workload.workingSetMiB': 128,
    'workload.locality': 'uniform',
    'net.clientBandwidthMbps': 10_000,
    'host.sharedCpu': false,
    // Round 1 at domain 0's ≈ 110 MB/s, then 29 rounds of at most 128 MiB.
    'run.durationS': 1 + (memoryMiB * 1048576) / 90e6 + 45,
  };
  const dry = build(L, 'synthetic', input);
  dry.sim.run(dry.durationNs);
  const rounds = dry.instance.finish(dry.sim.now).series.rounds;
  const r1 = rounds[0];
  if (r1 === undefined || !rounds.at(-1).final) throw new Error(`later rounds at ${memoryMiB} MiB: the migration did not finish in the run`);
  const endOfRound1Ns = Math.round((r1.startS + r1.durationMs / 1000) * 1e9);
  const later = rounds.slice(1);
  const last = rounds.at(-1);
  const switchNs = Math.round((last.startS + last.durationMs / 1000) * 1e9);
  const pages = later.reduce((a, r) => a + r.pages, 0);
  const run = build(L, 'synthetic', input);
  run.sim.run(endOfRound1Ns);
  const t0 = performance.now();
  run.sim.run(switchNs);
  const ms = performance.now() - t0;
  return { nsPerPage: (ms * 1e6) / pages, pages, rounds: rounds.length };
}

export async function benchMigration() {
  const L = await libs();
  // Warm up the JIT on a small run.
  wallOf(L, 'mmuncher', { 'vm.memoryMiB': 512, 'migration.startAtS': 1, 'run.durationS': 40 });

  // mmuncher in a 4 GiB VM: round 1 alone takes ≈ 5 simulated minutes at 100 Mibit/s.
  // Best of two: a busy machine (other processes, the first touch of fresh memory) only slows.
  const best = (f, key) => [f(), f()].reduce((a, b) => (b[key] < a[key] ? b : a));
  const m = best(() => wallOf(L, 'mmuncher', { 'vm.memoryMiB': 4096, 'migration.startAtS': 1, 'run.durationS': 340 }), 'ms');
  const idle = best(() => wallOf(L, 'idle', { 'vm.memoryMiB': 16384, 'migration.startAtS': 1, 'run.durationS': 1420 }), 'ms');
  const best3 = (f, key) => [f(), f(), f()].reduce((a, b) => (b[key] < a[key] ? b : a));
  const small = best3(() => laterRoundNsPerPage(L, 1024), 'nsPerPage');
  const big = best3(() => laterRoundNsPerPage(L, 16384), 'nsPerPage');
  const ratio = Math.max(small.nsPerPage, big.nsPerPage) / Math.min(small.nsPerPage, big.nsPerPage);
  return [
    { name: 'migration.mmuncher4GiB.wallMs', value: m.ms, unit: 'ms', target: 1000, better: 'lower' },
    { name: 'migration.idle16GiB.wallMs', value: idle.ms, unit: 'ms', target: 500, better: 'lower' },
    { name: 'migration.laterRoundNsPerDirtyPage', value: big.nsPerPage, unit: 'ns/page (16 GiB)', target: 1.5 * small.nsPerPage, better: 'lower' },
    { name: 'migration.laterRoundNsPerDirtyPage.ratio16to1GiB', value: ratio, unit: '×', target: 1.5, better: 'lower' },
  ];
}


if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const e of await benchMigration()) console.log(`${e.name}  ${e.value.toFixed(3)} ${e.unit}  (target ${e.better === 'lower' ? '≤' : '≥'} ${e.target.toFixed(3)})`);
}
