import { describe, expect, it } from 'vitest';
import { Simulation, ms } from '../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM, type GuestProgram } from '../../lib/vm/index.js';

/** A guest program that records the guest-time spans it ran and writes one page per ms. */
function recorder(mem: () => PageMemory): GuestProgram & { ran: number } {
  const prog = {
    ran: 0,
    advance(from: number, to: number) {
      prog.ran += to - from;
      const first = Math.floor(from / 1e6);
      const last = Math.floor(to / 1e6);
      for (let k = first; k < last; k++) mem().write(k % mem().pages);
    },
    snapshot: () => prog.ran,
    restore: (s: unknown) => {
      prog.ran = s as number;
    },
  };
  return prog;
}

function makeVm(opts: { cpuBound: boolean; sharedCpu?: boolean; trapNs?: number }) {
  const sim = new Simulation();
  const host = new Host('A', { sharedCpu: opts.sharedCpu ?? true });
  const memory = new PageMemory({ pages: 1024 });
  let vm!: VM;
  const program = recorder(() => vm.memory);
  vm = new VM({ sim, host, memory, disk: new Disk(4), program, cpuBound: opts.cpuBound, trapNs: opts.trapNs ?? 0 });
  return { sim, host, vm, program };
}

describe('VCpu.submit(workNs, done)', () => {
  it('completes a job after exactly its work at full speed, jobs in FIFO order', () => {
    const { sim, vm } = makeVm({ cpuBound: false });
    const done: Array<[string, number]> = [];
    vm.vcpu.submit(ms(10), () => done.push(['a', sim.now]));
    vm.vcpu.submit(ms(5), () => done.push(['b', sim.now]));
    sim.run();
    expect(done).toEqual([
      ['a', ms(10)],
      ['b', ms(15)],
    ]);
  });

  it('makes no progress while paused', () => {
    const { sim, vm } = makeVm({ cpuBound: false });
    let at = -1;
    vm.vcpu.submit(ms(10), () => (at = sim.now));
    sim.at(ms(4), () => vm.pause());
    sim.at(ms(24), () => vm.resume());
    sim.run();
    expect(at).toBe(ms(30));
  });
});

describe('HostCpu sharing between the guest and domain 0', () => {
  it('halves a CPU-bound guest while domain 0 is busy on a shared core', () => {
    const { sim, host, vm, program } = makeVm({ cpuBound: true });
    sim.at(ms(100), () => {
      const claim = host.dom0Cpu.claim('copy', 1);
      sim.schedule(ms(100), () => claim.release());
    });
    sim.run(ms(300));
    vm.vcpu.sync();
    expect(program.ran).toBeCloseTo(ms(250), -1);
  });

  it('leaves the guest alone when domain 0 has its own core', () => {
    const { sim, host, vm, program } = makeVm({ cpuBound: true, sharedCpu: false });
    sim.at(ms(100), () => {
      host.dom0Cpu.claim('copy', 1);
    });
    sim.run(ms(300));
    vm.vcpu.sync();
    expect(program.ran).toBeCloseTo(ms(300), -1);
  });

  it('does not slow a mostly idle guest', () => {
    const { sim, host, vm, program } = makeVm({ cpuBound: false });
    host.dom0Cpu.claim('copy', 1);
    sim.run(ms(200));
    vm.vcpu.sync();
    expect(program.ran).toBeCloseTo(ms(200), -1);
  });
});

describe('log-dirty trap cost', () => {
  it('costs the guest trapNs of progress per first write to a clean page', () => {
    const { sim, vm, program } = makeVm({ cpuBound: true, trapNs: 100_000 });
    vm.memory.enableLogDirty();
    // Traps are charged lazily, at the next sync (an engine syncs at least once per round/epoch).
    for (let t = 5; t <= 1000; t += 5) {
      sim.run(ms(t));
      vm.vcpu.sync();
    }
    // ~1 page per ms of guest time, each trap costs 0.1 ms: the guest runs ≈ 1/1.1 of the time.
    expect(vm.vcpu.traps).toBeGreaterThan(800);
    expect(program.ran / ms(1000)).toBeCloseTo(1 / 1.1, 2);
  });
});

describe('VCpu.cpuNs (host CPU the guest consumed)', () => {
  it('counts its jobs at full share and its idle demand between them; nothing while paused', () => {
    const { sim, vm } = makeVm({ cpuBound: false });
    vm.vcpu.submit(ms(10), () => {});
    sim.run(ms(10));
    expect(vm.vcpu.cpuNs).toBeCloseTo(ms(10), -2);
    sim.run(ms(110));
    // 100 ms idle at the idle demand (0.01 core) = 1 ms of CPU.
    expect(vm.vcpu.cpuNs).toBeCloseTo(ms(11), -2);
    vm.pause();
    sim.run(ms(210));
    expect(vm.vcpu.cpuNs).toBeCloseTo(ms(11), -2);
  });

  it('a throttled (slow) guest takes longer for the same job and the same CPU', () => {
    const { sim, vm } = makeVm({ cpuBound: false });
    vm.vcpu.setThrottle(0.5);
    let at = 0;
    vm.vcpu.submit(ms(10), () => (at = sim.now));
    sim.run(ms(30));
    expect(at).toBe(ms(20));
    expect(vm.vcpu.cpuNs).toBeLessThan(ms(10.2));
    expect(vm.vcpu.cpuNs).toBeGreaterThan(ms(9.9));
  });
});
