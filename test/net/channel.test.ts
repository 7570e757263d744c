import { describe, expect, it } from 'vitest';
import { Channel, DEFAULT_EFFICIENCY, Link, type Flow } from '../../lib/net/index.js';
import { RandomStreams, Simulation, ms, us } from '../../lib/sim/index.js';
import { ONE_BYTE_PER_NS } from './helpers.js';

function channel(opts: Partial<ConstructorParameters<typeof Channel>[1]> = {}, sim = new Simulation()) {
  return { sim, ch: new Channel(sim, { name: 'c', ...ONE_BYTE_PER_NS, latencyNs: 100, ...opts }) };
}

/** Send and remember when the message was delivered (or dropped). */
function track(ch: Channel, bytes: number, opts: { capBps?: number; lossy?: boolean } = {}) {
  const r = { delivered: -1, dropped: -1, flow: null as Flow | null };
  r.flow = ch.send(bytes, {
    ...opts,
    onDelivered: () => (r.delivered = ch.sim.now),
    onDropped: () => (r.dropped = ch.sim.now),
  });
  return r;
}

describe('Channel.send(bytes)', () => {
  it('delivers one flow after bytes / (bandwidth × efficiency) + latency, to the nanosecond', () => {
    const sim = new Simulation();
    const ch = new Channel(sim, { bandwidthBps: 1e9, latencyNs: us(50) });
    const r = track(ch, 1_000_000);
    sim.run();
    // 1e6 B at 1e9 bit/s × 1448/1538 = 0.117685… B/ns → 8 497 237.57 ns, rounded, + 50 µs.
    expect(r.delivered).toBe(8_497_238 + 50_000);
    expect(r.flow!.state).toBe('delivered');
  });

  it('moves ≈118 MB/s of payload over a gigabit link (TCP-over-Ethernet goodput 1448/1538)', () => {
    const ch = new Channel(new Simulation(), { bandwidthBps: 1e9, latencyNs: 0 });
    expect(DEFAULT_EFFICIENCY).toBeCloseTo(0.9415, 4);
    expect(ch.goodputBps / 8 / 1e6).toBeCloseTo(117.7, 1);
  });

  it('shares fairly between two equal flows, and the survivor speeds up when one finishes', () => {
    const { sim, ch } = channel();
    const a = track(ch, 1000);
    const b = track(ch, 3000);
    expect(a.flow!.rateBps).toBe(4e9);
    expect(b.flow!.rateBps).toBe(4e9);
    sim.run(1000);
    expect(b.flow!.bytesDone).toBe(500);
    sim.run();
    // Both at ½ B/ns until A's 1000 B are done (2000 ns); B's last 2000 B at 1 B/ns.
    expect(a.delivered).toBe(2000 + 100);
    expect(b.delivered).toBe(4000 + 100);
  });

  it('recomputes the shares when a flow arrives mid-way', () => {
    const { sim, ch } = channel();
    const a = track(ch, 3000);
    let b!: ReturnType<typeof track>;
    sim.at(1000, () => (b = track(ch, 1000)));
    sim.run();
    // A alone for 1000 ns (1000 B), then both at ½: B done at 3000, A's last 1000 B alone by 4000.
    expect(b.delivered).toBe(3000 + 100);
    expect(a.delivered).toBe(4000 + 100);
  });

  it('gives a capped flow its cap and leaves its unused share to the others (max-min)', () => {
    const { sim, ch } = channel();
    const a = track(ch, 1000, { capBps: 2e9 }); // ¼ B/ns
    const b = track(ch, 3000);
    const c = track(ch, 3000);
    expect([a.flow!.rateBps, b.flow!.rateBps, c.flow!.rateBps]).toEqual([2e9, 3e9, 3e9]);
    sim.run();
    // A: 1000 B at ¼ → 4000 ns. B, C: 1500 B each by then at ⅜, the other 1500 at ½ → 7000 ns.
    expect(a.delivered).toBe(4000 + 100);
    expect(b.delivered).toBe(7000 + 100);
    expect(c.delivered).toBe(7000 + 100);
  });

  it('applies a new cap at once (Flow.setCap: the next pre-copy round’s rate)', () => {
    const { sim, ch } = channel();
    const a = track(ch, 2000, { capBps: 4e9 });
    sim.at(1000, () => a.flow!.setCap(Infinity));
    sim.run();
    // 500 B in the first 1000 ns, the remaining 1500 B at 1 B/ns.
    expect(a.delivered).toBe(2500 + 100);
  });

  it('drops lossy messages with probability lossRate, drawn from its seeded stream', () => {
    const run = (seed: number) => {
      const sim = new Simulation();
      const ch = new Channel(sim, { ...ONE_BYTE_PER_NS, latencyNs: 0, lossRate: 0.1, rng: new RandomStreams(seed).stream('net') });
      let delivered = 0;
      let dropped = 0;
      for (let i = 0; i < 10_000; i++) ch.send(100, { lossy: true, onDelivered: () => delivered++, onDropped: () => dropped++ });
      sim.run();
      return { delivered, dropped };
    };
    const r = run(7);
    expect(r.delivered + r.dropped).toBe(10_000);
    // Binomial(10 000, 0.1): mean 1000, σ = 30.
    expect(r.dropped).toBeGreaterThan(910);
    expect(r.dropped).toBeLessThan(1090);
    expect(run(7)).toEqual(r);
  });

  it('never drops bulk flows for loss (TCP recovers their segments)', () => {
    const sim = new Simulation();
    const ch = new Channel(sim, { ...ONE_BYTE_PER_NS, latencyNs: 0, lossRate: 0.5, rng: new RandomStreams(1).stream('net') });
    let delivered = 0;
    for (let i = 0; i < 100; i++) ch.send(100_000, { onDelivered: () => delivered++ });
    sim.run();
    expect(delivered).toBe(100);
  });

  it('calls back from events, never inside send()', () => {
    const { sim, ch } = channel({ latencyNs: 0 });
    let called = false;
    ch.send(0, { onDelivered: () => (called = true) });
    expect(called).toBe(false);
    sim.run();
    expect(called).toBe(true);
    expect(sim.now).toBe(0);
  });

  it('reports the first byte one latency after the flow starts moving', () => {
    const { sim, ch } = channel();
    const seen: number[] = [];
    ch.send(10_000, { onDelivered: () => seen.push(sim.now), onFirstByte: () => seen.push(sim.now) });
    sim.run();
    expect(seen).toEqual([100, 10_100]);
  });

  it('counts the bytes it carried and the time it was busy', () => {
    const { sim, ch } = channel();
    track(ch, 1000);
    sim.at(5000, () => track(ch, 500));
    sim.run();
    expect(ch.bytesCarried).toBe(1500);
    expect(ch.busyTimeNs).toBe(1500);
    expect(ch.delivered).toBe(2);
  });
});

