import { describe, expect, it } from 'vitest';
import { ClosedLoopClients, Network, Timeline, type TcpRequestPayload } from '../../lib/net/index.js';
import { RandomStreams, Simulation, ms, s } from '../../lib/sim/index.js';
import { Disk, Host, PageMemory, VM } from '../../lib/vm/index.js';
import { idleProgram } from './helpers.js';

describe('Wiring: a VM on host A, 10 closed-loop TCP clients, a migration to host B', () => {
  it('serves every request, before, during and after the move, through the NIC of the VM’s host', () => {
    const sim = new Simulation();
    const streams = new RandomStreams(42);
    const a = new Host('A', { sharedCpu: true });
    const b = new Host('B', { sharedCpu: true });
    const memory = new PageMemory({ pages: 16 });
    const disk = new Disk(4);
    const vm = new VM({ sim, host: a, memory, disk, program: idleProgram, cpuBound: false });

    // The topology: both hosts with their client NICs, the server VM on A.
    const net = new Network(sim, { clientBandwidthMbps: 1000, linkLatencyMs: 0.1, rng: streams.stream('network') });
    net.addHost(a);
    net.addHost(b);
    net.attachVm(vm);
    expect(net.isAttached(vm)).toBe(true);

    // The server: answer each request with 10 KB after 2 ms of work, through the guest's NIC.
    vm.nic.onReceive((p) => {
      const { requestId } = p.payload as TcpRequestPayload;
      sim.schedule(ms(2), () => vm.whenRunning(() => vm.nic.send({ client: p.client, kind: 'reply', bytes: 10_000, payload: { requestId } })));
    });

    // 10 sessions, exponential think time of 50 ms, drawing only from their own stream.
    const timeline = new Timeline();
    const clients = new ClosedLoopClients(net, {
      sessions: 10,
      thinkMeanNs: ms(50),
      rng: streams.stream('clients'),
      timeline,
      request: (session, i) => ({ bytes: 300, body: { session, i } }),
    });
    clients.start();

    // Migration at 1 s: 60 ms of downtime, then the VM runs on B and an unsolicited ARP redirects clients.
    sim.at(s(1), () => vm.pause());
    sim.at(s(1.06), () => {
      vm.moveTo(b, memory, disk);
      vm.resume();
      net.redirect(b);
    });
    sim.run(s(3));
    clients.stop();
    sim.run(s(4));

    expect(clients.log.failed).toBe(0);
    expect(clients.outstanding).toBe(0);
    expect(clients.log.completed).toBe(clients.issued);
    expect(clients.log.completed).toBeGreaterThan(450); // ≈ 10 × 3 s / 52 ms
    expect(net.serverHost()).toBe(b);
    // Requests sent during the downtime were queued by the paused NIC (no loss, no retransmission)…
    expect(net.stats.toServerDropped).toBe(0);
    // …and after the move, traffic flows through B's NIC both ways.
    expect(net.clientNic(b).rx.delivered).toBeGreaterThan(100);
    expect(net.clientNic(b).tx.delivered).toBeGreaterThan(100);
    const latest = clients.log.row(clients.log.size - 1);
    expect(latest.latencyNs).toBeLessThan(ms(3));
    // The downtime shows as latency, not as a retransmission (60 ms < the 200 ms RTO).
    expect(clients.log.maxLatencyNs()).toBeGreaterThan(ms(50));
    expect(timeline.count('retransmit')).toBe(0);
  });
});
