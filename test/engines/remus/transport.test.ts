import { describe, expect, it } from 'vitest';
import { FluidTransport, type ReplicationTransport } from '../../../lib/engines/remus/index.js';
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
      return { sim, a, b, t: new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 100_000 }) };
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
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(MB), () => (at = sim.now));
    sim.run();
    expect(at).toBeGreaterThan(0);
    expect(Math.abs(at - (MB / goodputBytesPerNs + 100_000))).toBeLessThan(2_000);
  });

  it('a CPU-paced stream halves its rate when a busy guest shares the core', () => {
    const nsPerByte = 56_000 / 4096; // SEND_NS_PER_PAGE
    const alone = make();
    const ch1 = alone.t.stream('s', alone.a, alone.b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let t1 = -1;
    ch1.whenDelivered(ch1.enqueue(MB), () => (t1 = alone.sim.now));
    alone.sim.run();
    const busy = make();
    busy.a.cpu.claim('guest', 1); // a CPU-bound guest on the same core (sharedCpu)
    const ch2 = busy.t.stream('s', busy.a, busy.b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let t2 = -1;
    ch2.whenDelivered(ch2.enqueue(MB), () => (t2 = busy.sim.now));
    busy.sim.run();
    expect(Math.abs(t1 - (MB * nsPerByte + 100_000))).toBeLessThan(5_000);
    expect(t2 / t1).toBeGreaterThan(1.9);
    expect(t2 / t1).toBeLessThan(2.1);
  });

  it('nothing is delivered from a host that crashed mid-stream; acks need both ends alive', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
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
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(MB), () => (at = sim.now));
    sim.schedule(2_000_000, () => t.setUp(false));
    sim.schedule(52_000_000, () => t.setUp(true));
    sim.run();
    expect(at).toBeGreaterThan(MB / goodputBytesPerNs + 50_000_000 - 1_000);
    expect(at).toBeLessThan(MB / goodputBytesPerNs + 50_000_000 + 200_000);
  });
  it('counts what is queued and what arrived, and refuses a negative byte count', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    expect(ch.enqueue(0)).toBe(0);
    expect(ch.enqueue(MB)).toBe(MB);
    expect(ch.enqueue(0)).toBe(MB);
    expect(ch.enqueue(MB)).toBe(2 * MB);
    expect(ch.backlog).toBe(2 * MB);
    expect(ch.delivered).toBe(0);
    expect(() => ch.enqueue(-1)).toThrow(/bad byte count -1/);
    expect(() => ch.enqueue(NaN)).toThrow(/bad byte count/);
    let half = -1;
    let all = -1;
    ch.whenDelivered(MB, () => (half = sim.now));
    ch.whenDelivered(2 * MB, () => (all = sim.now));
    sim.run();
    expect(ch.backlog).toBe(0);
    expect(ch.delivered).toBe(2 * MB);
    expect(half).toBeGreaterThan(MB / goodputBytesPerNs);
    expect(half).toBeLessThanOrEqual(all);
    expect(Math.abs(all - (2 * MB) / goodputBytesPerNs - 100_000)).toBeLessThan(5_000);
    // An offset already delivered: the callback still runs (later), exactly once.
    let late = 0;
    ch.whenDelivered(MB, () => late++);
    sim.run();
    expect(late).toBe(1);
  });

  it('a control message arrives one latency later and is heard; sent across a partition or to a dead host, it is lost', () => {
    const { sim, t, a, b } = make();
    t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 }); // the link a partition cuts is the stream's
    let got = -1;
    sim.schedule(1_000_000, () => t.message(b, a, () => (got = sim.now)));
    sim.run();
    expect(got).toBeGreaterThanOrEqual(1_000_000 + 100_000);
    expect(got).toBeLessThan(1_000_000 + 110_000);
    expect(t.lastHeardNs(b, a)).toBe(got);
    t.setUp(false);
    let across = false;
    t.message(b, a, () => (across = true));
    sim.run(sim.now + 500_000_000);
    expect(across).toBe(false); // not while the link is cut (lib/net may deliver it once healed)
    expect(t.lastHeardNs(b, a)).toBe(got);
    t.setUp(true);
    sim.run();
    const heard = t.lastHeardNs(b, a);
    b.alive = false;
    if (t instanceof NetTransport) (t as unknown as { net: Network }).net.hostCrashed(b);
    let lost = false;
    t.message(b, a, () => (lost = true));
    t.message(a, b, () => (lost = true));
    sim.run();
    expect(lost).toBe(false);
    expect(t.lastHeardNs(b, a)).toBe(heard);
  });

  it('bytes moving between two hosts count as heard, in either direction; the time of the last delivery after', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let done = -1;
    ch.whenDelivered(ch.enqueue(10 * MB), () => (done = sim.now));
    const during: number[] = [];
    sim.schedule(20_000_000, () => during.push(t.lastHeardNs(a, b), t.lastHeardNs(b, a)));
    sim.run();
    expect(during).toEqual([20_000_000, 20_000_000]);
    const after = t.lastHeardNs(a, b);
    expect(after).toBeLessThanOrEqual(done);
    expect(after).toBeGreaterThan(done - 200_000);
    expect(t.lastHeardNs(b, a)).toBe(after);
    const c = new Host('C', { sharedCpu: true });
    expect(t.lastHeardNs(a, c)).toBe(0); // no stream between them
  });

  it('a crashed receiver takes the undelivered bytes with it: nothing arrives, the backlog is gone', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let delivered = false;
    ch.whenDelivered(ch.enqueue(10 * MB), () => (delivered = true));
    sim.schedule(1_000_000, () => {
      b.alive = false;
      t.hostDown(b);
      if (t instanceof NetTransport) (t as unknown as { net: Network }).net.hostCrashed(b);
    });
    sim.run();
    expect(delivered).toBe(false);
    expect(ch.backlog).toBe(0);
    expect(ch.delivered).toBeLessThan(10 * MB);
  });
});

