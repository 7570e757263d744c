import { describe, expect, it } from 'vitest';
import type { EngineDef } from '../../lib/engines/engine.js';
import type { Network, Service, ServiceFrontEnd } from '../../lib/net/index.js';
import type { TcpReplyPayload } from '../../lib/net/tcp.js';
import { buildRun, resolveRunParams } from '../../lib/scenario/index.js';
import type { Host, Packet, VM } from '../../lib/vm/index.js';
import { getWorkload } from '../../workloads/index.js';
import { keyOf } from '../../workloads/kvstore/table.js';
import type { KvstoreGuest, KvstorePopulation } from '../../workloads/presets/kvstore.js';

/**
 * A test engine: one service on three VMs on three hosts, behind a front end it owns. Requests reach
 * the entry host, get a sequence number there and go to every replica — over the host links to the
 * other hosts — in that order; each reply travels back to the entry host, and the first reply two
 * replicas agree on goes to the client (2 of 3: one faulty replica is outvoted).
 */
class VotingFrontEnd implements ServiceFrontEnd {
  private next = 0;
  /** Per replica: the next sequence number it gets, and what arrived out of order. */
  private readonly expected: number[];
  private readonly held: Array<Map<number, Packet>>;
  private readonly votes = new Map<string, Map<string, number>>();
  private readonly answered = new Set<string>();
  /** Replies that disagreed with the one sent to the client. */
  disagreements = 0;
  forwarded = 0;
  readonly repliesFrom: number[];

  constructor(
    private readonly net: Network,
    private readonly service: Service,
    private readonly entry: Host,
  ) {
    const n = service.vms.length;
    this.expected = new Array<number>(n).fill(0);
    this.held = Array.from({ length: n }, () => new Map());
    this.repliesFrom = new Array<number>(n).fill(0);
  }

  request(p: Packet, at: Host): void {
    const seq = this.next++;
    this.service.vms.forEach((vm, r) => {
      if (vm.host === at) this.arrive(r, vm, seq, p);
      else this.net.hostLink(at, vm.host).send(p.bytes, { onDelivered: () => this.arrive(r, vm, seq, p) });
    });
  }

  private arrive(r: number, vm: VM, seq: number, p: Packet): void {
    this.held[r]!.set(seq, p);
    for (let q = this.held[r]!.get(this.expected[r]!); q !== undefined; q = this.held[r]!.get(this.expected[r]!)) {
      this.held[r]!.delete(this.expected[r]!);
      this.expected[r]!++;
      this.net.deliverToVm(vm, q, vm.host);
    }
  }

  reply(p: Packet, vm: VM): void {
    this.repliesFrom[this.service.vms.indexOf(vm)]!++;
    if (vm.host === this.entry) this.vote(p);
    else this.net.hostLink(vm.host, this.entry).send(p.bytes, { onDelivered: () => this.vote(p) });
  }

