import { describe, expect, it } from 'vitest';
import { ClosedLoopClients, OpenLoopClients, TcpServer, Timeline } from '../../lib/net/index.js';
import { RandomStreams, ms, s } from '../../lib/sim/index.js';
import type { VM } from '../../lib/vm/index.js';
import { world } from './helpers.js';

/** A guest answering each request with `replyBytes` after `serviceNs` (requests served in parallel). */
function serve(vm: VM, serviceNs: number, replyBytes = 1000): TcpServer {
  const server = new TcpServer(vm.nic);
  vm.nic.onReceive((p) => {
    const req = server.accept(p);
    if (req !== null) vm.sim.schedule(serviceNs, () => vm.whenRunning(() => server.reply(req, replyBytes)));
  });
  return server;
}

describe('ClosedLoopClients', () => {
  it('hold exactly N requests outstanding when they do not think', () => {
    const { sim, net, vm, streams } = world();
    serve(vm, ms(5));
    const pop = new ClosedLoopClients(net, { sessions: 10, thinkMeanNs: 0, rng: streams.stream('clients'), request: () => ({ bytes: 200 }) });
    pop.start();
    const seen: number[] = [];
    for (let t = 0.5; t < 100; t += 1) sim.at(ms(t), () => seen.push(pop.outstanding));
    sim.run(ms(100));
    expect(new Set(seen)).toEqual(new Set([10]));
    expect(pop.log.completed).toBeGreaterThan(150); // ≈ 10 × 100 ms / 5.1 ms
  });

  it('never exceed N outstanding with think times, and approach N / (think + response) throughput', () => {
    const { sim, net, vm, streams } = world();
    serve(vm, ms(10));
    const pop = new ClosedLoopClients(net, { sessions: 20, thinkMeanNs: ms(90), rng: streams.stream('clients'), request: () => ({ bytes: 200 }) });
    pop.start();
    let max = 0;
    for (let t = 0.5; t < 20_000; t += 1) sim.at(ms(t), () => (max = Math.max(max, pop.outstanding)));
    sim.run(s(20));
    expect(max).toBeLessThanOrEqual(20);
    // 20 sessions / (90 + ≈10.1 ms) ≈ 200 requests/s.
    const rate = pop.log.completedBetween(s(2), s(20)) / 18;
    expect(rate).toBeGreaterThan(185);
    expect(rate).toBeLessThan(215);
  });

  it('stop sending after stop(), letting outstanding requests finish', () => {
    const { sim, net, vm, streams } = world();
    serve(vm, ms(5));
    const pop = new ClosedLoopClients(net, { sessions: 3, thinkMeanNs: 0, rng: streams.stream('clients'), request: () => ({ bytes: 200 }) });
    pop.start();
    sim.at(ms(12), () => pop.stop());
    sim.run();
    expect(pop.outstanding).toBe(0);
    expect(pop.issued).toBe(9); // requests at 0, ≈5.1 and ≈10.2 ms per session
  });

  it('show an outage as retransmissions and delay, not failures', () => {
    const { sim, net, vm, streams } = world();
    serve(vm, ms(2));
    const timeline = new Timeline();
    const pop = new ClosedLoopClients(net, { sessions: 5, thinkMeanNs: ms(20), rng: streams.stream('clients'), timeline, request: () => ({ bytes: 200 }) });
    pop.start();
    sim.at(s(1), () => vm.pause());
    sim.at(s(1.5), () => vm.resume());
    sim.run(s(3));
    expect(pop.log.failed).toBe(0);
    expect(timeline.count('retransmit')).toBeGreaterThan(0);
    expect(pop.log.maxLatencyNs()).toBeGreaterThan(ms(400));
  });
});

describe('OpenLoopClients', () => {
  it('send Poisson arrivals at the given rate whatever the server does', () => {
    const { sim, net, vm, streams } = world();
    serve(vm, ms(1));
    const pop = new OpenLoopClients(net, { ratePerS: 500, rng: streams.stream('clients'), request: (i) => ({ bytes: 100, body: i }) });
    pop.start();
    sim.at(s(5), () => vm.pause());
    let backlog = 0;
    sim.at(s(5.9), () => (backlog = pop.outstanding));
    sim.at(s(6), () => vm.resume());
    sim.run(s(10));
    // Poisson(5000) over 10 s: σ ≈ 71.
    expect(pop.issued).toBeGreaterThan(4750);
    expect(pop.issued).toBeLessThan(5250);
    expect(backlog).toBeGreaterThan(350); // ≈ 450 arrivals during 0.9 s of outage
    expect(pop.log.failed).toBe(0);
  });
});

describe('Client determinism', () => {
  it('gives the same event times for the same seed, and different ones for another seed', () => {
    const run = (seed: number) => {
      const { sim, net, vm } = world({ clientLossRate: 0.05 }, seed);
      serve(vm, ms(3), 20_000);
      const timeline = new Timeline();
      const rng = new RandomStreams(seed).stream('clients');
      const pop = new ClosedLoopClients(net, { sessions: 8, thinkMeanNs: ms(30), rng, timeline, request: () => ({ bytes: 300 }) });
      pop.start();
      sim.run(s(5));
      const times: number[] = [];
      for (let i = 0; i < pop.log.size; i++) times.push(pop.log.sentNs(i), pop.log.doneNs(i));
      return { times, timeline: timeline.records };
    };
    const a = run(11);
    expect(run(11)).toEqual(a);
    expect(a.timeline.length).toBeGreaterThan(0);
    expect(run(12).times).not.toEqual(a.times);
  });
});
