/**
 * Side by side with SimGrid 3.32's live-migration plugin (docs/migration.md, "Side by side with
 * SimGrid"). The peer is peers/simgrid/migrate.cpp, built here against Debian's libsimgrid-dev; each
 * scenario runs once in SimGrid and once in vmft with `migration.policy=simgrid`, and the total
 * migration time and data sent must agree.
 *
 * Availability: as root, libsimgrid-dev (and g++ if missing) is installed with apt-get (≈ 30 s the
 * first time; `apt-get update` only if the plain install fails). Not root and SimGrid absent: the
 * tests are skipped with a message. In CI (`process.env.CI`) they are never skipped: a missing peer
 * fails them.
 *
 * Mapping (SimGrid → vmft), for a VM that computes all the time:
 * - SimGrid's plugin dirties `intensity × migration speed` bytes per second of computation
 *   (dp_rate = speed × intensity / host flops, times the flops the VM computed), at most the working
 *   set (90 % of RAM by default) per round. vmft: the synthetic workload with
 *   `workload.locality=sequential` over `workload.workingSetMiB` = that working set, so k writes in a
 *   round dirty exactly min(k, working set) distinct pages — SimGrid's fluid count with its cap —
 *   and `workload.dirtyPagesPerS` chosen so that the guest writes that many 4 KiB pages per second
 *   of wall time (see `vmftPagesPerS`: vmft's guest pays a log-dirty trap, LOG_DIRTY_TRAP_NS, on the
 *   first write to each clean page while the migration runs; SimGrid has no such cost).
 * - migration speed (the plugin's `set_rate` cap) → `migration.maxBandwidthMiBps`.
 * - the link: SimGrid's default network model (LV08) delivers 0.97 × the link's bandwidth, so vmft
 *   gets `link.efficiency=0.97` (its own default, 0.94, is TCP-over-Ethernet framing); latency
 *   100 µs → `link.latencyMs=0.1` over the host-to-host link (`migration.sharedNic=false`).
 * - `host.sharedCpu=false`: SimGrid's migration stream costs no CPU, so vmft's domain 0 gets a core
 *   of its own (this synthetic guest is nearly idle between writes, so it measures the same either
 *   way; the key keeps the mapping right for a CPU-bound guest).
 * - SimGrid's platform link is SPLITDUPLEX (full-duplex Ethernet): on a SHARED link the LV08
 *   model's cross-traffic (the reverse ACK flow, 5 % of the bytes) shares the data's direction and
 *   the stream gets 0.97 / 1.05 of the link, not 0.97.
 *
 * Tolerance: both models are deterministic and fluid at this scale; what differs is small and
 * bounded — vmft's stop phase adds ≈ 48 ms of fixed costs (suspend, 8 KiB CPU state, 40 ms start-up,
 * ARP) that SimGrid does not model, SimGrid adds 13.01 × latency (1.3 ms) per message, and vmft
 * counts whole pages and 4 MiB batches. Over 10–50 s migrations that is well under 1 % (measured:
 * 0.05–0.43 %); we allow ±3 % on total time and data sent, and ±1 round. That still catches a
 * mapping error: without the trap compensation the 80 % scenario is 13.8 % short (vmft's guest
 * dirties 4 % less per round, and the geometric series amplifies it); vmft's default efficiency 0.94
 * makes the link-bound scenario 5.9 % long; `uniform` locality instead of `sequential` is 9 % short.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runScenario } from '../../lib/scenario/index.js';
import { LOG_DIRTY_TRAP_NS } from '../../lib/vm/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD_SH = join(ROOT, 'peers/simgrid/build.sh');
const HEADER = '/usr/include/simgrid/plugins/live_migration.h';
const IN_CI = Boolean(process.env.CI);
const TOLERANCE = 0.03;
const PAGE_BYTES = 4096;
const MiB = 1024 * 1024;

interface Scenario {
  readonly name: string;
  readonly ramMiB: number;
  /** SimGrid's dirty page intensity, % of the migration speed. */
  readonly intensityPct: number;
  /** Working set, % of RAM (the plugin's default is 90). */
  readonly workingSetPct: number;
  /** Migration speed (the plugin's cap on the stream), MiB/s. */
  readonly migSpeedMiBps: number;
  /** Link bandwidth, decimal Mbit/s. */
  readonly bandwidthMbps: number;
}

/** 1 GiB VMs on gigabit Ethernet; migration speed ≈ 0.9 × the link, as SimGrid's cloud examples set it. */
const SCENARIOS: readonly Scenario[] = [
  { name: 'idle', ramMiB: 1024, intensityPct: 0, workingSetPct: 90, migSpeedMiBps: 100, bandwidthMbps: 1000 },
  { name: 'moderate (30 %)', ramMiB: 1024, intensityPct: 30, workingSetPct: 90, migSpeedMiBps: 100, bandwidthMbps: 1000 },
  { name: 'high (80 %)', ramMiB: 1024, intensityPct: 80, workingSetPct: 90, migSpeedMiBps: 100, bandwidthMbps: 1000 },
  // The working-set cap binds in round 2, and the link (800 Mbit/s × 0.97 = 92.5 MiB/s) is slower than the cap.
  { name: 'high (60 %), 25 % working set, link-bound', ramMiB: 1024, intensityPct: 60, workingSetPct: 25, migSpeedMiBps: 100, bandwidthMbps: 800 },
];

interface PeerResult {
  totalTimeS: number;
  sentMiB: number;
  rounds: number;
  series: { round: number; MiB: number; durationS: number }[];
}

