import { describe, expect, it } from 'vitest';
import { AutoConvergeSchedule, BandwidthMeter, mergeAtSync, QEMU_ZERO_PAGE_BYTES } from '../../../lib/engines/migration/qemu.js';
import { resolvePolicy } from '../../../lib/engines/migration/index.js';
import { EgressMeter } from '../../../lib/engines/migration/meter.js';
import { Simulation } from '../../../lib/sim/index.js';
import { Nic, type VM } from '../../../lib/vm/index.js';
import { resolveRunParams, runScenario } from '../../../lib/scenario/index.js';

const MS = 1e6;
const MIB = 1048576;

describe('QEMU 7.2 mechanisms', () => {
  it('bandwidth is measured over windows of at least 100 ms; the threshold is bandwidth × downtime-limit (0 before the first window)', () => {
    const m = new BandwidthMeter(0, 0, 300);
    expect(m.thresholdBytes).toBe(0);
    expect(m.update(99 * MS, 10 * MIB)).toBe(false); // window still open
    expect(m.thresholdBytes).toBe(0);
    expect(m.update(125 * MS, 12.5 * MIB)).toBe(true); // 12.5 MiB in 125 ms = 0.1 MiB/ms
    expect(m.bytesPerS).toBeCloseTo(100 * MIB, 6);
    expect(m.thresholdBytes).toBeCloseTo(30 * MIB, 6);
    // The next window starts where this one ended: only what was sent since counts.
    expect(m.update(200 * MS, 20 * MIB)).toBe(false);
    expect(m.update(225 * MS, 15 * MIB)).toBe(true); // 2.5 MiB in 100 ms
    expect(m.thresholdBytes).toBeCloseTo(7.5 * MIB, 6);
  });

  it('auto-converge steps when a period longer than 1 s dirtied more than half of what it sent, the second such time', () => {
    const a = new AutoConvergeSchedule(0, 0);
    const page = 4096;
    // Syncs inside the first second only accumulate.
    expect(a.onSync(500 * MS, 1000, page, 1000 * page, 0)).toBeNull();
    // First period judged (1.2 s: 3000 pages dirtied against 2000 sent): high, but only once.
    expect(a.onSync(1200 * MS, 2000, page, 2000 * page, 0)).toBeNull();
    // Second high period: the throttle starts at 20 %.
    expect(a.onSync(2300 * MS, 3000, page, 4000 * page, 0)).toBe(20);
    // A calm period (dirtied ≤ 50 % of sent) does not reset the count…
    expect(a.onSync(3400 * MS, 100, page, 8000 * page, 20)).toBeNull();
    expect(a.onSync(4500 * MS, 5000, page, 9000 * page, 20)).toBeNull();
    // …and the next high one steps +10 %.
    expect(a.onSync(5600 * MS, 5000, page, 10000 * page, 20)).toBe(30);
    // At most 99 %.
    const b = new AutoConvergeSchedule(0, 0);
    b.onSync(1001 * MS, 10, page, 0, 95);
    expect(b.onSync(2002 * MS, 10, page, 0, 95)).toBe(99);
  });

  it('a sync unites what is left with the newly dirty pages and resumes from the scan position', () => {
    const rest = Int32Array.from([7, 9, 1, 3]); // scan order: wrapped after 9
    const dirty = Int32Array.from([2, 3, 8]);
    const r = mergeAtSync(rest, dirty, 5);
    expect([...r.pages]).toEqual([7, 8, 9, 1, 2, 3]);
    expect(r.added).toBe(2);
    expect([...mergeAtSync(new Int32Array(0), Int32Array.from([4, 6]), 0).pages]).toEqual([4, 6]);
  });

  it('the qemu preset: 128 MiB/s, 300 ms, zero pages as 9-byte records, the stop phase unthrottled, syncs at the threshold', () => {
    const p = resolvePolicy(resolveRunParams('migration', 'synthetic', { 'migration.policy': 'qemu' }));
    expect(p.maxBandwidthMiBps).toBe(128);
    expect(p.downtimeLimitMs).toBe(300);
    expect(p.zeroPageBytes).toBe(QEMU_ZERO_PAGE_BYTES);
    expect(p.capStopPhase).toBe(false);
    expect(p.dirtySync).toBe('threshold');
    const xen = resolvePolicy(resolveRunParams('migration', 'synthetic', { 'migration.policy': 'xen-classic' }));
    expect([xen.zeroPageBytes, xen.pageHeaderBytes, xen.capStopPhase, xen.dirtySync]).toEqual([undefined, 0, true, 'round']);
  });
});

