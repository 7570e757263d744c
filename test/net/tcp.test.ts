import { describe, expect, it } from 'vitest';
import {
  RtoEstimator,
  TCP_CONNECTION_TIMEOUT_NS,
  TCP_RTO_MAX_NS,
  TcpClient,
  TcpServer,
  Timeline,
  linuxRetransmitTimeoutNs,
  type TcpRequest,
  type TcpRequestPayload,
} from '../../lib/net/index.js';
import { ms, s } from '../../lib/sim/index.js';
import type { Packet, VM } from '../../lib/vm/index.js';
import { world } from './helpers.js';

/** A guest that answers attempt ≥ `fromAttempt` of each request after `delayNs`, without dedup. */
function naiveServer(vm: VM, opts: { replyBytes?: number; fromAttempt?: number; delayNs?: (attempt: number) => number } = {}) {
  const got: Array<{ t: number; attempt: number }> = [];
  vm.nic.onReceive((p: Packet) => {
    const pl = p.payload as TcpRequestPayload;
    got.push({ t: vm.sim.now, attempt: pl.attempt });
    if (pl.attempt < (opts.fromAttempt ?? 1)) return;
    const send = () => vm.nic.send({ client: p.client, kind: 'reply', bytes: opts.replyBytes ?? 1000, payload: { requestId: pl.requestId } });
    const d = opts.delayNs?.(pl.attempt) ?? 0;
    if (d > 0) vm.sim.schedule(d, send);
    else send();
  });
  return got;
}

describe('RtoEstimator (RFC 6298 with Linux bounds)', () => {
  it('starts at the 200 ms minimum (an established LAN connection)', () => {
    expect(new RtoEstimator().rtoNs).toBe(ms(200));
  });

  it('computes SRTT, RTTVAR and RTO = SRTT + 4·RTTVAR per RFC 6298 §2', () => {
    const e = new RtoEstimator();
    e.sample(ms(100));
    expect(e.srttNs).toBe(ms(100));
    expect(e.rttvarNs).toBe(ms(50));
    expect(e.rtoNs).toBe(ms(300));
    e.sample(ms(200));
    // RTTVAR = ¾·50 + ¼·|100 − 200| = 62.5; SRTT = ⅞·100 + ⅛·200 = 112.5; RTO = 112.5 + 250.
    expect(e.rttvarNs).toBe(ms(62.5));
    expect(e.srttNs).toBe(ms(112.5));
    expect(e.rtoNs).toBe(ms(362.5));
  });

  it('never goes below 200 ms nor above 120 s', () => {
    const e = new RtoEstimator();
    e.sample(ms(0.3));
    expect(e.rtoNs).toBe(ms(200));
    e.sample(s(500));
    expect(e.rtoNs).toBe(TCP_RTO_MAX_NS);
  });
});

describe('TCP_CONNECTION_TIMEOUT_NS', () => {
  it('is Linux’s give-up time for tcp_retries2 = 15: 924.6 s', () => {
    expect(linuxRetransmitTimeoutNs(15)).toBe(s(924.6));
    expect(TCP_CONNECTION_TIMEOUT_NS).toBe(s(924.6));
    expect(linuxRetransmitTimeoutNs(3)).toBe(s(0.2 + 0.4 + 0.8 + 1.6));
  });
});

