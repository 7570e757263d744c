import { describe, expect, it } from 'vitest';
import { ARP_REDIRECT_NS, CPU_STATE_BYTES, DOM0_CPU_NS_PER_BYTE, SOURCE_SUSPEND_NS, TARGET_STARTUP_NS, migrationEngine } from '../../../lib/engines/migration/index.js';
import { InputError, numberParam, resolveParams } from '../../../lib/params/index.js';
import { COMMON_PARAMS, runScenario, simulate } from '../../../lib/scenario/index.js';
import { defineWorkload, synthetic, WritePattern, type WorkloadPreset } from '../../../workloads/index.js';
import { CLIENT_NIC_LATENCY_MS } from '../../../lib/net/index.js';
import { migrate } from './harness.js';

const goodputBytesPerS = (mbps: number, eff = 0.94): number => (mbps * 1e6 * eff) / 8;
/** The stream's rate: the path's goodput, unless domain 0 (0.99 of a core next to an idle guest) cannot push it. */
const streamBytesPerS = (mbps: number): number => {
  const want = goodputBytesPerS(mbps);
  const demand = Math.min(1, (want * DOM0_CPU_NS_PER_BYTE) / 1e9);
  return demand <= 0.99 ? want : (0.99 * 1e9) / DOM0_CPU_NS_PER_BYTE;
};
const FIXED_NS = SOURCE_SUSPEND_NS + TARGET_STARTUP_NS + ARP_REDIRECT_NS;

describe('stop-and-copy', () => {
  const idleParams = (memoryMiB: number, mbps: number) => ({ 'migration.policy': 'stop-and-copy', 'workload.dirtyPagesPerS': 0, 'vm.memoryMiB': memoryMiB, 'net.clientBandwidthMbps': mbps, 'run.durationS': 60, 'workload.workingSetMiB': 1 });

  it('an idle VM: memory ÷ bandwidth plus the fixed costs and one NIC latency (domain 0 bounds 1 Gbit/s)', () => {
    for (const [memoryMiB, mbps] of [
      [64, 1000],
      [256, 100],
      [100, 333],
    ] as const) {
      const r = migrate(synthetic, idleParams(memoryMiB, mbps));
      // The stream is continuous; the switch waits for the last byte (one NIC latency later).
      const copyNs = ((memoryMiB * 1048576 + CPU_STATE_BYTES) / streamBytesPerS(mbps)) * 1e9 + CLIENT_NIC_LATENCY_MS * 1e6;
      // Each 4 MiB batch is a flow whose end the channel rounds to the ns: within 1 ns per batch.
      const batches = Math.ceil((memoryMiB * 1048576) / (4 * 1048576));
      expect(Math.abs(r.metrics.downtimeMs! - (FIXED_NS + copyNs) / 1e6)).toBeLessThanOrEqual(batches * 1e-6);
      expect(Math.abs(r.metrics.totalTimeS! - (SOURCE_SUSPEND_NS + copyNs + TARGET_STARTUP_NS) / 1e9)).toBeLessThanOrEqual(batches * 1e-9);
      expect(r.metrics.rounds).toBe(1);
      expect(r.metrics.sentFactor).toBe(1);
      expect(r.invariants.memoryConsistent).toBe(true);
    }
  });

  it('runScenario gives the same run as the harness', () => {
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params: idleParams(64, 1000) });
    expect(r.metrics.downtimeMs).toBe(migrate(synthetic, idleParams(64, 1000)).metrics.downtimeMs);
  });

  it('uses the host-to-host link when migration.sharedNic=false', () => {
    const params = { ...idleParams(64, 1000), 'migration.sharedNic': false, 'link.bandwidthMbps': 200 };
    const copyNs = ((64 * 1048576 + CPU_STATE_BYTES) / streamBytesPerS(200)) * 1e9;
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params });
    expect(Math.abs(r.metrics.downtimeMs! - (FIXED_NS + copyNs + 0.1e6) / 1e6)).toBeLessThan(1e-5); // + link.latencyMs
  });
});

describe('textbook policy', () => {
  it('stops on a stable dirty count: a small set rewritten faster than a round', () => {
    const r = runScenario({
      engine: 'migration',
      workload: 'synthetic',
      params: { 'migration.policy': 'textbook', 'vm.memoryMiB': 64, 'workload.workingSetMiB': 4, 'workload.dirtyPagesPerS': 200_000, 'workload.locality': 'sequential', 'run.durationS': 20 },
    });
    const rounds = r.series.rounds!;
    const final = rounds.at(-1)!;
    expect(final.stopReason).toBe('stable');
    // The last three live rounds each left the whole 4 MiB set (1024 pages) dirty.
    const live = rounds.filter((x) => !x.final);
    expect(live.slice(-3).map((x) => x.dirtyPages)).toEqual([1024, 1024, 1024]);
    expect(r.metrics.rounds).toBe(live.length + 1);
    expect(r.invariants.memoryConsistent).toBe(true);
  });

  it('stops at migration.maxRounds when the count never settles', () => {
    const r = runScenario({
      engine: 'migration',
      workload: 'synthetic',
      params: { 'migration.policy': 'textbook', 'migration.maxRounds': 4, 'migration.stableRounds': 10, 'vm.memoryMiB': 64, 'workload.workingSetMiB': 4, 'workload.dirtyPagesPerS': 200_000, 'workload.locality': 'sequential', 'run.durationS': 20 },
    });
    expect(r.metrics.rounds).toBe(4);
    expect(r.series.rounds!.at(-1)!.stopReason).toBe('maxRounds');
  });
});