describe.each(setups())('replication transport (%s), with a third host', (_name, make) => {
  /** A third host C beside A and B (on lib/net, on the same network). */
  function withC(): ReturnType<typeof make> & { c: Host } {
    const s = make();
    const c = new Host('C', { sharedCpu: true });
    const net = (s.t as unknown as { net?: Network }).net;
    if (net !== undefined) net.addHost(c);
    return { ...s, c };
  }

  it('hears per pair: another pair’s messages and streams say nothing about A and B', () => {
    const { sim, t, a, b, c } = withC();
    const ab = t.stream('ab', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    ab.whenDelivered(ab.enqueue(MB), () => undefined);
    sim.run();
    const quiet = t.lastHeardNs(a, b);
    const cb = t.stream('cb', c, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    cb.enqueue(100 * MB);
    let at = -1;
    sim.schedule(50_000_000, () => t.message(c, a, () => (at = sim.now)));
    sim.run(sim.now + 200_000_000);
    expect(at).toBeGreaterThan(0);
    expect(t.lastHeardNs(c, a)).toBe(at);
    expect(t.lastHeardNs(c, b)).toBe(sim.now); // C's stream to B is moving
    expect(t.lastHeardNs(a, b)).toBe(quiet);
    expect(t.lastHeardNs(b, a)).toBe(quiet);
    expect(t.lastHeardNs(a, c)).toBeLessThan(sim.now);
  });

  it('a crash of a host that is neither end leaves a stream alone', () => {
    const { sim, t, a, b, c } = withC();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(MB), () => (at = sim.now));
    sim.schedule(1_000_000, () => {
      c.alive = false;
      t.hostDown(c);
      const net = (t as unknown as { net?: Network }).net;
      if (net !== undefined) net.hostCrashed(c);
    });
    sim.run();
    expect(Math.abs(at - (MB / goodputBytesPerNs + 100_000))).toBeLessThan(2_000);
  });

  it('a CPU-paced stream is as slow with several batches in flight as with one: the CPU share is split among them', () => {
    const nsPerByte = 20; // 50 MB/s: below the link
    const one = make();
    const c1 = one.t.stream('s', one.a, one.b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let t1 = -1;
    c1.whenDelivered(c1.enqueue(2 * MB), () => (t1 = one.sim.now));
    one.sim.run();
    const two = make();
    const c2 = two.t.stream('s', two.a, two.b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    c2.enqueue(MB);
    let t2 = -1;
    c2.whenDelivered(c2.enqueue(MB), () => (t2 = two.sim.now));
    two.sim.run();
    expect(Math.abs(t1 - 2 * MB * nsPerByte)).toBeLessThan(200_000);
    expect(Math.abs(t2 - t1)).toBeLessThan(200_000);
  });

  it('a guest that starts computing mid-stream slows a CPU-paced stream from then on', () => {
    const nsPerByte = 20;
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(2 * MB), () => (at = sim.now));
    sim.schedule(20_000_000, () => a.cpu.claim('guest', 1)); // half of the 40 ms alone
    sim.run();
    // 1 MB at the whole core (20 ms), the other at half of it (40 ms).
    expect(Math.abs(at - 60_000_000)).toBeLessThan(500_000);
  });
});

describe('FluidTransport: several streams on one link', () => {
  const link = () => {
    const sim = new Simulation();
    return { sim, t: new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 100_000 }) };
  };

  it('carries bandwidth × efficiency × (1 − loss)', () => {
    const sim = new Simulation();
    expect(new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 0 }).goodputBytesPerNs).toBeCloseTo(goodputBytesPerNs, 12);
    expect(new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 0, lossRate: 0.5 }).goodputBytesPerNs).toBeCloseTo(goodputBytesPerNs / 2, 12);
  });

  it('shares the goodput equally between two streams, and gives it all to the one left', () => {
    const { sim, t } = link();
    const [a1, a2, b] = [new Host('A1', { sharedCpu: true }), new Host('A2', { sharedCpu: true }), new Host('B', { sharedCpu: true })];
    const c1 = t.stream('1', a1, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    const c2 = t.stream('2', a2, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let t1 = -1;
    let t2 = -1;
    c1.whenDelivered(c1.enqueue(MB), () => (t1 = sim.now));
    c2.whenDelivered(c2.enqueue(2 * MB), () => (t2 = sim.now));
    sim.run();
    // Both at half rate until the first is done (2 MB moved), then the second alone for its last 1 MB.
    const one = MB / goodputBytesPerNs;
    expect(Math.abs(t1 - (2 * one + 100_000))).toBeLessThan(2_000);
    expect(Math.abs(t2 - (3 * one + 100_000))).toBeLessThan(2_000);
  });

  it('two streams into one backup share its domain-0 CPU when receiving is CPU-paced', () => {
    const { sim, t } = link();
    const [a1, a2, b] = [new Host('A1', { sharedCpu: false }), new Host('A2', { sharedCpu: false }), new Host('B', { sharedCpu: false })];
    const recvNsPerByte = 20; // 50 MB/s on a whole core: below the link's 117.5 MB/s
    const c1 = t.stream('1', a1, b, { sendNsPerByte: 0, recvNsPerByte });
    const c2 = t.stream('2', a2, b, { sendNsPerByte: 0, recvNsPerByte });
    let t1 = -1;
    let t2 = -1;
    c1.whenDelivered(c1.enqueue(MB), () => (t1 = sim.now));
    c2.whenDelivered(c2.enqueue(MB), () => (t2 = sim.now));
    sim.run();
    // One core for both: 25 MB/s each, so 1 MB takes 40 ms.
    expect(Math.abs(t1 - (2 * MB * recvNsPerByte + 100_000))).toBeLessThan(50_000);
    expect(Math.abs(t2 - t1)).toBeLessThan(50_000);
  });
});