describe('the qemu policy in a run', () => {
  it('an idle guest (mostly zero pages) migrates in far less than memory ÷ max-bandwidth', () => {
    const r = runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.policy': 'qemu', 'run.durationS': 20 }, seed: 1 });
    const m = r.metrics as Record<string, number>;
    const memoryOverMax = 512 / 128; // s
    expect(r.metrics.migrationCompleted).toBe(true);
    expect(m.totalTimeS).toBeLessThan(memoryOverMax / 4);
    // Every page is sent once; the 448 MiB of zeros cost 9 bytes a page, the 64 MiB of data a page + 8.
    expect(m.sentFactor).toBeGreaterThanOrEqual(1);
    expect(m.sentMiB).toBeLessThan(64 * (4104 / 4096) + 1 + 512 * 0.01);
    expect(m.sentMiB).toBeGreaterThan(64);
    // The same guest with no zero pages declared takes memory ÷ the stream's rate.
    const full = runScenario({ engine: 'migration', workload: 'idle', params: { 'migration.policy': 'qemu', 'run.durationS': 20, 'workload.dataMiB': 512 }, seed: 1 }).metrics as Record<string, number>;
    expect(full.totalTimeS).toBeGreaterThan(m.totalTimeS! * 5);
  });

  it('a new iteration starts only when what is left falls below the threshold, and the switch-over needs pending < threshold', () => {
    const r = runScenario({
      engine: 'migration',
      workload: 'synthetic',
      params: { 'migration.policy': 'qemu', 'vm.memoryMiB': 256, 'workload.workingSetMiB': 64, 'workload.dirtyPagesPerS': 4000, 'host.sharedCpu': false, 'run.durationS': 30, 'migration.startAtS': 1 },
      seed: 2,
    });
    expect(r.metrics.migrationCompleted).toBe(true);
    const rows = r.series.rounds!;
    const live = rows.filter((x) => x.final === false);
    const final = rows.at(-1)!;
    expect(final.stopReason).toBe('downtimeLimit');
    // Round 1 did not send all of memory: the sync came once the rest was below bandwidth × 300 ms.
    expect(live[0]!.pages).toBeLessThan(65536);
    const threshold1 = ((live[0]!.measuredMbps! * 1e6) / 8) * 0.3;
    expect((65536 - live[0]!.pages) * 4096).toBeLessThan(threshold1);
    // …but not much earlier: one more step (1024 pages) would have been above it.
    expect((65536 - live[0]!.pages + 1024) * 4096).toBeGreaterThanOrEqual(threshold1);
    // The final copy carries what was pending at the last sync, below that sync's threshold.
    const last = live.at(-1)!;
    expect(final.pages).toBe(last.dirtyPages);
    expect(last.dirtyPages * 4096).toBeLessThan(((last.measuredMbps! * 1e6) / 8) * 0.3);
    expect(r.invariants.memoryConsistent).toBe(true);
  });

  it('the live rounds are held to max-bandwidth; the stop-and-copy is not', () => {
    // A 10 GbE path and a free domain 0: only the rate limit can slow the stream.
    const r = runScenario({
      engine: 'migration',
      workload: 'synthetic',
      params: {
        'migration.policy': 'qemu', 'vm.memoryMiB': 256, 'workload.workingSetMiB': 64, 'workload.dirtyPagesPerS': 4000,
        'host.sharedCpu': false, 'host.sendNsPerByte': 0, 'net.clientBandwidthMbps': 10_000, 'run.durationS': 30, 'migration.startAtS': 1,
      },
      seed: 2,
    });
    const rows = r.series.rounds!;
    const round1 = rows[0]!;
    const cap = 128 * MIB;
    expect(round1.bytes / (round1.durationMs / 1e3)).toBeCloseTo(cap, -4); // within 10 kB/s
    const final = rows.at(-1)!;
    const rate = final.bytes / (final.durationMs / 1e3);
    expect(rate).toBeGreaterThan(5 * cap); // at the link's 1.175 GB/s, less the suspend and CPU state
  });

  it('auto-converge steps exactly where QEMU’s rule, replayed over the recorded syncs, says', () => {
    const r = runScenario({
      engine: 'migration',
      workload: 'synthetic',
      params: { 'migration.policy': 'qemu', 'migration.autoConverge': true, 'vm.memoryMiB': 512, 'workload.workingSetMiB': 256, 'workload.dirtyPagesPerS': 32000, 'workload.cpuBound': true, 'host.sharedCpu': false, 'run.durationS': 60, 'migration.startAtS': 2 },
      seed: 3,
    });
    expect(r.metrics.migrationCompleted).toBe(true);
    const live = r.series.rounds!.filter((x) => x.final === false);
    // Replay ram.c's migration_trigger_throttle over each sync (a row's end), in seconds and bytes.
    let periodStart = live[0]!.startS;
    let bytesPrev = 0;
    let bytes = 0;
    let dirty = 0;
    let high = 0;
    let throttle = 0;
    let steps = 0;
    for (let i = 0; i < live.length; i++) {
      const row = live[i]!;
      expect(Math.round(row.throttlePct)).toBe(throttle);
      bytes += row.bytes;
      dirty += row.newDirtyPages!;
      const t = row.startS + row.durationMs / 1e3;
      if (t > periodStart + 1) {
        if (dirty * 4096 > 0.5 * (bytes - bytesPrev) && ++high >= 2) {
          high = 0;
          throttle = throttle === 0 ? 20 : Math.min(99, throttle + 10);
          steps++;
        }
        periodStart = t;
        bytesPrev = bytes;
        dirty = 0;
      }
    }
    expect(steps).toBeGreaterThanOrEqual(2);
  });
});