describe('qemu auto-converge', () => {
  const params = {
    'migration.policy': 'qemu',
    'vm.memoryMiB': 64,
    'workload.workingSetMiB': 48,
    'workload.dirtyPagesPerS': 6000, // 23 MiB/s of distinct pages against an 11 MiB/s link
    'workload.cpuBound': true,
    'host.sharedCpu': false,
    'net.clientBandwidthMbps': 100,
    'run.durationS': 120,
  };
  it('without it a guest dirtying faster than the link never converges', () => {
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params });
    expect(r.metrics.migrationCompleted).toBe(false);
    expect(r.series.rounds!.every((x) => x.throttlePct === 0)).toBe(true);
  });
  it('with it the vCPU is throttled 20 %, 30 %, … on QEMU’s schedule until the migration converges', () => {
    const r = runScenario({ engine: 'migration', workload: 'synthetic', params: { ...params, 'migration.autoConverge': true } });
    expect(r.metrics.migrationCompleted).toBe(true);
    expect(r.invariants.memoryConsistent).toBe(true);
    // Each record shows the throttle its round ran under: none at first, then 20 %, then +10 % steps.
    const live = r.series.rounds!.filter((x) => !x.final);
    const throttles = live.map((x) => Math.round(x.throttlePct));
    expect(throttles[0]).toBe(0);
    const steps = throttles.map((t, i) => (i === 0 ? 0 : t - throttles[i - 1]!)).filter((d) => d !== 0);
    expect(steps[0]).toBe(20);
    for (const d of steps.slice(1)) expect(d).toBe(10);
    expect(Math.max(...throttles)).toBeGreaterThan(20);
    // QEMU steps at most once per two periods of more than 1 s each: never in consecutive rounds
    // here (each round is shorter than 1 s), unlike a step per round.
    const stepRounds = throttles.map((t, i) => (i > 0 && t !== throttles[i - 1] ? i : -1)).filter((i) => i >= 0);
    for (let k = 1; k < stepRounds.length; k++) {
      const gapS = live[stepRounds[k]!]!.startS - live[stepRounds[k - 1]!]!.startS;
      expect(gapS).toBeGreaterThan(2);
    }
    // The last live round ran throttled (the throttle is lifted when the VM resumes on the target).
    expect(r.series.rounds!.at(-1)!.throttlePct).toBeGreaterThan(0);
    expect(r.series.rounds!.at(-1)!.stopReason).toBe('downtimeLimit');
  });
});

/** A guest writing memory and local-disk blocks at fixed rates (for the disk pre-copy). */
const diskWriter = defineWorkload({
  name: 'disk-writer',
  from: '—',
  description: 'test: writes memory pages and disk blocks',
  params: [numberParam('workload.blocksPerS', 2000, 'disk block writes per second', { min: 0 })],
  defaults: { 'vm.memoryMiB': 32, 'vm.diskMiB': 64, 'run.durationS': 40 },
  guest(env) {
    const perNs = env.params.num('workload.blocksPerS') / 1e9;
    let carry = 0;
    let vm: import('../../../lib/vm/index.js').VM | null = null;
    const pages = new WritePattern({ base: 0, pages: 1024, locality: 'uniform' }, env.rng);
    const blocks = new WritePattern({ base: 0, pages: 4096, locality: 'hotcold' }, env.rng);
    const buf = new Int32Array(1);
    return {
      start(v) {
        vm = v;
      },
      advance(from, to) {
        if (vm === null) return;
        const x = carry + perNs * (to - from);
        const n = Math.floor(x);
        carry = x - n;
        for (let k = 0; k < n; k++) {
          blocks.fill(buf, 1);
          vm.disk.write(buf[0]!);
        }
        pages.write(vm.memory, Math.floor(n / 4));
      },
      snapshot: () => null,
      restore: () => {},
    };
  },
});

function runPreset(preset: WorkloadPreset, input: Record<string, number | string | boolean>, seed = 1) {
  const params = resolveParams([...COMMON_PARAMS, ...preset.params, ...migrationEngine.params], input, preset.defaults);
  return simulate(migrationEngine, preset, params, seed, []);
}

