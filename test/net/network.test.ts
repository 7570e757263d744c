import { describe, expect, it } from 'vitest';
import { Network, type ClientEndpoint } from '../../lib/net/index.js';
import { Simulation, ms, us } from '../../lib/sim/index.js';
import { Host, type Packet } from '../../lib/vm/index.js';
import { world } from './helpers.js';

/** A client endpoint that remembers when packets arrived. */
function sink(sim: Simulation): ClientEndpoint & { got: Array<[number, Packet]> } {
  const s = {
    got: [] as Array<[number, Packet]>,
    receive(p: Packet) {
      s.got.push([sim.now, p]);
    },
  };
  return s;
}

const pkt = (client: number, bytes = 100, kind = 'request'): Packet => ({ bytes, client, kind, payload: null, epoch: 0, seq: 0 });

describe('Network topology', () => {
  it('gives every host a client-facing NIC and a link to every other host, with the run’s parameters', () => {
    const { net, a, b } = world({ clientBandwidthMbps: 100, linkBandwidthMbps: 10_000, linkLatencyMs: 0.2 });
    expect(net.clientNic(a).tx.bandwidthBps).toBe(100e6);
    expect(net.clientNic(b).rx.latencyNs).toBe(us(50));
    const ab = net.hostLink(a, b);
    const ba = net.hostLink(b, a);
    expect(ab).not.toBe(ba);
    expect(net.link(b, a)).toBe(net.link(a, b));
    expect(ab.bandwidthBps).toBe(10e9);
    expect(ab.latencyNs).toBe(us(200));
    expect(() => net.clientNic(new Host('C', { sharedCpu: true }))).toThrow(/not attached/);
  });

  it('reads its options from the run parameters (docs/design.md#parameter-keys)', () => {
    const values: Record<string, number> = {
      'net.clientBandwidthMbps': 1000,
      'net.clientLatencyMs': 60,
      'link.bandwidthMbps': 1000,
      'link.latencyMs': 0.1,
      'link.lossRate': 0,
      'link.efficiency': 0.94,
    };
    const o = Network.optionsFromParams({ num: (k) => values[k]! });
    expect(o).toMatchObject({ clientLatencyMs: 60, efficiency: 0.94, linkLatencyMs: 0.1 });
  });
});

describe('Network.toServer(packet) and the VM’s releases', () => {
  it('carries client packets over the server host’s NIC into the VM, and replies back out', () => {
    const { sim, net, vm, a } = world();
    const c = sink(sim);
    const id = net.registerClient(c);
    const seen: number[] = [];
    vm.nic.onReceive((p) => {
      seen.push(sim.now);
      vm.nic.send({ client: p.client, kind: 'reply', bytes: 1000, payload: null });
    });
    net.toServer(pkt(id));
    sim.run();
    expect(seen.length).toBe(1);
    expect(c.got.length).toBe(1);
    expect(net.clientNic(a).rx.delivered).toBe(1);
    expect(net.clientNic(a).tx.delivered).toBe(1);
    expect(net.stats).toMatchObject({ toServer: 1, toServerDelivered: 1, toClient: 1, toClientDelivered: 1 });
  });

  it('queues client packets while the VM is paused and delivers them at resume', () => {
    const { sim, net, vm } = world();
    const id = net.registerClient(sink(sim));
    const seen: number[] = [];
    vm.nic.onReceive(() => seen.push(sim.now));
    vm.pause();
    net.toServer(pkt(id));
    sim.at(ms(5), () => vm.resume());
    sim.run();
    expect(seen).toEqual([ms(5)]);
  });

  it('delays what the server sends by net.clientLatencyMs, not what clients send', () => {
    const base = world();
    const slow = world({ clientLatencyMs: 60 });
    const times = [base, slow].map(({ sim, net, vm }) => {
      const c = sink(sim);
      const id = net.registerClient(c);
      let arrived = -1;
      vm.nic.onReceive((p) => {
        arrived = sim.now;
        vm.nic.send({ client: p.client, kind: 'reply', bytes: 100, payload: null });
      });
      net.toServer(pkt(id));
      sim.run();
      return { atServer: arrived, atClient: c.got[0]![0] };
    });
    expect(times[1]!.atServer).toBe(times[0]!.atServer);
    expect(times[1]!.atClient - times[0]!.atClient).toBe(ms(60));
  });

  it('drops client packets for a crashed VM', () => {
    const { sim, net, vm } = world();
    const id = net.registerClient(sink(sim));
    vm.crash();
    net.toServer(pkt(id));
    sim.run();
    expect(net.stats.toServerDropped).toBe(1);
  });
});

describe('Network.redirect(host) (unsolicited ARP)', () => {
  it('sends client packets to the old host until the redirect, then to the new one', () => {
    const { sim, net, vm, a, b, memory, disk } = world();
    const id = net.registerClient(sink(sim));
    const seen: string[] = [];
    vm.nic.onReceive(() => seen.push(vm.host.name));
    // The VM moves to B at 1 ms; the ARP announcement comes at 2 ms.
    sim.at(ms(1), () => {
      vm.pause();
      vm.moveTo(b, memory, disk);
      vm.resume();
    });
    sim.at(ms(2), () => net.redirect(b));
    for (const t of [0.5, 1.5, 2.5]) sim.at(ms(t), () => net.toServer(pkt(id)));
    sim.run();
    expect(seen).toEqual(['A', 'B']); // the one at 1.5 ms reached A after the VM had left
    expect(net.stats.toServerDropped).toBe(1);
    expect(net.clientNic(a).rx.delivered).toBe(2);
    expect(net.clientNic(b).rx.delivered).toBe(1);
    expect(net.serverHost()).toBe(b);
  });

  it('sends the VM’s packets out through the NIC of the host it runs on now', () => {
    const { sim, net, vm, a, b, memory, disk } = world();
    const id = net.registerClient(sink(sim));
    vm.nic.send({ client: id, kind: 'reply', bytes: 100, payload: null });
    sim.run(ms(1));
    vm.pause();
    vm.moveTo(b, memory, disk);
    vm.resume();
    vm.nic.send({ client: id, kind: 'reply', bytes: 100, payload: null });
    sim.run();
    expect(net.clientNic(a).tx.delivered).toBe(1);
    expect(net.clientNic(b).tx.delivered).toBe(1);
  });
});

describe('Network.hostCrashed(host)', () => {
  it('cuts every flow leaving the host and drops what arrives at it', () => {
    const { sim, net, a, b } = world();
    const events: string[] = [];
    net.hostLink(a, b).send(10_000_000, { onDelivered: () => events.push('a→b delivered'), onDropped: () => events.push('a→b cut') });
    net.clientNic(a).tx.send(10_000_000, { onDelivered: () => events.push('nic delivered'), onDropped: () => events.push('nic cut') });
    net.hostLink(b, a).send(10_000_000, { onDelivered: () => events.push('b→a delivered'), onDropped: () => events.push('b→a dropped') });
    sim.at(ms(1), () => {
      a.alive = false;
      net.hostCrashed(a);
    });
    sim.run();
    expect(events).toEqual(['nic cut', 'a→b cut', 'b→a dropped']);
    expect(net.isUp(a)).toBe(false);
  });

  it('drops packets the crashed host’s VM would have sent, and client packets sent to it', () => {
    const { sim, net, vm, a } = world();
    const c = sink(sim);
    const id = net.registerClient(c);
    a.alive = false;
    net.hostCrashed(a);
    vm.crash();
    net.toServer(pkt(id));
    sim.run();
    expect(net.stats.toServerDropped).toBe(1);
  });
});
