import { describe, expect, it } from 'vitest';
import type { VM } from '../../../lib/vm/index.js';
import { multiPrimaryRun } from './harness.js';

/*
 * The consistency checks must be able to fail: a write that escapes dirty tracking, or a disk write
 * that is never forwarded, is found — at the end of a run and at a failover.
 */

/** Run synthetic under Remus; at `atNs` do `sabotage(vm)` on the primary. */
function run(params: Record<string, number | string | boolean>, atNs: number, sabotage: (vm: VM) => void) {
  return multiPrimaryRun(1, 'synthetic', { 'workload.dirtyPagesPerS': 2000, 'run.durationS': 3, ...params }, 1, (run) =>
    run.sim.at(atNs, () => sabotage(run.guests[0]!.vm)),
  ).report;
}

describe('memoryConsistent and diskConsistent can fail', () => {
  it('a write that escapes dirty tracking is found at the end of the run', () => {
    const r = run({}, 1_000_000_000, (vm) => {
      vm.vcpu.sync();
      vm.memory.disableLogDirty();
      vm.memory.write(12345);
      vm.memory.enableLogDirty();
    });
    expect(r.invariants.memoryConsistent).toBe(false);
    expect(r.invariants.diskConsistent).toBe(true);
  });

  it('a disk write that was never forwarded is found at the end of the run', () => {
    const r = run({}, 1_000_000_000, (vm) => vm.disk.apply({ block: 7, version: 99 }));
    expect(r.invariants.diskConsistent).toBe(false);
    expect(r.invariants.memoryConsistent).toBe(true);
  });

  it('both are found at a failover too', () => {
    const r = run({ 'faults.primaryCrashAtS': 2, 'run.durationS': 4 }, 1_000_000_000, (vm) => {
      vm.vcpu.sync();
      vm.memory.disableLogDirty();
      vm.memory.write(4242);
      vm.memory.enableLogDirty();
      vm.disk.apply({ block: 9, version: 77 });
    });
    expect(r.series.remusTimeline!.map((e) => e.event)).toEqual(['crash', 'detected', 'resumed']);
    expect(r.invariants.memoryConsistent).toBe(false);
    expect(r.invariants.diskConsistent).toBe(false);
  });

  it('and hold when nothing is sabotaged', () => {
    const r = run({ 'faults.primaryCrashAtS': 2, 'run.durationS': 4 }, 1_000_000_000, () => {});
    expect(r.invariants).toEqual({ noLostOutput: true, outputCommitted: true, memoryConsistent: true, diskConsistent: true });
  });
});
