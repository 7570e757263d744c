#!/usr/bin/env node
// vmft beside SimGrid (docs/design.md#benchmarks): `migration.vsSimgrid` — vmft's wall time for one
// page-granular pre-copy ÷ SimGrid 3.32's for the same migration as a fluid.
//
// The scenario (test/peers/simgrid.test.ts's mapping): a 512 MiB VM whose CPU-bound guest writes
// sequentially at 20 % of a 110 MiB/s migration speed over 90 % of its memory, a 1 Gbit/s
// host-to-host link, domain 0 on its own core, the `simgrid` policy, the migration at 1 s.
// vmft: the median wallMs of runScenario in this process after 3 warm-up runs, with run.twin=false
// and run.durationS ending the run when the migration ends. SimGrid: the peer (peers/simgrid) doing
// 200 migrations in one process, its wall time ÷ 200. The ratio of the two, 5 repeats: the median
// and the spread (min–max) of the repeats. Without g++ or libsimgrid-dev the entry says "peer
// unavailable" instead. `cpuRatio` is the same ratio of CPU times (vmft: this process's CPU during
// its runs; SimGrid: the peer's own clock()), which a machine busy with other work disturbs less than
// wall time.
// `migration.coldRunVsSimgrid`: the same scenario as a user first meets it — `vmft run` in a fresh
// process (the CLI, `--json`), its `metrics.wallMs` (the run only: not Node's start-up nor loading
// the modules, but every cold, unoptimized first pass through the code) ÷ SimGrid's time per
// migration; the median of COLD_RUNS processes, with their spread.
// Standalone: `node scripts/bench/vs-simgrid.mjs` (after `npm run build`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PEER_COUNT = 200;
const REPEATS = 5;
const WARMUP = 3;
const RUNS_PER_REPEAT = 10;
const TARGET = 10;
const COLD_RUNS = 7;
const COLD_TARGET = 30;

const MiB = 1024 * 1024;
const RAM_MIB = 512;
const INTENSITY_PCT = 20;
const WORKING_SET_PCT = 90;
const MIG_SPEED_MIBPS = 110;
const BANDWIDTH_MBPS = 1000;
const START_S = 1;
/** vmft's log-dirty trap on Clark's testbed (the migration engine's default host profile), ns. */
const TRAP_NS = 2000;

/** The scenario in vmft's keys (the mapping of test/peers/simgrid.test.ts), ending at `durationS`. */
export function vmftParams(durationS) {
  const pagesPerS = (INTENSITY_PCT / 100) * MIG_SPEED_MIBPS * MiB / 4096;
  return {
    'migration.policy': 'simgrid',
    'vm.memoryMiB': RAM_MIB,
    'vm.pageKiB': 4,
    // Writes per second of guest time that make `pagesPerS` per second of wall time (the trap's cost).
    'workload.dirtyPagesPerS': pagesPerS / (1 - (pagesPerS * TRAP_NS) / 1e9),
    'workload.workingSetMiB': (RAM_MIB * WORKING_SET_PCT) / 100,
    'workload.locality': 'sequential',
    'migration.maxBandwidthMiBps': MIG_SPEED_MIBPS,
    'migration.sharedNic': false,
    'host.sharedCpu': false,
    'link.bandwidthMbps': BANDWIDTH_MBPS,
    'link.latencyMs': 0.1,
    'link.efficiency': 0.97,
    'migration.startAtS': START_S,
    'run.durationS': durationS,
    'run.twin': false,
  };
}

/** `vmft run` arguments for the scenario ending at `durationS`. */
export function vmftRunArgs(durationS) {
  const sets = Object.entries(vmftParams(durationS)).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  return ['run', 'migration', '--workload', 'synthetic', ...sets, '--json'];
}

/** `metrics.wallMs` of `COLD_RUNS` fresh `vmft run` processes (the first run in each). */
function coldRunsMs(durationS) {
  const out = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const r = JSON.parse(execFileSync(process.execPath, [join(root, 'bin/vmft.js'), ...vmftRunArgs(durationS)], { encoding: 'utf8', maxBuffer: 64 * MiB }));
    if (r.metrics.migrationCompleted !== true) throw new Error('coldRunVsSimgrid: the migration did not complete');
    out.push(r.metrics.wallMs);
  }
  return out;
}

/** The peer built into a temp folder, or why it cannot be. */
function buildPeer() {
  const header = '/usr/include/simgrid/plugins/live_migration.h';
  if (!existsSync(header)) return { why: 'libsimgrid-dev not installed' };
  if (spawnSync('sh', ['-c', 'command -v g++'], { encoding: 'utf8' }).status !== 0) return { why: 'g++ not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'vmft-bench-simgrid-'));
  const bin = join(dir, 'migrate');
  try {
    execFileSync('sh', [join(root, 'peers/simgrid/build.sh'), bin], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { why: `the build failed: ${String(e.stderr ?? e.message).slice(-300)}` };
  }
  return { dir, bin };
}

/** SimGrid's wall seconds per migration: `PEER_COUNT` migrations in one process, timed from outside. */
function peerSecondsPerMigration(peer) {
  const args = [
    '--ram-mib', String(RAM_MIB), '--intensity-pct', String(INTENSITY_PCT), '--working-set-pct', String(WORKING_SET_PCT),
    '--mig-speed-mibps', String(MIG_SPEED_MIBPS), '--bandwidth-mbps', String(BANDWIDTH_MBPS), '--latency-us', '100',
    '--start-s', String(START_S), '--platform', join(peer.dir, 'platform.xml'), '--count', String(PEER_COUNT),
  ];
  const t0 = performance.now();
  const out = execFileSync(peer.bin, args, { encoding: 'utf8', timeout: 300_000 });
  const s = (performance.now() - t0) / 1000;
  const r = JSON.parse(out);
  if (r.count !== PEER_COUNT) throw new Error(`the peer did ${r.count} migrations, not ${PEER_COUNT}`);
  return { perMigrationS: s / PEER_COUNT, cpuPerMigrationS: r.cpuS / PEER_COUNT, first: r };
}

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m] : (a[m - 1] + a[m]) / 2;
};