describe.each(setups())('replication transport (%s): CPU, crashes in flight, waiters', (_name, make) => {
  /** Crash `h`: the engine marks it dead, tells the transport and (on lib/net) the network. */
  function crash(t: ReplicationTransport, h: Host): void {
    h.alive = false;
    t.hostDown(h);
    const net = (t as unknown as { net?: Network }).net;
    if (net !== undefined) net.hostCrashed(h);
  }

  it('a link-bound stream claims only the domain-0 CPU its rate needs, and gives it back when done', () => {
    const { sim, t, a, b } = make();
    const guest = a.cpu.claim('guest', 1); // the guest shares the sender's core (sharedCpu)
    const nsPerByte = 2; // 0.235 of a core at the link's 0.1175 bytes/ns
    const ch = t.stream('s', a, b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    ch.enqueue(10 * MB);
    const during: number[] = [];
    sim.schedule(20_000_000, () => during.push(guest.share));
    sim.run();
    expect(during[0]).toBeCloseTo(1 - goodputBytesPerNs * nsPerByte, 6);
    expect(guest.share).toBe(1);
  });

  it('a control message is lost when its receiver dies while it is on the wire', () => {
    const { sim, t, a, b } = make();
    t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let got = false;
    t.message(b, a, () => (got = true));
    sim.schedule(50_000, () => crash(t, a)); // half the 0.1 ms latency
    sim.run();
    expect(got).toBe(false);
  });

  it('a batch whose last byte is on the wire when the receiver dies is never delivered', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    let delivered = false;
    ch.whenDelivered(ch.enqueue(MB), () => (delivered = true));
    sim.schedule(Math.round(MB / goodputBytesPerNs + 50_000), () => crash(t, b));
    sim.run();
    expect(delivered).toBe(false);
  });

  it('a crashed sender takes its undelivered bytes with it: the backlog is gone, what arrived is kept', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    ch.whenDelivered(ch.enqueue(MB), () => undefined);
    sim.run();
    const arrived = sim.now;
    let more = false;
    ch.whenDelivered(ch.enqueue(10 * MB), () => (more = true));
    sim.schedule(1_000_000, () => crash(t, a));
    sim.run();
    expect(more).toBe(false);
    expect(ch.backlog).toBe(0);
    // lib/net counts whole batches, the fluid link the bytes that left before the crash (1 ms of them)
    expect(ch.delivered).toBeGreaterThanOrEqual(MB);
    expect(ch.delivered).toBeLessThanOrEqual(MB + 1_000_000 * goodputBytesPerNs + 1);
    expect(t.lastHeardNs(a, b)).toBeLessThanOrEqual(arrived + 1_000_000);
  });

  it('whenDelivered of exactly the offset delivered so far calls back once, at once', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    ch.whenDelivered(ch.enqueue(MB), () => undefined);
    sim.run();
    expect(ch.delivered).toBe(MB);
    let calls = 0;
    const asked = sim.now;
    let at = -1;
    ch.whenDelivered(MB, () => {
      calls++;
      at = sim.now;
    });
    sim.run();
    expect(calls).toBe(1);
    expect(at - asked).toBeLessThanOrEqual(100_000); // at once, or one latency on the fluid link
  });

  it('a hundred waiters on one stream are each called once, in offset order', () => {
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    const order: number[] = [];
    for (let k = 1; k <= 100; k++) {
      const end = ch.enqueue(10_000);
      ch.whenDelivered(end, () => order.push(k));
    }
    sim.run();
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('a guest that computes for a while slows a CPU-paced stream only while it computes', () => {
    const nsPerByte = 20; // 50 MB/s on a whole core
    const { sim, t, a, b } = make();
    const ch = t.stream('s', a, b, { sendNsPerByte: nsPerByte, recvNsPerByte: 0 });
    let at = -1;
    ch.whenDelivered(ch.enqueue(3 * MB), () => (at = sim.now));
    let guest: ReturnType<typeof a.cpu.claim> | null = null;
    sim.schedule(20_000_000, () => (guest = a.cpu.claim('guest', 1)));
    sim.schedule(40_000_000, () => guest!.release());
    sim.run();
    // 1 MB alone (20 ms), 0.5 MB at half the core (20 ms), the last 1.5 MB alone again (30 ms).
    expect(Math.abs(at - 70_000_000)).toBeLessThan(500_000);
  });
});

