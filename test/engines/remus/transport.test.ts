import { describe, expect, it } from 'vitest';
import { FluidLink, type ReplicationTransport } from '../../../lib/engines/remus/index.js';
import { NetTransport } from '../../../lib/engines/remus/net-transport.js';
import { Network } from '../../../lib/net/index.js';
import { Simulation } from '../../../lib/sim/index.js';
import { Host } from '../../../lib/vm/index.js';

/** Both replication transports, on a 1000 Mbit/s link with 0.1 ms latency and 0.94 efficiency. */
function setups(): Array<[string, () => { sim: Simulation; t: ReplicationTransport; a: Host; b: Host }]> {
  const hosts = () => [new Host('A', { sharedCpu: true }), new Host('B', { sharedCpu: true })] as const;
  return [
    ['fluid', () => {
      const sim = new Simulation();
      const [a, b] = hosts();
      return { sim, a, b, t: new FluidLink(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 100_000 }) };
    }],
    ['lib/net', () => {
      const sim = new Simulation();
      const [a, b] = hosts();
      const net = new Network(sim, { linkBandwidthMbps: 1000, linkLatencyMs: 0.1, efficiency: 0.94 });
      net.addHost(a);
      net.addHost(b);
      return { sim, a, b, t: new NetTransport(sim, net) };
    }],
  ];
}

const MB = 1_000_000;
const goodputBytesPerNs = (1000e6 * 0.94) / 8 / 1e9;

describe.each(setups())('replication transport (%s)', (_name, make) => {
  it('delivers a stream at link goodput plus latency when the CPU is free', () => {
    const { sim, t, a, b } = make();
    const ch = t.channel('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(MB), () => (at = sim.now));
    sim.run();
    expect(at).toBeGreaterThan(0);
    expect(Math.abs(at - (MB / goodputBytesPerNs + 100_000))).toBeLessThan(2_000);
  });

  it('a CPU-paced stream halves its rate when a busy guest shares the core', () => {
    const nsPerByte = 56_000 / 4096; // SEND_NS_PER_PAGE
    const alone = make();
    const ch1 = alone.t.channel('s', alone.a, alone.b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let t1 = -1;
    ch1.whenDelivered(ch1.enqueue(MB), () => (t1 = alone.sim.now));
    alone.sim.run();
    const busy = make();
    busy.a.cpu.claim('guest', 1); // a CPU-bound guest on the same core (sharedCpu)
    const ch2 = busy.t.channel('s', busy.a, busy.b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let t2 = -1;
    ch2.whenDelivered(ch2.enqueue(MB), () => (t2 = busy.sim.now));
    busy.sim.run();
    expect(Math.abs(t1 - (MB * nsPerByte + 100_000))).toBeLessThan(5_000);
    expect(t2 / t1).toBeGreaterThan(1.9);
    expect(t2 / t1).toBeLessThan(2.1);
  });

  it('nothing is delivered from a host that crashed mid-stream; acks need both ends alive', () => {
    const { sim, t, a, b } = make();
    const ch = t.channel('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let delivered = false;
    ch.whenDelivered(ch.enqueue(10 * MB), () => (delivered = true));
    sim.schedule(1_000_000, () => {
      a.alive = false;
      t.hostDown(a);
      if (t instanceof NetTransport) (t as unknown as { net: Network }).net.hostCrashed(a);
    });
    let acked = false;
    sim.schedule(2_000_000, () => t.message(b, a, () => (acked = true)));
    sim.run();
    expect(delivered).toBe(false);
    expect(acked).toBe(false);
  });

  it('a partition stalls the stream; healing resumes it', () => {
    const { sim, t, a, b } = make();
    const ch = t.channel('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(MB), () => (at = sim.now));
    sim.schedule(2_000_000, () => t.setUp(false));
    sim.schedule(52_000_000, () => t.setUp(true));
    sim.run();
    expect(at).toBeGreaterThan(MB / goodputBytesPerNs + 50_000_000 - 1_000);
    expect(at).toBeLessThan(MB / goodputBytesPerNs + 50_000_000 + 200_000);
  });
});