export async function benchVsSimgrid() {
  const { runScenario } = await import(pathToFileURL(join(root, 'dist', 'lib', 'scenario', 'index.js')).href);
  // The run ends when the migration does: its end, from one run of the same scenario, rounded up to 1 ms.
  const dry = runScenario({ engine: 'migration', workload: 'synthetic', params: vmftParams(90) });
  if (dry.metrics.migrationCompleted !== true) throw new Error('vsSimgrid: the migration did not complete');
  const durationS = Math.ceil((START_S + dry.metrics.totalTimeS) * 1000) / 1000;
  const req = { engine: 'migration', workload: 'synthetic', params: vmftParams(durationS) };
  let cpuMs = 0;
  const vmftMs = () => {
    const c0 = process.cpuUsage();
    const r = runScenario(req);
    const c = process.cpuUsage(c0);
    cpuMs = (c.user + c.system) / 1000;
    if (r.metrics.migrationCompleted !== true) throw new Error('vsSimgrid: the migration did not complete in the shortened run');
    return r.metrics.wallMs;
  };
  for (let i = 0; i < WARMUP; i++) vmftMs();

  const cold = coldRunsMs(durationS);
  const peer = buildPeer();
  const repeats = [];
  try {
    for (let r = 0; r < REPEATS; r++) {
      const walls = [];
      const cpus = [];
      for (let i = 0; i < RUNS_PER_REPEAT; i++) {
        walls.push(vmftMs());
        cpus.push(cpuMs);
      }
      const sg = 'why' in peer ? null : peerSecondsPerMigration(peer);
      repeats.push({
        vmftMs: median(walls),
        vmftCpuMs: median(cpus),
        simgridMs: sg === null ? null : sg.perMigrationS * 1000,
        simgridCpuMs: sg === null ? null : sg.cpuPerMigrationS * 1000,
      });
    }
  } finally {
    if (!('why' in peer)) rmSync(peer.dir, { recursive: true, force: true });
  }
  const vm = repeats.map((r) => r.vmftMs);
  const base = {
    unit: '×',
    target: TARGET,
    better: 'lower',
    vmftMedianMs: median(vm),
    vmftSpreadMs: [Math.min(...vm), Math.max(...vm)],
    runDurationS: durationS,
  };
  const coldBase = {
    unit: '×',
    target: COLD_TARGET,
    better: 'lower',
    vmftColdMedianMs: median(cold),
    vmftColdSpreadMs: [Math.min(...cold), Math.max(...cold)],
    coldRuns: COLD_RUNS,
    runDurationS: durationS,
    load1: Number(loadavg()[0].toFixed(2)),
  };
  if ('why' in peer) {
    console.warn(`migration.vsSimgrid: peer unavailable (${peer.why}); vmft alone: ${median(vm).toFixed(2)} ms per run, ${median(cold).toFixed(2)} ms cold`);
    return [
      { name: 'migration.vsSimgrid', value: null, ...base, note: `peer unavailable: ${peer.why}` },
      { name: 'migration.coldRunVsSimgrid', value: null, ...coldBase, note: `peer unavailable: ${peer.why}` },
    ];
  }
  const ratios = repeats.map((r) => r.vmftMs / r.simgridMs);
  const cpuRatios = repeats.map((r) => r.vmftCpuMs / r.simgridCpuMs);
  const sg = repeats.map((r) => r.simgridMs);
  return [
    {
      name: 'migration.vsSimgrid',
      value: Number(median(ratios).toFixed(3)),
      ...base,
      spread: [Number(Math.min(...ratios).toFixed(3)), Number(Math.max(...ratios).toFixed(3))],
      simgridMedianMsPerMigration: median(sg),
      simgridSpreadMs: [Math.min(...sg), Math.max(...sg)],
      peerCount: PEER_COUNT,
      cpuRatio: Number(median(cpuRatios).toFixed(3)),
      cpuRatioSpread: [Number(Math.min(...cpuRatios).toFixed(3)), Number(Math.max(...cpuRatios).toFixed(3))],
    },
    {
      // Each cold run against SimGrid's median time per migration over the repeats above.
      name: 'migration.coldRunVsSimgrid',
      value: Number((median(cold) / median(sg)).toFixed(3)),
      ...coldBase,
      spread: [Number((Math.min(...cold) / median(sg)).toFixed(3)), Number((Math.max(...cold) / median(sg)).toFixed(3))],
      simgridMedianMsPerMigration: median(sg),
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const e of await benchVsSimgrid()) console.log(JSON.stringify(e, null, 2));
}
