import { describe, expect, it } from 'vitest';
import { ResourceMeter } from '../../lib/engines/resources.js';
import { Simulation, s } from '../../lib/sim/index.js';
import { groupWorld } from '../replication/harness.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** A meter on a fresh simulation, and its clock moved to an absolute time. */
function meter() {
  const sim = new Simulation();
  const m = new ResourceMeter(sim);
  const at = (ns: number): void => sim.run(ns);
  return { sim, m, at };
}

const noCost = { hostsReserved: 1, guestCpuNs: 0, hostLinkBytes: 0 };

describe('ResourceMeter', () => {
  describe('memory: each VM’s memory × the time it exists', () => {
    it('counts a VM from its creation — now, or a later time the engine names — to its end or the report', () => {
      const { m, at } = meter();
      m.vmExists('a', 2 * GIB);
      m.vmExists('b', 512 * MIB, s(1));
      // Created after the report's end: nothing yet.
      m.vmExists('c', GIB, s(6));
      at(s(3));
      m.vmGone('a');
      // a: 2 GiB × 3 s; b: 0.5 GiB × (5 − 1) s; c: 0.
      expect(m.report(s(5), noCost).memoryGiBSeconds).toBe(2 * 3 + 0.5 * 4);
    });

    it('stops counting a VM at the first time it is gone; later calls change nothing', () => {
      const { m, at } = meter();
      m.vmExists('a', GIB);
      at(s(2));
      m.vmGone('a');
      at(s(4));
      m.vmGone('a');
      expect(m.report(s(10), noCost).memoryGiBSeconds).toBe(2);
    });

    it('ignores a VM it never counted going away', () => {
      const { m, at } = meter();
      m.vmExists('a', GIB);
      at(s(1));
      expect(() => m.vmGone('never-created')).not.toThrow();
      expect(m.report(s(3), noCost)).toMatchObject({ vmsReserved: 1, memoryGiBSeconds: 3 });
    });

    it('refuses to count a VM twice, even after it is gone (a name is one VM for the whole run)', () => {
      const { m } = meter();
      m.vmExists('a', GIB);
      expect(() => m.vmExists('a', GIB)).toThrow(/VM a counted twice/);
      m.vmGone('a');
      expect(() => m.vmExists('a', GIB)).toThrow(/counted twice/);
    });

    it('reserves every VM it ever counted, gone or not', () => {
      const { m } = meter();
      m.vmExists('a', GIB);
      m.vmExists('b', GIB, s(1));
      m.vmGone('a');
      expect(m.report(s(2), noCost).vmsReserved).toBe(2);
    });
  });

  describe('CPU, network and hosts', () => {
    it('reports guest vCPU time plus domain-0 work in seconds, host-link payload in MiB, the hosts it is told', () => {
      const { m } = meter();
      m.dom0(0);
      m.dom0(3e8);
      m.dom0(2e8);
      expect(m.report(0, { hostsReserved: 3, guestCpuNs: 2e9, hostLinkBytes: 3 * MIB })).toEqual({
        hostsReserved: 3,
        vmsReserved: 0,
        cpuSeconds: 2.5,
        memoryGiBSeconds: 0,
        networkMiB: 3,
      });
    });

    it('refuses negative or NaN domain-0 work', () => {
      const { m } = meter();
      expect(() => m.dom0(-1)).toThrow(/bad CPU work -1/);
      expect(() => m.dom0(Number.NaN)).toThrow(/bad CPU work NaN/);
      expect(m.report(0, noCost).cpuSeconds).toBe(0);
    });
  });

  describe('replicas', () => {
    it('records each change of the replica counts (in seconds), not a repeat, and reports the first counts', () => {
      const { m, at } = meter();
      m.replicas(3, 0);
      at(s(1));
      m.replicas(3, 0);
      at(s(1.5));
      m.replicas(2, 0);
      at(s(2.5));
      m.replicas(2, 1);
      m.replicas(2, 1);
      expect(m.replicaSeries).toEqual([
        { timeS: 0, active: 3, passive: 0 },
        { timeS: 1.5, active: 2, passive: 0 },
        { timeS: 2.5, active: 2, passive: 1 },
      ]);
      expect(m.report(s(3), noCost)).toMatchObject({ activeReplicas: 3, passiveReplicas: 0 });
    });

    it('leaves the replica counts out of the report when none were given', () => {
      const { m } = meter();
      const r = m.report(s(1), noCost);
      expect(r).not.toHaveProperty('activeReplicas');
      expect(r).not.toHaveProperty('passiveReplicas');
      expect(m.replicaSeries).toEqual([]);
    });
  });

  describe('replicatedReport: a service behind replica managers', () => {
    it('charges the RMs’ CPU as domain-0 work and reports their messages, CPU and the most requests any RM delivered', () => {
      // Three RMs, quorum 2; the third one's host crashes early, so it delivers fewer requests.
      const w = groupWorld({ hosts: 3, quorum: 2, sessions: 3 });
      w.start();
      w.sim.run(s(0.2));
      w.crashHost(2);
      w.sim.run(s(1));
      w.stop();
      const delivered = [0, 1, 2].map((i) => w.group.deliveredUpTo(i));
      expect(delivered[2]!).toBeLessThan(delivered[0]!);
      const t = w.group.totals();
      expect(t.cpuNs).toBeGreaterThan(0);

      const m = new ResourceMeter(w.sim);
      m.dom0(5e8);
      const r = m.replicatedReport(s(1), { hosts: 3, vms: [], group: w.group, hostLinkBytes: 2 * MIB });
      expect(r).toEqual({
        hostsReserved: 3,
        vmsReserved: 0,
        cpuSeconds: (5e8 + t.cpuNs) / 1e9,
        memoryGiBSeconds: 0,
        networkMiB: 2,
        rmMessages: t.messagesSent,
        rmCpuSeconds: t.cpuNs / 1e9,
        orderedRequests: Math.max(...delivered),
      });
      expect(r.orderedRequests).toBeGreaterThan(delivered[2]!);
    });
  });
});