describe('QEMU mechanisms at their edges', () => {
  it('a window of exactly 100 ms closes', () => {
    const m = new BandwidthMeter(10 * MS, 5 * MIB, 300);
    expect(m.update(110 * MS - 1, 6 * MIB)).toBe(false);
    expect(m.bytesPerS).toBe(0);
    expect(m.update(110 * MS, 15 * MIB)).toBe(true); // 10 MiB in 100 ms
    expect(m.bytesPerS).toBeCloseTo(100 * MIB, 6);
    expect(m.thresholdBytes).toBeCloseTo(30 * MIB, 6);
  });

  it('auto-converge judges only a period longer than 1000 ms, and only dirtying above half of what was sent', () => {
    const page = 4096;
    const a = new AutoConvergeSchedule(0, 0);
    // Exactly 1000 ms: not judged yet, the pages keep accumulating.
    expect(a.onSync(1000 * MS, 600, page, 1000 * page, 0)).toBeNull();
    expect(a.onSync(1000 * MS + 1, 0, page, 1000 * page, 0)).toBeNull(); // judged high (600 > 500): count 1
    expect(a.onSync(2001 * MS, 500, page, 2000 * page, 0)).toBeNull(); // exactly 50 %: not high
    expect(a.onSync(3002 * MS, 501, page, 3000 * page, 0)).toBe(20); // high again: count 2, steps
    // A sync at exactly 1000 ms is not the end of the period: it is judged as a whole at the next one.
    const b = new AutoConvergeSchedule(0, 0);
    expect(b.onSync(1000 * MS, 600, page, 1000 * page, 0)).toBeNull();
    expect(b.onSync(2001 * MS, 600, page, 2000 * page, 0)).toBeNull(); // one 2 s period, high once
    // The count restarted: one more high period is not enough.
    expect(a.onSync(4003 * MS, 1000, page, 4000 * page, 20)).toBeNull();
    expect(a.onSync(5004 * MS, 1000, page, 5000 * page, 20)).toBe(30);
  });

  it('a sync resumes at the scan position: before every page, after every page, and on a page of the set', () => {
    const rest = Int32Array.from([2, 4, 6]);
    expect([...mergeAtSync(rest, Int32Array.from([5]), 0).pages]).toEqual([2, 4, 5, 6]);
    expect([...mergeAtSync(rest, Int32Array.from([5]), 7).pages]).toEqual([2, 4, 5, 6]);
    expect([...mergeAtSync(rest, Int32Array.from([5]), 5).pages]).toEqual([5, 6, 2, 4]);
    expect([...mergeAtSync(rest, Int32Array.from([1, 7]), 3).pages]).toEqual([4, 6, 7, 1, 2]);
    expect(mergeAtSync(rest, Int32Array.from([2, 4, 6]), 0).added).toBe(0);
    expect([...mergeAtSync(Int32Array.from([6, 2, 4]), new Int32Array(0), 0).pages]).toEqual([2, 4, 6]);
    expect([...mergeAtSync(new Int32Array(0), new Int32Array(0), 3).pages]).toEqual([]);
  });
});

describe('EgressMeter: what the guest sent, by time', () => {
  it('counts bytes in [from, to) and their mean Mbit/s; an empty or reversed window is 0', () => {
    const sim = new Simulation();
    const nic = new Nic();
    const wire: number[] = [];
    nic.connect((p) => wire.push(p.bytes));
    const meter = new EgressMeter(sim, { nic } as unknown as VM);
    for (const [at, bytes] of [
      [0, 100],
      [10 * MS, 200],
      [10 * MS, 300],
      [30 * MS, 400],
    ] as const)
      sim.schedule(at, () => nic.send({ bytes, client: 1, kind: 'reply' }));
    sim.run();
    expect(wire).toEqual([100, 200, 300, 400]); // passed on untouched
    expect(meter.bytesBetween(0, 10 * MS)).toBe(100);
    expect(meter.bytesBetween(0, 10 * MS + 1)).toBe(600);
    expect(meter.bytesBetween(10 * MS, 30 * MS)).toBe(500);
    expect(meter.bytesBetween(10 * MS + 1, 31 * MS)).toBe(400);
    expect(meter.bytesBetween(0, 1e12)).toBe(1000);
    expect(meter.bytesBetween(-5, 0)).toBe(0);
    expect(meter.mbps(10 * MS, 30 * MS)).toBeCloseTo((500 * 8) / 1e6 / 0.02, 9);
    expect(meter.mbps(5 * MS, 5 * MS)).toBe(0);
    expect(meter.mbps(30 * MS, 10 * MS)).toBe(0);
  });
});
