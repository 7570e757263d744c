import { describe, expect, it } from 'vitest';
import { bare, rig, writeAt } from './rig.js';

const MS = 1_000_000;

describe('a migration abandoned before the switch (Xen: the source resumes the guest)', () => {
  it('during pre-copy: dirty logging off, disk tracking stopped, throttle lifted, domain 0 released', () => {
    // 8 disk blocks (8 ms), then memory round 1 (64 pages, one batch of 64 ms from 8 ms).
    const r = rig({ disk: true, blocks: 8, policy: bare({ maxRounds: 5 }), writes: writeAt(3, 30 * MS), nsPerByte: 1 });
    const rival = r.source.dom0Cpu.claim('rival', 1);
    r.startAt(0);
    r.sim.at(10 * MS, () => r.vm.vcpu.setThrottle(0.5));
    r.sim.at(20 * MS, () => r.migration.abort('operator gave up'));
    r.sim.at(20 * MS, () => {
      // Mid-round: domain 0 holds its share of the core, log-dirty mode is on.
      expect(rival.share).toBeLessThan(1);
      expect(r.memory.logDirtyEnabled).toBe(true);
    });
    r.sim.run();
    const m = r.migration;
    expect(m.abortReason).toBe('operator gave up');
    expect(m.abortedNs).toBe(20 * MS);
    expect(m.completed).toBe(false);
    expect(m.pausedNs).toBe(-1);
    // One disk batch (8 blocks) at 0, the memory round's batch at 8 ms: it left at 72 ms, and nothing after it.
    expect(r.path.sends.map((s) => [s.atNs, s.bytes])).toEqual([
      [0, 8 * 4096],
      [8 * MS, 64 * 4096],
    ]);
    expect(r.sim.now).toBe(72 * MS);
    expect(r.memory.logDirtyEnabled).toBe(false);
    expect(r.memory.dirty.count).toBe(0);
    r.disk.write(2);
    expect(r.disk.dirty.count).toBe(0); // no longer tracked
    expect(r.vm.vcpu.throttleFraction).toBe(0);
    expect(r.vm.status).toBe('running');
    expect(r.vm.host).toBe(r.source);
    expect(rival.share).toBe(1);
  });

  it('in the stop phase: the paused guest is resumed at the source', () => {
    const r = rig({ policy: bare({ precopy: false }), costs: { suspendNs: 5 * MS, startupNs: 0, redirectNs: 0 } });
    r.startAt(MS);
    r.sim.at(2 * MS, () => r.vm.vcpu.setThrottle(0.3));
    r.sim.at(30 * MS, () => {
      expect(r.vm.status).toBe('paused');
      r.migration.abort('target host crashed');
    });
    r.sim.run();
    const m = r.migration;
    expect(m.pausedNs).toBe(MS);
    expect(m.abortedNs).toBe(30 * MS);
    // Paused at 1 ms, suspended until 6 ms; the 64-page batch left at 70 ms, when the abort is seen.
    expect(r.sim.now).toBe(70 * MS);
    expect(r.vm.status).toBe('running');
    expect(r.vm.vcpu.throttleFraction).toBe(0);
    expect(r.vm.host).toBe(r.source);
    expect(m.resumedNs).toBe(-1);
    expect(r.redirects).toEqual([]);
  });

  it('a VM that crashed is left crashed, its throttle as it was', () => {
    const r = rig({ policy: bare({ maxRounds: 5 }), writes: writeAt(3, 30 * MS) });
    r.startAt(0);
    r.sim.at(10 * MS, () => r.vm.vcpu.setThrottle(0.5));
    r.sim.at(20 * MS, () => {
      r.migration.abort('VM crashed');
      r.vm.crash();
    });
    r.sim.run();
    expect(r.migration.abortReason).toBe('VM crashed');
    expect(r.vm.status).toBe('crashed');
    expect(r.vm.vcpu.throttleFraction).toBe(0.5);
    expect(r.memory.logDirtyEnabled).toBe(false);
  });

  it('leaves alone the tracking of a disk it does not migrate', () => {
    const r = rig({ policy: bare({ maxRounds: 5 }) });
    r.disk.startTracking(); // another user of the disk's log
    r.startAt(0);
    r.sim.at(10 * MS, () => r.migration.abort('x'));
    r.sim.run();
    expect(r.migration.abortReason).toBe('x');
    r.disk.write(1);
    expect(r.disk.dirty.count).toBe(1);
  });

  it('a target host down at the start: abandoned at once, nothing sent', () => {
    const r = rig({ policy: bare({ maxRounds: 5 }) });
    r.target.alive = false;
    r.startAt(3 * MS);
    r.sim.run();
    expect(r.migration.abortReason).toBe('target host B is down');
    expect(r.migration.abortedNs).toBe(3 * MS);
    expect(r.migration.startNs).toBe(3 * MS);
    expect(r.path.sends).toEqual([]);
    expect(r.migration.rounds).toEqual([]);
    expect(r.memory.logDirtyEnabled).toBe(false);
    expect(r.vm.status).toBe('running');
  });
});

describe('what does not abandon a migration', () => {
  it('a failure before it starts, or after the switch, is not its concern', () => {
    const r = rig({ policy: bare({ precopy: false }), costs: { suspendNs: 0, startupNs: 10 * MS, redirectNs: MS } });
    r.migration.abort('too early');
    r.startAt(MS);
    // The switch happens when the 64 pages and the CPU state have left (1 + 64 + 2 ms); start-up takes 10 ms.
    r.sim.at(70 * MS, () => r.migration.abort('too late'));
    r.sim.run();
    const m = r.migration;
    expect(m.abortReason).toBeNull();
    expect(m.abortedNs).toBe(-1);
    expect(m.completed).toBe(true);
    expect(m.pausedNs).toBe(MS);
    expect(m.resumedNs).toBe(77 * MS);
    expect(m.reachableNs).toBe(78 * MS);
    expect(r.vm.host).toBe(r.target);
    expect(r.redirects).toEqual([{ host: 'B', atNs: 77 * MS }]);
  });

  it('an error that is not a failure being handled propagates, and ends the migration', () => {
    const r = rig({ policy: bare({ maxRounds: 5 }), pages: 2048 });
    r.path.failOnSend = 2;
    r.startAt(0);
    expect(() => r.sim.run()).toThrow(/link exploded/);
    // The migration is over: a later failure does not turn it into an abandoned one.
    r.migration.abort('late');
    expect(r.migration.abortReason).toBeNull();
  });
});