describe('TcpClient.request(bytes)', () => {
  it('measures the request from first send to the last byte of its reply', () => {
    const { sim, net, vm } = world();
    naiveServer(vm, { delayNs: () => ms(3) });
    const client = new TcpClient(net);
    const r = client.request(200, 'GET /');
    expect(client.outstanding).toBe(1);
    sim.run();
    expect(r.status).toBe('done');
    expect(r.retransmits).toBe(0);
    expect(r.latencyNs).toBeGreaterThan(ms(3));
    expect(r.latencyNs).toBeLessThan(ms(3.2));
    expect(client.outstanding).toBe(0);
    expect(client.log.size).toBe(1);
    expect(client.rto.samples).toBe(1);
  });

  it('retransmits with exponential back-off (200, 400, 800 ms …) and then succeeds', () => {
    const { sim, net, vm } = world();
    const got = naiveServer(vm, { fromAttempt: 4 });
    const timeline = new Timeline();
    const client = new TcpClient(net, { timeline });
    const r = client.request(200);
    sim.run();
    expect(got.map((g) => g.attempt)).toEqual([1, 2, 3, 4]);
    const retx = timeline.records.filter((e) => e.event === 'retransmit').map((e) => e.timeS);
    expect(retx).toEqual([0.2, 0.6, 1.4]); // gaps of 200, 400, 800 ms
    expect(r.status).toBe('done');
    expect(r.retransmits).toBe(3);
    expect(r.doneNs).toBeGreaterThan(ms(1400));
    expect(r.doneNs).toBeLessThan(ms(1401));
    expect(client.rto.samples).toBe(0); // Karn: no sample from a retransmitted request
  });

  it('keeps retransmitting through a long outage rather than breaking (Linux gives up after ≈15 min)', () => {
    const { sim, net, vm } = world();
    naiveServer(vm);
    vm.pause(); // unreachable for 60 s; its NIC queues the copies (one per attempt)
    sim.at(s(60), () => vm.resume());
    const client = new TcpClient(net);
    const r = client.request(200);
    sim.run();
    // Expiries at 0.2, 0.6, 1.4, 3.0, 6.2, 12.6, 25.4, 51.0 s (queued while paused), the reply to the
    // first queued copy arrives just after 60 s.
    expect(r.status).toBe('done');
    expect(r.retransmits).toBe(8);
    expect(r.doneNs).toBeGreaterThan(s(60));
    expect(r.doneNs).toBeLessThan(s(60.001));
  });

  it('breaks the connection when a timer expires past the connection timeout', () => {
    const { sim, net, vm } = world();
    vm.nic.onReceive(() => {}); // never answers
    const timeline = new Timeline();
    const client = new TcpClient(net, { timeline, connectionTimeoutNs: s(1) });
    const done: TcpRequest[] = [];
    client.request(200, null, (r) => done.push(r));
    sim.run();
    expect(done.length).toBe(1);
    expect(done[0]!.status).toBe('failed');
    expect(done[0]!.doneNs).toBe(ms(1400));
    expect(done[0]!.retransmits).toBe(2);
    expect(client.log.failed).toBe(1);
    expect(timeline.records.map((e) => e.event)).toEqual(['retransmit', 'retransmit', 'connectionBreak']);
  });

  it('does not retransmit while a big reply crawls through a congested NIC (the first byte acknowledges)', () => {
    const { sim, net, vm, a } = world();
    naiveServer(vm, { replyBytes: 50_000_000 });
    // A migration stream shares the NIC, halving the reply's rate: ≈850 ms for 50 MB.
    net.clientNic(a).tx.send(1e9, { onDelivered: () => {} });
    const client = new TcpClient(net);
    const r = client.request(200);
    sim.run(s(2));
    expect(r.status).toBe('done');
    expect(r.retransmits).toBe(0);
    expect(r.latencyNs).toBeGreaterThan(ms(800));
    expect(r.firstByteNs - r.sentNs).toBeLessThan(ms(1));
  });

  it('completes on the first reply to arrive and ignores the late one', () => {
    const { sim, net, vm } = world();
    // The first copy is answered after 300 ms, so the retransmission at 200 ms is answered first.
    naiveServer(vm, { delayNs: (attempt) => (attempt === 1 ? ms(300) : 0) });
    const client = new TcpClient(net);
    const r = client.request(200);
    sim.run();
    expect(r.retransmits).toBe(1);
    expect(r.doneNs).toBeLessThan(ms(201));
    expect(client.duplicates).toBe(1);
    expect(client.log.size).toBe(1);
  });

  it('counts a reply for a request already answered as a duplicate', () => {
    const { sim, net, vm } = world();
    naiveServer(vm, { delayNs: (attempt) => (attempt === 1 ? ms(250) : ms(100)) });
    const client = new TcpClient(net);
    const r = client.request(200);
    sim.run();
    // Attempt 1 answered at ≈250 ms completes it; attempt 2's reply (≈300 ms) is a duplicate.
    expect(r.doneNs).toBeGreaterThan(ms(250));
    expect(r.doneNs).toBeLessThan(ms(251));
    expect(client.duplicates).toBe(1);
    expect(client.log.size).toBe(1);
  });

  it('waits again when a reply that had started is lost, then gets it resent by the server', () => {
    const { sim, net, vm, a } = world();
    const server = new TcpServer(vm.nic);
    vm.nic.onReceive((p) => {
      const req = server.accept(p);
      if (req !== null) server.reply(req, 50_000_000);
    });
    const client = new TcpClient(net);
    const r = client.request(200);
    sim.at(ms(100), () => net.clientNic(a).tx.cutAll()); // the reply is cut mid-way
    sim.run();
    expect(r.status).toBe('done');
    expect(r.retransmits).toBe(1); // 200 ms after the loss
    expect(server.duplicates).toBe(1); // answered from the server's cached reply
    expect(r.doneNs).toBeGreaterThan(ms(300) + ms(400));
  });

  it('recovers from random loss on the client NIC: every request answered, each handled once', () => {
    const { sim, net, vm, a } = world({ clientLossRate: 0.2 });
    const server = new TcpServer(vm.nic);
    let handled = 0;
    vm.nic.onReceive((p) => {
      const req = server.accept(p);
      if (req === null) return;
      handled++;
      server.reply(req, 1000);
    });
    const client = new TcpClient(net);
    let n = 0;
    const next = () => {
      if (n++ < 300) client.request(200, null, next);
    };
    next();
    sim.run();
    expect(client.log.size).toBe(300);
    expect(client.log.failed).toBe(0);
    expect(handled).toBe(300);
    const nic = net.clientNic(a);
    const sent = nic.rx.delivered + nic.rx.dropped + nic.tx.delivered + nic.tx.dropped;
    const lost = nic.rx.dropped + nic.tx.dropped;
    expect(lost / sent).toBeGreaterThan(0.15);
    expect(lost / sent).toBeLessThan(0.25);
    expect(client.retransmits).toBe(lost); // one timeout per lost request or reply
    expect(server.tracked).toBeLessThanOrEqual(1);
  });
});