describe('Channel.setDown(true) (partition)', () => {
  it('stalls bulk flows at rate 0 until the link heals', () => {
    const { sim, ch } = channel();
    const a = track(ch, 1000);
    sim.at(200, () => ch.setDown(true));
    sim.at(300, () => expect(a.flow!.rateBps).toBe(0));
    sim.at(700, () => ch.setDown(false));
    sim.run();
    expect(a.delivered).toBe(1000 + 500 + 100);
    expect(a.dropped).toBe(-1);
  });

  it('drops lossy messages in flight and those sent while it is down', () => {
    const { sim, ch } = channel();
    const inFlight = track(ch, 1000, { lossy: true });
    const onWire = track(ch, 10, { lossy: true });
    let later!: ReturnType<typeof track>;
    sim.at(50, () => ch.setDown(true)); // onWire finished sending at 20, arrives at 120
    sim.at(60, () => (later = track(ch, 10, { lossy: true })));
    sim.at(90, () => ch.setDown(false));
    sim.run();
    expect(inFlight.dropped).toBe(50);
    expect(onWire.dropped).toBe(120);
    expect(later.dropped).toBe(60);
    expect([inFlight.delivered, onWire.delivered, later.delivered]).toEqual([-1, -1, -1]);
  });

  it('holds bulk data already on the wire until the link heals', () => {
    const { sim, ch } = channel();
    const a = track(ch, 10);
    sim.at(50, () => ch.setDown(true)); // a finished sending at 10, would arrive at 110
    sim.at(400, () => ch.setDown(false));
    sim.run();
    expect(a.delivered).toBe(400 + 100);
  });

  it('partitions both directions of a Link', () => {
    const sim = new Simulation();
    const link = new Link(sim, { name: 'AB', ...ONE_BYTE_PER_NS, latencyNs: 100 });
    link.setDown(true);
    expect(link.tx.down && link.rx.down && link.down).toBe(true);
    const r = track(link.rx, 10, { lossy: true });
    sim.run();
    expect(r.dropped).toBe(0);
  });
});

describe('Channel.cutAll() (the sending host crashed)', () => {
  it('drops every flow still transmitting and calls onDropped', () => {
    const { sim, ch } = channel();
    const a = track(ch, 1000);
    const b = track(ch, 5000, { lossy: true });
    sim.at(400, () => ch.cutAll());
    sim.run();
    expect(a.dropped).toBe(400);
    expect(b.dropped).toBe(400);
    expect(a.flow!.bytesDone).toBe(200);
    expect(ch.activeFlows).toBe(0);
    expect(ch.dropped).toBe(2);
  });

  it('lets bytes already on the wire arrive', () => {
    const { sim, ch } = channel();
    const a = track(ch, 10);
    sim.at(50, () => ch.cutAll());
    sim.run();
    expect(a.delivered).toBe(110);
  });
});

describe('Flow.cancel()', () => {
  it('removes the flow without callbacks and frees its share', () => {
    const { sim, ch } = channel();
    const a = track(ch, 1000);
    const b = track(ch, 1000);
    sim.at(1000, () => a.flow!.cancel());
    sim.run();
    expect(a.delivered).toBe(-1);
    expect(a.dropped).toBe(-1);
    expect(a.flow!.state).toBe('cancelled');
    expect(b.delivered).toBe(1500 + 100);
  });
});

describe('Channel determinism', () => {
  it('gives the same event times for the same seed', () => {
    const run = (seed: number) => {
      const sim = new Simulation();
      const rng = new RandomStreams(seed).stream('net');
      const ch = new Channel(sim, { bandwidthBps: 1e9, latencyNs: ms(0.1), lossRate: 0.2, rng });
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        sim.at(i * 7919, () => {
          ch.send(100 + ((i * 37) % 5000), { lossy: i % 2 === 0, onDelivered: () => times.push(sim.now), onDropped: () => times.push(-sim.now) });
        });
      }
      sim.run();
      return times;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});