describe('disk pre-copy (migration.disk=true)', () => {
  it('moves a local disk that is being written, consistently, in rounds before memory', () => {
    const r = runPreset(diskWriter, { 'migration.disk': true, 'migration.startAtS': 2 });
    expect(r.invariants.diskConsistent).toBe(true);
    expect(r.invariants.memoryConsistent).toBe(true);
    const disk = r.series.rounds!.filter((x) => x.resource === 'disk');
    expect(disk.length).toBeGreaterThan(1);
    expect(disk[0]!.pages).toBe(64 * 256); // round 1: every block
    expect(disk[1]!.pages).toBeGreaterThan(0); // blocks written meanwhile are sent again
    expect(r.metrics.sentMiB).toBeGreaterThan(64 + 32);
    // Some dirty blocks were left for the stop phase.
    expect(r.series.rounds!.at(-1)!.final).toBe(true);
  });

  it('leaves the disk on shared storage by default', () => {
    const r = runPreset(diskWriter, { 'migration.startAtS': 2 });
    expect(r.invariants.diskConsistent).toBeUndefined();
    expect(r.series.rounds!.every((x) => x.resource === 'memory')).toBe(true);
    expect(r.metrics.sentMiB).toBeLessThan(64);
  });
});

describe('bad input exits 2 (InputError) naming the allowed values', () => {
  it('rejects an unknown policy with the list of policies', () => {
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.policy': 'nope' } })).toThrow(InputError);
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.policy': 'nope' } })).toThrow(
      /xen-classic \| xen-modern \| qemu \| simgrid \| textbook \| stop-and-copy/,
    );
  });
  it('rejects bad values and a start after the end of the run', () => {
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.maxRounds': 0 } })).toThrow(InputError);
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.maxRateMbps': -5 } })).toThrow(InputError);
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.autoConverge': 'maybe' } })).toThrow(InputError);
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.startAtS': 60 } })).toThrow(/migration\.startAtS/);
    expect(() => runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.minRateMbps': 600, 'migration.maxRateMbps': 500 } })).toThrow(InputError);
  });
});

describe('determinism', () => {
  it('same configuration and seed give the same result', () => {
    const req = { engine: 'migration', workload: 'quake3', seed: 4, params: { 'run.durationS': 20 } };
    const a = runScenario(req);
    const b = runScenario(req);
    expect(JSON.stringify({ ...a, metrics: { ...a.metrics, wallMs: 0 } })).toBe(JSON.stringify({ ...b, metrics: { ...b.metrics, wallMs: 0 } }));
  });
});

describe('failures during a migration', () => {
  const base = { 'run.durationS': 20, 'migration.startAtS': 5 };
  it('the target host crashes mid-migration: abandoned, the VM runs on at the source', () => {
    const r = runScenario({ engine: 'migration', workload: 'quake3', params: { ...base, 'faults.backupCrashAtS': 7 } });
    expect(r.metrics.migrationCompleted).toBe(false);
    expect(r.metrics.migrationAborted).toBe(true);
    expect(r.series.migration![0]!.reason).toBe('target host crashed');
    expect(r.metrics.framesPerS as number).toBeCloseTo(20, 0); // the server never stopped
  });
  it('the source host crashes mid-migration: the VM is lost with it', () => {
    const r = runScenario({ engine: 'migration', workload: 'quake3', params: { ...base, 'faults.primaryCrashAtS': 7 } });
    expect(r.metrics.migrationAborted).toBe(true);
    expect(r.metrics.framesPerS as number).toBeLessThan(8);
  });
  it('the source host crashes after the switch: nothing is lost', () => {
    const r = runScenario({ engine: 'migration', workload: 'quake3', params: { ...base, 'faults.primaryCrashAtS': 15 } });
    expect(r.metrics.migrationCompleted).toBe(true);
    expect(r.metrics.migrationAborted).toBe(false);
    expect(r.invariants.memoryConsistent).toBe(true);
    expect(r.metrics.framesPerS as number).toBeCloseTo(20, 0);
  });
  it('a host-to-host link outage stalls a migration over that link until it heals', () => {
    const p = { 'migration.policy': 'stop-and-copy', 'migration.sharedNic': false, 'workload.dirtyPagesPerS': 0, 'vm.memoryMiB': 64, 'run.durationS': 30, 'migration.startAtS': 2 };
    const ok = runScenario({ engine: 'migration', workload: 'synthetic', params: p });
    const cut = runScenario({ engine: 'migration', workload: 'synthetic', params: { ...p, 'faults.linkDownAtS': 2.1, 'faults.linkDownForS': 3 } });
    expect(cut.metrics.migrationCompleted).toBe(true);
    expect(cut.invariants.memoryConsistent).toBe(true);
    expect(cut.metrics.downtimeMs! - ok.metrics.downtimeMs!).toBeGreaterThan(2900);
  });
});