describe('TcpServer', () => {
  it('drops a retransmission of a request still being processed', () => {
    const { sim, net, vm } = world();
    const server = new TcpServer(vm.nic);
    let handled = 0;
    vm.nic.onReceive((p) => {
      const req = server.accept(p);
      if (req === null) return;
      handled++;
      sim.schedule(ms(500), () => server.reply(req, 100));
    });
    const client = new TcpClient(net);
    const r = client.request(100);
    sim.run();
    expect(handled).toBe(1);
    expect(server.duplicates).toBe(1); // the retransmission at 200 ms; the reply leaves at ≈500 ms
    expect(r.retransmits).toBe(1);
  });

  it('forgets what a restored checkpoint had not seen: a retransmission is then new again', () => {
    const { sim, net, vm } = world();
    const server = new TcpServer(vm.nic);
    const handledAt: number[] = [];
    let answer = false;
    vm.nic.onReceive((p) => {
      const req = server.accept(p);
      if (req === null) return;
      handledAt.push(sim.now);
      if (answer) server.reply(req, 100);
    });
    const before = server.snapshot(); // a checkpoint taken before the request arrived
    const client = new TcpClient(net);
    const r = client.request(100);
    sim.at(ms(100), () => {
      server.restore(before); // failover to that checkpoint
      answer = true;
    });
    sim.run();
    expect(handledAt.length).toBe(2);
    expect(r.status).toBe('done');
    expect(r.retransmits).toBe(1);
  });
});
