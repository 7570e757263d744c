import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule } from '../../lib/faults/index.js';
import { getEngine, resolveRunParams, simulate } from '../../lib/scenario/index.js';
import { getWorkload } from '../../workloads/index.js';

/*
 * Faults at the very instant of another event: the start of the run, a migration's start, a Remus
 * checkpoint boundary. Ties are broken by scheduling order, so these are the instants where an
 * engine can meet a state it did not expect (a VM crashed before the step that pauses it). Every
 * fault key, every engine: the run ends normally and nothing wrong reaches a client.
 */

const FAULT_KEYS = ['faults.primaryCrashAtS', 'faults.backupCrashAtS', 'faults.hostCrashAtS', 'faults.vmCrashAtS', 'faults.linkDownAtS'] as const;
type FaultKey = (typeof FAULT_KEYS)[number];
const CRASHES_OF_THE_VMS_HOST: readonly FaultKey[] = ['faults.primaryCrashAtS', 'faults.hostCrashAtS', 'faults.vmCrashAtS'];

function run(engine: string, params: Record<string, number | string | boolean>, seed: number) {
  const p = resolveRunParams(engine, 'kvstore', { 'run.durationS': 3, 'workload.clients': 4, ...params });
  return simulate(getEngine(engine), getWorkload('kvstore'), p, seed, faultSchedule(p, p.num('run.durationS')));
}

const noWrongReply = (inv: Record<string, boolean>): void => {
  expect(inv.repliesConsistent).toBe(true);
  expect(inv.noLostAckedWrite).toBe(true);
};

describe('a fault at the same instant as another event', () => {
  it('migration: a crash at the migration’s start abandons it; a link fault delays it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FAULT_KEYS), fc.integer({ min: 1, max: 20 }), fc.constantFrom('xen-classic', 'qemu', 'stop-and-copy'), fc.integer({ min: 1, max: 1000 }), (key, startDs, policy, seed) => {
        const startS = startDs / 10;
        const o = run('migration', { 'migration.startAtS': startS, 'migration.policy': policy, [key]: startS }, seed);
        noWrongReply(o.invariants);
        if (key !== 'faults.linkDownAtS') {
          expect(o.metrics.migrationCompleted).toBe(false);
          expect(o.metrics.migrationAborted).toBe(true);
          expect(o.series.migration![0]!.timeS).toBe(startS);
          expect(o.metrics.downtimeMs).toBeUndefined();
        }
      }),
      { numRuns: 12, seed: 11 },
    );
  }, 300_000);

  it('the CLI case: kvstore, faults.hostCrashAtS = migration.startAtS = 10', () => {
    const o = run('migration', { 'faults.hostCrashAtS': 10, 'run.durationS': 12 }, 1);
    expect(o.metrics.migrationCompleted).toBe(false);
    expect(o.series.migration).toEqual([{ event: 'aborted', reason: 'host A crashed', timeS: 10 }]);
  }, 120_000);

  it('remus: a fault on a checkpoint boundary (or at t = 0) keeps every invariant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FAULT_KEYS), fc.constantFrom(10, 25, 40), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 1000 }), (key, epochMs, k, seed) => {
        const atS = (k * epochMs) / 1000;
        const o = run('remus', { 'remus.epochMs': epochMs, 'run.durationS': 2, [key]: atS }, seed);
        noWrongReply(o.invariants);
        expect(o.invariants.noLostOutput).toBe(true);
        // A VM crash on a live host is outside Remus's fault model: recorded, not handled.
        if (key !== 'faults.vmCrashAtS') {
          if (o.invariants.memoryConsistent !== undefined) expect(o.invariants.memoryConsistent).toBe(true);
          if (o.invariants.diskConsistent !== undefined) expect(o.invariants.diskConsistent).toBe(true);
        }
        const events = o.series.remusTimeline!.map((r) => r.event);
        if (CRASHES_OF_THE_VMS_HOST.includes(key)) expect(events[0]).toBe(key === 'faults.vmCrashAtS' ? 'vm-crash' : 'crash');
      }),
      { numRuns: 10, seed: 12 },
    );
  }, 300_000);

  it('unprotected: a fault at t = 0 or on a whole second ends the service, never with a wrong reply', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FAULT_KEYS), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 1000 }), (key, atS, seed) => {
        const o = run('unprotected', { [key]: atS }, seed);
        noWrongReply(o.invariants);
        if (CRASHES_OF_THE_VMS_HOST.includes(key) && atS > 0) expect(o.metrics.opsCompleted).toBeGreaterThan(0);
      }),
      { numRuns: 10, seed: 13 },
    );
  }, 300_000);
});
