import { describe, expect, it } from 'vitest';
import { DatagramClient, GapMeter, Timeline } from '../../lib/net/index.js';
import { ms, s } from '../../lib/sim/index.js';
import { world } from './helpers.js';

describe('DatagramClient.send(bytes)', () => {
  it('sends once and never retransmits a lost datagram', () => {
    const { sim, net, vm } = world({ clientLossRate: 0.3 });
    let received = 0;
    vm.nic.onReceive(() => received++);
    const c = new DatagramClient(net);
    for (let i = 0; i < 1000; i++) sim.at(ms(i), () => c.send(100));
    sim.run();
    expect(c.sent).toBe(1000);
    expect(net.stats.toServer).toBe(1000); // nothing sent twice
    expect(received).toBeLessThan(760);
    expect(received).toBeGreaterThan(640);
  });
});

describe('DatagramClient arrivals', () => {
  it('show a migration’s downtime as a gap between consecutive server packets', () => {
    const { sim, net, vm, b, memory, disk } = world();
    const timeline = new Timeline();
    const clients = [0, 1].map(() => new DatagramClient(net, { timeline, gapThresholdNs: ms(100) }));
    // The server sends each client a datagram every 50 ms (Quake 3), while it runs.
    const tick = () => {
      if (vm.running) for (const c of clients) vm.nic.send({ client: c.id, kind: 'datagram', bytes: 120, payload: null });
      sim.schedule(ms(50), tick);
    };
    sim.schedule(ms(50), tick);
    // Downtime 1.000–1.260 s: paused on A, resumed on B.
    sim.at(s(1), () => vm.pause());
    sim.at(s(1.26), () => {
      vm.moveTo(b, memory, disk);
      vm.resume();
      net.redirect(b);
    });
    sim.run(s(3));
    for (const c of clients) {
      // Last packets sent at 0.95 s (the pause comes first at 1.00 s), next at 1.30 s: 350 ms,
      // i.e. 300 ms beyond the normal 50 ms interarrival (the contract's clientGapMs).
      expect(c.received.maxGapNs).toBe(ms(350));
      expect(c.received.longestGapNs(s(3))).toBe(ms(350));
    }
    const gaps = timeline.records.filter((e) => e.event === 'gap');
    expect(gaps.length).toBe(2);
    expect(gaps[0]!.gapMs).toBe(350);
  });
});

describe('GapMeter', () => {
  it('finds the longest silence, including the tail up to the end and within a window', () => {
    const g = new GapMeter();
    for (const t of [0, 50, 100, 400, 450]) g.arrive(t);
    expect(g.maxGapNs).toBe(300);
    expect(g.maxGapEndNs).toBe(400);
    expect(g.longestGapNs(1000)).toBe(550);
    expect(g.longestGapNs(420, 90)).toBe(300);
    expect([...g.arrivals()]).toEqual([0, 50, 100, 400, 450]);
  });
});
