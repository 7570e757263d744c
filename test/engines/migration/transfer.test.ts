import { describe, expect, it } from 'vitest';
import { Dom0Work, NetworkPath } from '../../../lib/engines/migration/transfer.js';
import { Channel } from '../../../lib/net/index.js';
import { Signal, Simulation, type Process } from '../../../lib/sim/index.js';
import { HostCpu } from '../../../lib/vm/index.js';

describe('Dom0Work: domain-0 CPU spent on the stream', () => {
  it('claims rate × ns/byte of a core while sending, and gives it back when idle or released', () => {
    const cpu = new HostCpu(1);
    const guest = cpu.claim('guest', 1);
    const dom0 = new Dom0Work(cpu, 9);
    dom0.idle(); // nothing claimed yet: nothing to give back
    expect(guest.share).toBe(1);
    // 25 MB/s × 9 ns/B = 0.225 of a core, granted in full next to the guest.
    expect(dom0.want(25e6)).toBe(25e6);
    expect(guest.share).toBeCloseTo(0.775, 12);
    dom0.idle();
    expect(guest.share).toBe(1);
    expect(dom0.want(25e6)).toBe(25e6);
    dom0.release();
    expect(guest.share).toBe(1);
    // A fresh claim after the release.
    expect(dom0.want(50e6)).toBe(50e6);
    expect(guest.share).toBeCloseTo(0.55, 12);
  });

  it('a rate granted in full is returned exactly, not through a floating-point round trip', () => {
    // (3703.801 × 9 / 1e9) × 1e9 / 9 is not 3703.801 in floating point.
    expect(((3703.801 * 9) / 1e9) * 1e9 / 9).not.toBe(3703.801);
    const dom0 = new Dom0Work(new HostCpu(1), 9);
    expect(dom0.want(3703.801)).toBe(3703.801);
  });

  it('a rate beyond the share it gets is cut to what that share can push', () => {
    const cpu = new HostCpu(1);
    cpu.claim('guest', 1);
    const dom0 = new Dom0Work(cpu, 10);
    // Wants a whole core (1e8 B/s × 10 ns), gets half: 5e7 B/s.
    expect(dom0.want(1e8)).toBe(5e7);
  });

  it('counts the CPU time of what it sent', () => {
    const dom0 = new Dom0Work(new HostCpu(1), 9);
    expect(dom0.cpuNs).toBe(0);
    dom0.spent(1000);
    dom0.spent(24);
    expect(dom0.cpuNs).toBe(9 * 1024);
  });

  it('free domain-0 work never limits the stream, whatever is asked', () => {
    const cpu = new HostCpu(1);
    const guest = cpu.claim('guest', 1);
    const dom0 = new Dom0Work(cpu, 0);
    expect(dom0.want(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(dom0.want(1e12)).toBe(1e12);
    expect(guest.share).toBe(1);
  });
});

describe('NetworkPath: the stream as flows on a channel (1 byte/ns, 100 ns latency)', () => {
  const setup = () => {
    const sim = new Simulation();
    const path = new NetworkPath(sim, new Channel(sim, { name: 'c', bandwidthBps: 8e9, efficiency: 1, latencyNs: 100 }));
    return { sim, path };
  };

  it('its goodput is the channel capacity; a batch is done when its last byte has left, not arrived', () => {
    const { sim, path } = setup();
    expect(path.goodputBytesPerS).toBe(1e9);
    const left: number[] = [];
    sim.process(
      (function* (): Process<void> {
        yield path.send(1000, 1e9);
        left.push(sim.now);
        yield path.send(500, 0.5e9); // capped at half the link
        left.push(sim.now);
      })(),
    );
    sim.run();
    expect(left).toEqual([1000, 2000]);
  });

  it('drain waits for the last byte of every batch in flight to arrive', () => {
    const { sim, path } = setup();
    expect(path.drain()).toBe(0); // nothing in flight: no wait
    let drained = -1;
    sim.process(
      (function* (): Process<void> {
        // Two batches at once share the link: the small one arrives at 2100 ns, the large one at 4100 ns.
        const a = path.send(1000, 1e9);
        path.send(3000, 1e9);
        yield a;
        const d = path.drain();
        expect(d).toBeInstanceOf(Signal);
        yield d;
        drained = sim.now;
      })(),
    );
    sim.run();
    expect(drained).toBe(4100);
    expect(path.drain()).toBe(0);
  });
});
