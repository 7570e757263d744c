import { describe, expect, it } from 'vitest';
import { CpuTask } from '../../../lib/engines/remus/cpu-task.js';
import { Simulation } from '../../../lib/sim/index.js';
import { HostCpu } from '../../../lib/vm/index.js';

/** Run a task of `workNs` on `cpu` from `startNs`; return when it finished (−1: never). */
function finishTime(sim: Simulation, cpu: HostCpu, workNs: number, startNs = 0): { at: () => number; task: () => CpuTask | null } {
  let at = -1;
  let task: CpuTask | null = null;
  sim.schedule(startNs, () => {
    task = new CpuTask(sim, cpu, workNs, () => {
      at = sim.now;
    });
  });
  return { at: () => at, task: () => task };
}

/** A CPU-bound guest and a task of `workNs` started with it on `cores`: the guest's share 1 µs in, when the task finished, the guest's share at the end. */
function besideGuest(cores: number, workNs: number): { guestShareDuring: number; finishedAt: number; guestShareAfter: number } {
  const sim = new Simulation();
  const cpu = new HostCpu(cores);
  const guest = cpu.claim('guest', 1);
  const t = finishTime(sim, cpu, workNs);
  let guestShareDuring = -1;
  sim.schedule(1000, () => {
    guestShareDuring = guest.share;
  });
  sim.run();
  return { guestShareDuring, finishedAt: t.at(), guestShareAfter: guest.share };
}

describe('CpuTask', () => {
  it('new CpuTask(sim, idle core, w, done) calls done after w ns', () => {
    const sim = new Simulation();
    const cpu = new HostCpu(1);
    const t = finishTime(sim, cpu, 1_000_000, 500);
    sim.run();
    expect(t.at()).toBe(1_000_500);
  });

  it('new CpuTask(sim, cpu, 0, done) calls done at once, claiming no CPU', () => {
    const sim = new Simulation();
    const cpu = new HostCpu(1);
    const guest = cpu.claim('guest', 1);
    const t = finishTime(sim, cpu, 0, 700);
    sim.run();
    expect(t.at()).toBe(700);
    expect(guest.share).toBe(1);
  });

  it('on a core shared with a CPU-bound guest, the task gets half and takes twice as long; the guest gets the core back after', () => {
    const r = besideGuest(1, 1_000_000);
    expect(r.guestShareDuring).toBe(0.5);
    expect(r.finishedAt).toBe(2_000_000);
    expect(r.guestShareAfter).toBe(1);
  });

  it('speeds up when the guest leaves mid-way: work done at each share adds up', () => {
    const sim = new Simulation();
    const cpu = new HostCpu(1);
    const guest = cpu.claim('guest', 1);
    const t = finishTime(sim, cpu, 1_000_000, 100_000);
    // From 100 µs: 400 µs at half a core does 200 µs of work; the other 800 µs at a whole core.
    sim.schedule(500_000, () => guest.release());
    sim.run();
    expect(t.at()).toBe(1_300_000);
  });

  it('slows down when a guest arrives mid-way', () => {
    const sim = new Simulation();
    const cpu = new HostCpu(1);
    const t = finishTime(sim, cpu, 1_000_000);
    // 600 µs alone, then the remaining 400 µs at half a core: 800 µs more.
    sim.schedule(600_000, () => cpu.claim('guest', 1));
    sim.run();
    expect(t.at()).toBe(1_400_000);
  });

  it('two tasks on one core share it and finish together', () => {
    const sim = new Simulation();
    const cpu = new HostCpu(1);
    const a = finishTime(sim, cpu, 1_000_000);
    const b = finishTime(sim, cpu, 1_000_000);
    sim.run();
    expect(a.at()).toBe(2_000_000);
    expect(b.at()).toBe(2_000_000);
  });

  it('cancel() never calls done and gives the core back', () => {
    const sim = new Simulation();
    const cpu = new HostCpu(1);
    const guest = cpu.claim('guest', 1);
    const t = finishTime(sim, cpu, 1_000_000);
    sim.schedule(300_000, () => t.task()!.cancel());
    sim.run();
    expect(t.at()).toBe(-1);
    expect(guest.share).toBe(1);
  });

  it('a task on a dedicated second core does not slow the guest', () => {
    const r = besideGuest(2, 1_000_000);
    expect(r.guestShareDuring).toBe(1);
    expect(r.finishedAt).toBe(1_000_000);
  });
});
