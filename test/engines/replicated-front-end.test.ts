import { describe, expect, it } from 'vitest';
import { ReplicatedFrontEnd } from '../../lib/engines/replicated-front-end.js';
import { DEFAULT_EFFICIENCY, Network } from '../../lib/net/index.js';
import type { TcpRequestPayload } from '../../lib/net/tcp.js';
import { ReplicationGroup, type GroupRequest } from '../../lib/replication/index.js';
import { Simulation, ms, s } from '../../lib/sim/index.js';
import { Host, type Packet } from '../../lib/vm/index.js';

const LINK_LATENCY_MS = 0.1;
const LINK_MBPS = 1000;

/**
 * Three hosts A, B, C with a replica manager each (quorum 2) and the front end of one service.
 * The front end's own job here is routing a client request to its session's contact RM; what the
 * group receives is recorded (who was handed what, when) and still goes on to be ordered.
 */
function world() {
  const sim = new Simulation();
  const network = new Network(sim, { linkLatencyMs: LINK_LATENCY_MS, linkBandwidthMbps: LINK_MBPS });
  const hosts = ['A', 'B', 'C'].map((n) => new Host(n, { sharedCpu: true }));
  for (const h of hosts) network.addHost(h);
  const service = network.addService('svc');
  const delivered: Array<{ rm: number; seq: number; session: number; n: number }> = [];
  const group = new ReplicationGroup({
    sim,
    network,
    hosts,
    quorum: 2,
    deliver: (rm, seq, req) => delivered.push({ rm, seq, session: req.session, n: req.n }),
    answer: () => {},
  });
  const submitted: Array<{ rm: number; req: GroupRequest; atNs: number; bytesAtoB: number }> = [];
  const submit = group.submit.bind(group);
  group.submit = (rm: number, req: GroupRequest): void => {
    submitted.push({ rm, req, atNs: sim.now, bytesAtoB: network.hostLink(hosts[0]!, hosts[1]!).bytesCarried });
    submit(rm, req);
  };
  const front = new ReplicatedFrontEnd(network, service, hosts, []);
  front.attach(group);
  return { sim, network, hosts, group, front, submitted, delivered };
}

const request = (client: number, requestId: number, bytes: number): Packet => {
  const payload: TcpRequestPayload = { requestId, attempt: 1, ackBelow: 0, body: { op: 'get' } };
  return { bytes, client, kind: 'request', payload, epoch: 0, seq: 0 };
};

describe('ReplicatedFrontEnd: a client request goes to its session’s contact RM', () => {
  it('hands a request arriving at the contact RM’s own host to that RM at once, forwarding nothing', () => {
    const w = world();
    // Session 0's contact is RM 0 on host A.
    const p = request(0, 7, 300);
    w.front.request(p, w.hosts[0]!);
    expect(w.submitted).toEqual([{ rm: 0, req: { session: 0, n: 7, bytes: 300, body: p }, atNs: 0, bytesAtoB: 0 }]);
    expect(w.front.forwardedBytes).toBe(0);
  });

  it('forwards a request arriving at another host over the host link, and hands it to the contact RM when it has arrived', () => {
    const w = world();
    // Session 1's contact is RM 1 on host B; the request reaches host A.
    const p = request(1, 4, 300);
    w.front.request(p, w.hosts[0]!);
    expect(w.submitted).toEqual([]);
    expect(w.front.forwardedBytes).toBe(300);
    w.sim.run(s(1));
    // What link A → B carried by then: the request (the RMs' ordering traffic comes after).
    expect(w.submitted.map(({ rm, req, bytesAtoB }) => ({ rm, req, bytesAtoB }))).toEqual([{ rm: 1, req: { session: 1, n: 4, bytes: 300, body: p }, bytesAtoB: 300 }]);
    // The payload at the link's payload rate, then the link's latency.
    const expectedNs = (300 * 8) / (LINK_MBPS * 1e6 * DEFAULT_EFFICIENCY) * 1e9 + ms(LINK_LATENCY_MS);
    expect(Math.abs(w.submitted[0]!.atNs - expectedNs)).toBeLessThanOrEqual(1);
    // From there it is ordered like any other request: every RM delivers it first.
    expect(w.delivered.filter((d) => d.session === 1 && d.n === 4).map((d) => [d.rm, d.seq])).toEqual(
      expect.arrayContaining([
        [0, 0],
        [1, 0],
        [2, 0],
      ]),
    );
  });

  it('counts every forwarded request’s bytes', () => {
    const w = world();
    w.front.request(request(1, 0, 300), w.hosts[0]!);
    w.front.request(request(2, 0, 120), w.hosts[0]!);
    w.front.request(request(0, 1, 999), w.hosts[0]!);
    expect(w.front.forwardedBytes).toBe(420);
  });

  it('forwards as a TCP stream, never lost: a partitioned link holds the request until it heals', () => {
    const w = world();
    const ab = w.network.hostLink(w.hosts[0]!, w.hosts[1]!);
    ab.setDown(true);
    w.front.request(request(1, 0, 300), w.hosts[0]!);
    w.sim.run(s(1));
    expect(w.submitted).toEqual([]);
    ab.setDown(false);
    w.sim.run(s(2));
    expect(w.submitted.map((x) => [x.rm, x.req.session, x.req.n])).toEqual([[1, 1, 0]]);
    expect(w.submitted[0]!.atNs).toBeGreaterThanOrEqual(s(1));
  });
});
