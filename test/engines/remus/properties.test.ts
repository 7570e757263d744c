import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KvstorePopulation } from '../../../workloads/presets/kvstore.js';
import { multiPrimaryRun, remusRun } from './harness.js';

/*
 * Property tests over random crash times, epoch lengths and link speeds. The kvstore guest
 * verifies every reply against what its clients were acknowledged; the engine checks its backup
 * image and disk against an independent capture of the primary at the last committed checkpoint.
 */

describe('remus + kvstore: a primary crash at a random time', () => {
  it('every client gets every reply, replies are consistent, no acknowledged write is lost, invariants hold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 3000 }),
        fc.integer({ min: 5, max: 200 }),
        fc.constantFrom(100, 300, 1000, 10_000),
        fc.integer({ min: 1, max: 1000 }),
        (crashMs, epochMs, mbps, seed) => {
          // Over lib/net, as runScenario runs it: TCP clients, the switch, the replication link.
          const { report, run } = multiPrimaryRun(
            1,
            'kvstore',
            { 'faults.primaryCrashAtS': crashMs / 1000, 'remus.epochMs': epochMs, 'link.bandwidthMbps': mbps, 'run.durationS': 8 },
            seed,
            // Clients stop issuing at 6 s; what is outstanding must still be answered by 8 s.
            (r) => r.sim.at(6e9, () => (r.populations[0] as KvstorePopulation).kv.stop()),
          );
          const pop = run.populations[0] as KvstorePopulation;
          const timeline = report.series.remusTimeline!.map((r) => r.event);
          expect(timeline).toEqual(['crash', 'detected', 'resumed']);
          expect(report.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
          expect(pop.invariants()).toEqual({ repliesConsistent: true, noLostAckedWrite: true });
          expect(pop.kv.failed).toBe(0);
          expect(pop.rpc.outstanding).toBe(0);
          expect(pop.kv.completed).toBeGreaterThan(0);
        },
      ),
      { numRuns: 6, seed: 42 },
    );
  }, 180_000);

  it('in unsafe mode a crash loses output — found by provenance, not configuration', () => {
    // Some crash times fall where no reply was in flight; over several, the loss shows.
    let violations = 0;
    for (const crash of [1.1, 1.6, 2.3]) {
      const o = remusRun('kvstore', { 'faults.primaryCrashAtS': crash, 'run.durationS': 4, 'remus.netBuffering': false });
      if (!o.invariants.noLostOutput) violations++;
      expect(o.metrics.lostOutputs > 0).toBe(!o.invariants.noLostOutput);
    }
    expect(violations).toBeGreaterThan(0);
  }, 60_000);
});

describe('remus disk replication: a crash at a random time', () => {
  it('never leaves the backup disk with an uncommitted write or without a committed one (postmark)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 2500 }),
        fc.integer({ min: 5, max: 150 }),
        fc.constantFrom(100, 1000),
        fc.boolean(),
        (crashMs, epochMs, mbps, diskOnly) => {
          const o = remusRun('postmark', {
            'workload.transactions': 600,
            'faults.primaryCrashAtS': crashMs / 1000,
            'remus.epochMs': epochMs,
            'link.bandwidthMbps': mbps,
            'run.durationS': 6,
            ...(diskOnly ? { 'remus.memory': false, 'remus.netBuffering': false } : {}),
          });
          expect(o.invariants.diskConsistent).toBe(true);
          if (!diskOnly) {
            expect(o.invariants.memoryConsistent).toBe(true);
            // The restored guest redoes its lost transactions and finishes on the backup.
            expect(o.metrics.completed).toBe(true);
          }
          expect(o.series.remusTimeline!.map((r) => r.event)).toContain('detected');
        },
      ),
      { numRuns: 10, seed: 7 },
    );
  }, 120_000);

  it('memory and disk stay consistent with random epochs and link speeds (synthetic, no crash)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.constantFrom(50, 100, 1000, 10_000),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('uniform', 'hotcold', 'zipf', 'sequential'),
        (epochMs, mbps, perEpoch, locality) => {
          const o = remusRun('synthetic', {
            'workload.dirtyPagesPerEpoch': perEpoch,
            'workload.locality': locality,
            'remus.epochMs': epochMs,
            'link.bandwidthMbps': mbps,
            'run.durationS': 2,
          });
          expect(o.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
        },
      ),
      { numRuns: 15, seed: 3 },
    );
  }, 120_000);
});