describe('NetTransport: batches are flows', () => {
  it('calls each waiter when the batch holding its offset and every batch before it have arrived', () => {
    const sim = new Simulation();
    const [a, b] = [new Host('A', { sharedCpu: true }), new Host('B', { sharedCpu: true })];
    const net = new Network(sim, { linkBandwidthMbps: 1000, linkLatencyMs: 0.1, efficiency: 0.94 });
    net.addHost(a);
    net.addHost(b);
    const t = new NetTransport(sim, net);
    const ch = t.stream('s', a, b, { sendNsPerByte: 0, recvNsPerByte: 0 });
    const calls: Array<[string, number]> = [];
    ch.whenDelivered(ch.enqueue(MB), () => calls.push(['first', sim.now]));
    ch.whenDelivered(ch.enqueue(3 * MB), () => calls.push(['second', sim.now]));
    sim.run();
    // The two flows share the link until the 1 MB one is done (2 MB moved), then the 3 MB one alone.
    const one = MB / goodputBytesPerNs;
    expect(calls.map(([w]) => w)).toEqual(['first', 'second']);
    expect(Math.abs(calls[0]![1] - (2 * one + 100_000))).toBeLessThan(20_000);
    expect(Math.abs(calls[1]![1] - (4 * one + 100_000))).toBeLessThan(20_000);
    expect(ch.delivered).toBe(4 * MB);
  });
});

