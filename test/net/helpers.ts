import { RandomStreams, Simulation } from '../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM, type GuestProgram } from '../../lib/vm/index.js';
import { Network, type NetworkOptions } from '../../lib/net/index.js';

/** A guest that does nothing by itself (the tests drive its NIC). */
export const idleProgram: GuestProgram = { advance() {}, snapshot: () => null, restore() {} };

/** A VM on host A of a two-host network (B is the migration target / backup). */
export function world(netOpts: NetworkOptions = {}, seed = 1) {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const a = new Host('A', { sharedCpu: true });
  const b = new Host('B', { sharedCpu: true });
  const memory = new PageMemory({ pages: 16 });
  const disk = new Disk(4);
  const vm = new VM({ sim, host: a, memory, disk, program: idleProgram, cpuBound: false });
  const net = new Network(sim, { rng: streams.stream('network'), ...netOpts });
  net.addHost(a);
  net.addHost(b);
  net.attachVm(vm);
  return { sim, streams, a, b, vm, net, memory, disk };
}

/** 8 Gbit/s at efficiency 1: exactly one payload byte per ns, so expected times are whole numbers. */
export const ONE_BYTE_PER_NS = { bandwidthBps: 8e9, efficiency: 1 } as const;
