import { describe, expect, it } from 'vitest';
import { activeEngine, activeLayout } from '../../../lib/engines/active/engine.js';
import { faultSchedule, type ScheduledFault } from '../../../lib/faults/index.js';
import { buildRun, getEngine, resolveRunParams, type BuiltRun } from '../../../lib/scenario/index.js';
import { s } from '../../../lib/sim/index.js';
import { getWorkload } from '../../../workloads/index.js';

const MEMORY_MIB = 16;
const DURATION_S = 2;

/** A short kvstore run under `active`, built (not yet run) so that its hosts, VMs and engine can be inspected. */
function built(params: Record<string, number | string | boolean>, faults?: readonly ScheduledFault[]): BuiltRun {
  const p = resolveRunParams('active', 'kvstore', { 'vm.memoryMiB': MEMORY_MIB, 'run.durationS': DURATION_S, 'workload.clients': 2, ...params });
  return buildRun(getEngine('active'), getWorkload('kvstore'), p, 1, faults ?? faultSchedule(p, DURATION_S));
}

const at0 = { timeS: 0, active: 3, passive: 0 };

describe('engine active: layout and shape', () => {
  it('puts one replica of the service on each of 2f + 1 hosts named A, B, C, …', () => {
    expect(activeLayout(1)).toEqual({
      hosts: ['A', 'B', 'C'],
      guests: [
        { host: 0, service: 0 },
        { host: 1, service: 0 },
        { host: 2, service: 0 },
      ],
    });
  });

  it('names the hosts after Z by number: H26, …', () => {
    const l = activeLayout(13);
    expect(l.hosts).toHaveLength(27);
    expect(l.hosts.slice(0, 26).join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(l.hosts[26]).toBe('H26');
  });

  it('counts 2f + 1 active replicas, no passive one, and a fault budget of f', () => {
    for (const f of [1, 2, 4]) {
      const p = resolveRunParams('active', 'kvstore', { 'active.f': f });
      expect(activeEngine.replicas!(p)).toEqual({ active: 2 * f + 1, passive: 0 });
      expect(activeEngine.faultBudget!(p)).toBe(f);
    }
  });
});

describe('engine active: faults on faults.targetHost', { timeout: 120_000 }, () => {
  it('a replica VM crash takes that replica out of the count; its host and the others keep running', () => {
    const b = built({ 'faults.vmCrashAtS': 1, 'faults.targetHost': 1 });
    const r = b.run();
    expect(r.series.replicas).toEqual([at0, { timeS: 1, active: 2, passive: 0 }]);
    expect(b.hosts.map((h) => h.alive)).toEqual([true, true, true]);
    expect(b.guests.map((g) => g.vm.status)).toEqual(['running', 'crashed', 'running']);
    // The VMs a Byzantine fault could strike: the running ones.
    expect(b.engine.activeVms!().map((vm) => vm.name)).toEqual([b.guests[0]!.vm.name, b.guests[2]!.vm.name]);
    // f + 1 = 2 replicas still vote.
    expect(r.metrics.serviceLost).toBe(false);
    // A crashed VM's memory stops counting: two VMs for the whole run, the third for 1 s.
    expect(r.metrics.memoryGiBSeconds).toBeCloseTo(((2 * DURATION_S + 1) * MEMORY_MIB) / 1024, 12);
  });

  it('a replica manager crash takes its replica out of the count, though its VM and host keep running', () => {
    const b = built({ 'faults.rmCrashAtS': 1, 'faults.targetHost': 0 });
    const r = b.run();
    expect(r.series.replicas).toEqual([at0, { timeS: 1, active: 2, passive: 0 }]);
    expect(b.hosts.map((h) => h.alive)).toEqual([true, true, true]);
    expect(b.guests.map((g) => g.vm.status)).toEqual(['running', 'running', 'running']);
    expect(b.engine.activeVms!().map((vm) => vm.name)).toEqual(b.guests.map((g) => g.vm.name));
    // Host 0's RM was declared crashed: the service's address moved to host B.
    expect(b.network.serverHost(b.services[0]).name).toBe('B');
    expect(r.metrics.serviceLost).toBe(false);
    expect(r.metrics.memoryGiBSeconds).toBeCloseTo((3 * DURATION_S * MEMORY_MIB) / 1024, 12);
  });

  it('a host crash takes the host down with its replica', () => {
    const b = built({ 'faults.hostCrashAtS': 1, 'faults.targetHost': 2 });
    const r = b.run();
    expect(r.series.replicas).toEqual([at0, { timeS: 1, active: 2, passive: 0 }]);
    expect(b.hosts.map((h) => h.alive)).toEqual([true, true, false]);
    expect(b.guests.map((g) => g.vm.status)).toEqual(['running', 'running', 'crashed']);
    expect(r.metrics.serviceLost).toBe(false);
  });

  it('reports the service lost when fewer than f + 1 replicas run at the end', () => {
    // Beyond the fault budget: the engine crashes replica 0's VM, and replica 2's guest fails on its own.
    const b = built({ 'faults.vmCrashAtS': 1, 'faults.targetHost': 0 });
    b.sim.at(s(1.5), () => b.guests[2]!.vm.crash());
    expect(b.run().metrics.serviceLost).toBe(true);
  });

  it('fails loudly on a fault kind it does not declare', () => {
    const b = built({}, [{ kind: 'linkDown', atNs: s(0.5) }]);
    expect(() => b.run()).toThrow(/active cannot apply a linkDown fault/);
  });
});