describe('FluidTransport: byte-level delivery and CPU of several streams', () => {
  it('calls a waiter when the bytes up to its offset have arrived, not when the stream drains', () => {
    const sim = new Simulation();
    const t = new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 100_000 });
    const ch = t.stream('s', new Host('A', { sharedCpu: true }), new Host('B', { sharedCpu: true }), { sendNsPerByte: 0, recvNsPerByte: 0 });
    ch.enqueue(2 * MB);
    let half = -1;
    ch.whenDelivered(MB, () => (half = sim.now));
    sim.run();
    expect(Math.abs(half - (MB / goodputBytesPerNs + 100_000))).toBeLessThan(2_000);
  });

  it('link-bound streams from two primaries claim only the CPU their shares need, at both ends', () => {
    const sim = new Simulation();
    const t = new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 100_000 });
    const [a1, a2, b] = [new Host('A1', { sharedCpu: true }), new Host('A2', { sharedCpu: true }), new Host('B', { sharedCpu: true })];
    const guestA1 = a1.cpu.claim('guest', 1);
    const guestB = b.cpu.claim('guest', 1);
    const cost = { sendNsPerByte: 2, recvNsPerByte: 1 };
    t.stream('1', a1, b, cost).enqueue(10 * MB);
    t.stream('2', a2, b, cost).enqueue(10 * MB);
    const seen: number[] = [];
    sim.schedule(20_000_000, () => seen.push(guestA1.share, guestB.share));
    sim.run();
    const each = goodputBytesPerNs / 2;
    expect(seen[0]).toBeCloseTo(1 - each * cost.sendNsPerByte, 6); // one stream's sending
    expect(seen[1]).toBeCloseTo(1 - 2 * each * cost.recvNsPerByte, 6); // both streams' receiving
    expect(guestA1.share).toBe(1);
    expect(guestB.share).toBe(1);
  });

  it('a single stream claims the receiving CPU its rate needs on the backup', () => {
    const sim = new Simulation();
    const t = new FluidTransport(sim, { bandwidthMbps: 1000, efficiency: 0.94, latencyNs: 100_000 });
    const b = new Host('B', { sharedCpu: true });
    const guestB = b.cpu.claim('guest', 1);
    t.stream('s', new Host('A', { sharedCpu: false }), b, { sendNsPerByte: 0, recvNsPerByte: 3 }).enqueue(10 * MB);
    const seen: number[] = [];
    sim.schedule(20_000_000, () => seen.push(guestB.share));
    sim.run();
    expect(seen[0]).toBeCloseTo(1 - goodputBytesPerNs * 3, 6);
  });
});