  private vote(p: Packet): void {
    const key = `${p.client}:${(p.payload as TcpReplyPayload).requestId}`;
    const body = JSON.stringify((p.payload as TcpReplyPayload).body, (_, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
    if (this.answered.has(key)) {
      const sent = this.votes.get(key)!;
      if (!sent.has(body)) this.disagreements++;
      return;
    }
    const tally = this.votes.get(key) ?? new Map<string, number>();
    this.votes.set(key, tally);
    const n = (tally.get(body) ?? 0) + 1;
    tally.set(body, n);
    if (n < 2) return;
    this.answered.add(key);
    this.votes.set(key, new Map([[body, n]]));
    this.disagreements += [...tally.values()].reduce((a, b) => a + b, 0) - n;
    this.forwarded++;
    this.net.sendToClient(this.service, p, this.entry);
  }
}

let frontEnd: VotingFrontEnd | null = null;
const threeReplicas = (withFrontEnd: boolean): EngineDef => ({
  name: 'test-replicated',
  description: 'test: one service on three VMs on three hosts',
  params: [],
  faultKinds: [],
  tolerates: [],
  invariants: { everyRun: [] },
  layout: () => ({ hosts: ['A', 'B', 'C'], guests: [0, 1, 2].map((host) => ({ host, service: 0 })) }),
  create(ctx) {
    const service = ctx.services[0]!;
    if (withFrontEnd) {
      frontEnd = new VotingFrontEnd(ctx.network, service, service.entry);
      service.setFrontEnd(frontEnd);
    }
    return { start() {}, finish: () => ({ metrics: {}, invariants: {}, series: {} }) };
  },
});

function replicatedKvstore(seed: number, beforeRun?: (run: ReturnType<typeof buildRun>) => void) {
  const params = resolveRunParams('unprotected', 'kvstore', { 'run.durationS': 3 });
  const run = buildRun(threeReplicas(true), getWorkload('kvstore'), params, seed, []);
  beforeRun?.(run);
  const outcome = run.run();
  return { run, outcome, fe: frontEnd!, pop: run.populations[0] as KvstorePopulation };
}

describe('a service on three VMs behind an engine-owned front end', () => {
  it('one client population, three hosts, three replicas: every reply verified, the replicas agree', () => {
    const { run, outcome, fe, pop } = replicatedKvstore(5);
    expect(run.hosts.map((h) => h.name)).toEqual(['A', 'B', 'C']);
    expect(run.services).toHaveLength(1);
    expect(run.populations).toHaveLength(1);
    expect(run.services[0]!.vms).toEqual(run.guests.map((g) => g.vm));
    expect(new Set(run.guests.map((g) => g.vm.host))).toEqual(new Set(run.hosts));
    // The clients verified every reply, and got one for every request.
    expect(pop.kv.completed).toBeGreaterThan(1000);
    expect(outcome.metrics.wrongReplies).toBe(0);
    expect(outcome.invariants).toEqual({ repliesConsistent: true, noLostAckedWrite: true, noWrongReply: true });
    expect(pop.kv.failed).toBe(0);
    expect(pop.rpc.outstanding).toBeLessThanOrEqual(8);
    // Every replica executed every request, and they agreed on every reply.
    for (const n of fe.repliesFrom) expect(n).toBeGreaterThanOrEqual(fe.forwarded);
    expect(fe.forwarded).toBeGreaterThanOrEqual(pop.kv.completed);
    expect(fe.disagreements).toBe(0);
    // The three stores hold the same records at the same versions.
    for (let k = 0; k < 1000; k++) {
      const key = keyOf(k, 24);
      const versions = run.guests.map((g) => (g.program as KvstoreGuest).table.get(g.vm.memory, key)?.version);
      expect(new Set(versions).size).toBe(1);
    }
  });

  it('a replica with corrupted memory is outvoted: the clients still see only right replies', () => {
    const { run, outcome, fe, pop } = replicatedKvstore(6, (r) =>
      r.sim.at(1e9, () => {
        // Flip bytes all over replica C's store.
        const vm = r.guests[2]!.vm;
        for (let page = 0; page < vm.memory.pages; page += 3) {
          const view = vm.memory.pageView(page);
          for (let i = 0; i < view.length; i += 61) view[i] = view[i]! ^ 0x5a;
        }
      }),
    );
    expect(fe.disagreements).toBeGreaterThan(0);
    expect(pop.kv.completed).toBeGreaterThan(1000);
    expect(outcome.metrics.wrongReplies).toBe(0);
    expect(run.guests).toHaveLength(3);
  });

  it('a service with several VMs needs a front end from its engine', () => {
    const params = resolveRunParams('unprotected', 'kvstore', { 'run.durationS': 1 });
    const run = buildRun(threeReplicas(false), getWorkload('kvstore'), params, 1, []);
    expect(() => run.run()).toThrow(/service service has 3 VMs: its engine must set a front end/);
  });
});