/**
 * vmft's page writes per second of guest time that make `wallPagesPerS` per second of wall time:
 * while log-dirty is on, each write to a clean page (every write of a sequential sweep) costs the
 * guest LOG_DIRTY_TRAP_NS, so guest time runs at 1 − rate × trap of wall time.
 */
function vmftPagesPerS(wallPagesPerS: number): number {
  const lost = (wallPagesPerS * LOG_DIRTY_TRAP_NS) / 1e9;
  return wallPagesPerS / (1 - lost);
}

function vmftParams(s: Scenario): Record<string, number | string | boolean> {
  const dirtyBytesPerS = (s.intensityPct / 100) * s.migSpeedMiBps * MiB;
  return {
    'migration.policy': 'simgrid',
    'vm.memoryMiB': s.ramMiB,
    'vm.pageKiB': PAGE_BYTES / 1024,
    'workload.dirtyPagesPerS': vmftPagesPerS(dirtyBytesPerS / PAGE_BYTES),
    'workload.workingSetMiB': (s.ramMiB * s.workingSetPct) / 100,
    'workload.locality': 'sequential',
    'migration.maxBandwidthMiBps': s.migSpeedMiBps,
    'migration.sharedNic': false,
    'host.sharedCpu': false,
    'link.bandwidthMbps': s.bandwidthMbps,
    'link.latencyMs': 0.1,
    'link.efficiency': 0.97,
    'migration.startAtS': 1,
    'run.durationS': 90,
  };
}

function run(cmd: string, args: string[], timeoutMs: number): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function onPath(cmd: string): boolean {
  return run('sh', ['-c', `command -v ${cmd}`], 5_000).ok;
}

/** Makes SimGrid and a compiler available if we may; returns why not, or null. */
function ensurePeer(): string | null {
  const missing = (): string[] => [...(existsSync(HEADER) ? [] : ['libsimgrid-dev']), ...(onPath('g++') ? [] : ['g++'])];
  let need = missing();
  if (need.length === 0) return null;
  if (process.getuid?.() !== 0) return `${need.join(' and ')} not installed and not root (apt-get install -y ${need.join(' ')})`;
  const install = (): { ok: boolean; out: string } => run('apt-get', ['install', '-y', '--no-install-recommends', ...need], 300_000);
  let r = install();
  if (!r.ok) {
    run('apt-get', ['update'], 300_000);
    r = install();
  }
  need = missing();
  return need.length === 0 ? null : `apt-get could not install ${need.join(' ')}: ${r.out.slice(-500)}`;
}

let buildDir = '';
let peer = '';
let unavailable: string | null = null;

beforeAll(() => {
  unavailable = ensurePeer();
  if (unavailable !== null) {
    if (IN_CI) throw new Error(`SimGrid peer unavailable in CI: ${unavailable}`);
    console.warn(`skipping the SimGrid side-by-side tests: ${unavailable}`);
    return;
  }
  buildDir = mkdtempSync(join(tmpdir(), 'vmft-simgrid-'));
  peer = join(buildDir, 'migrate');
  execFileSync('sh', [BUILD_SH, peer], { stdio: 'pipe' });
}, 600_000);

afterAll(() => {
  if (buildDir !== '') rmSync(buildDir, { recursive: true, force: true });
});

function runPeer(s: Scenario): PeerResult {
  const out = execFileSync(
    peer,
    [
      '--ram-mib', String(s.ramMiB),
      '--intensity-pct', String(s.intensityPct),
      '--working-set-pct', String(s.workingSetPct),
      '--mig-speed-mibps', String(s.migSpeedMiBps),
      '--bandwidth-mbps', String(s.bandwidthMbps),
      '--latency-us', '100',
      '--platform', join(buildDir, 'platform.xml'),
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  return JSON.parse(out) as PeerResult;
}

const within = (a: number, b: number): boolean => Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(b), 1e-9);

describe('migration policy simgrid vs SimGrid 3.32 live-migration plugin', () => {
  const rows: string[] = [];
  afterAll(() => {
    if (rows.length > 0)
      console.log(['scenario | SimGrid s / MiB / rounds | vmft s / MiB / rounds | Δ time', ...rows].join('\n'));
  });

  for (const s of SCENARIOS) {
    test(s.name, (ctx) => {
      if (unavailable !== null) ctx.skip(`SimGrid unavailable: ${unavailable}`);
      const sg = runPeer(s);
      const r = runScenario({ engine: 'migration', workload: 'synthetic', params: vmftParams(s) });
      expect(r.metrics.migrationCompleted).toBe(true);
      const vm = {
        totalTimeS: r.metrics.totalTimeS!,
        sentMiB: r.metrics.sentMiB,
        rounds: r.metrics.rounds,
      };
      const dt = (vm.totalTimeS - sg.totalTimeS) / sg.totalTimeS;
      rows.push(
        `${s.name} | ${sg.totalTimeS.toFixed(3)} / ${sg.sentMiB.toFixed(1)} / ${sg.rounds} | ` +
          `${vm.totalTimeS.toFixed(3)} / ${vm.sentMiB.toFixed(1)} / ${vm.rounds} | ${(dt * 100).toFixed(2)} %`,
      );
      expect(within(vm.totalTimeS, sg.totalTimeS), `total time: vmft ${vm.totalTimeS} s, SimGrid ${sg.totalTimeS} s`).toBe(true);
      expect(within(vm.sentMiB, sg.sentMiB), `sent: vmft ${vm.sentMiB} MiB, SimGrid ${sg.sentMiB} MiB`).toBe(true);
      expect(Math.abs(vm.rounds - sg.rounds), `rounds: vmft ${vm.rounds}, SimGrid ${sg.rounds}`).toBeLessThanOrEqual(1);
    });
  }
});
