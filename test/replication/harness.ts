import { Network } from '../../lib/net/index.js';
import { ReplicationGroup, type GroupRequest, type ReplicationGroupOptions } from '../../lib/replication/index.js';
import { RandomStreams, Simulation, ms } from '../../lib/sim/index.js';
import { Host } from '../../lib/vm/index.js';

/** An order-sensitive register: read-modify-write returns the prior value. */
export const rmw = (x: number, add: number): number => (Math.imul(x, 31) + add) >>> 0;

export interface GroupWorldOptions {
  readonly hosts: number;
  readonly quorum: number;
  readonly sessions?: number;
  readonly seed?: number;
  /** Replica execution time per request, ns. */
  readonly execNs?: number;
  /** Replicas that collude on one wrong reply (the right one XOR a fixed mask). */
  readonly wrong?: readonly number[];
  /** Replicas that never reply. */
  readonly silent?: readonly number[];
  readonly shuffledRm?: number;
  /** Client retry timeout, ns. */
  readonly retryNs?: number;
  readonly group?: Partial<ReplicationGroupOptions>;
}

/**
 * A replication group over lib/net with toy replicas (one register each) and closed-loop client
 * sessions that retry at their session's current contact RM. Everything the tests check is
 * recorded: each replica's execution log, each answer, suspicions.
 */
export function groupWorld(o: GroupWorldOptions) {
  const sim = new Simulation();
  const streams = new RandomStreams(o.seed ?? 1);
  const rng = streams.stream('clients');
  const network = new Network(sim, { rng: streams.stream('network') });
  const hosts = Array.from({ length: o.hosts }, (_, i) => new Host(`H${i}`, { sharedCpu: true }));
  for (const h of hosts) network.addHost(h);
  const execNs = o.execNs ?? 50_000;
  const state = new Array<number>(o.hosts).fill(1);
  const logs: Array<Array<{ seq: number; session: number; n: number; add: number }>> = hosts.map(() => []);
  const replicaDown = new Array<boolean>(o.hosts).fill(false);
  const answers = new Map<string, { reply: number; at: number; rm: number }>();
  let answerCalls = 0;
  const suspicions: Array<{ rm: number; why: string }> = [];
  const group: ReplicationGroup = new ReplicationGroup({
    sim,
    network,
    hosts,
    quorum: o.quorum,
    ...(o.shuffledRm === undefined ? {} : { shuffledRm: o.shuffledRm }),
    ...o.group,
    deliver(rm, seq, req) {
      sim.schedule(execNs, () => {
        if (replicaDown[rm] || !group.isAlive(rm)) return;
        const add = (req.body as { add: number }).add;
        logs[rm]!.push({ seq, session: req.session, n: req.n, add });
        const prior = state[rm]!;
        state[rm] = rmw(prior, add);
        if (o.silent?.includes(rm)) return;
        const reply = o.wrong?.includes(rm) ? (prior ^ 0x5a5a5a5a) >>> 0 : prior;
        group.replicaReplied(rm, req.session, req.n, reply, 16, String(reply));
      });
    },
    answer(rm, req, reply) {
      answerCalls++;
      const k = `${req.session}:${req.n}`;
      if (!answers.has(k)) answers.set(k, { reply: reply as number, at: sim.now, rm });
      client.onAnswer(req.session, req.n);
    },
    suspect(rm, _req, why) {
      suspicions.push({ rm, why });
    },
  });

  const sessions = o.sessions ?? 6;
  const retryNs = o.retryNs ?? ms(300);
  const current: Array<GroupRequest | null> = new Array(sessions).fill(null);
  const nextN = new Array<number>(sessions).fill(0);
  let stopped = false;
  const client = {
    issue(s: number): void {
      if (stopped) return;
      const req: GroupRequest = { session: s, n: nextN[s]!++, bytes: 100, body: { add: 1 + rng.int(1000) } };
      current[s] = req;
      this.send(req);
    },
    send(req: GroupRequest): void {
      group.submit(group.contactFor(req.session), req);
      sim.schedule(retryNs, () => {
        if (current[req.session] === req) this.send(req);
      });
    },
    onAnswer(s: number, n: number): void {
      const c = current[s];
      if (c === null || c === undefined || c.n !== n) return;
      current[s] = null;
      sim.schedule(ms(1) + rng.int(1_000_000), () => this.issue(s));
    },
  };

  return {
    sim,
    network,
    hosts,
    group,
    logs,
    state,
    answers,
    suspicions,
    get answerCalls() {
      return answerCalls;
    },
    /** Requests issued so far. */
    get issued() {
      return nextN.reduce((a, b) => a + b, 0);
    },
    start(): void {
      group.start();
      for (let s = 0; s < sessions; s++) sim.schedule(rng.int(1_000_000), () => client.issue(s));
    },
    stop(): void {
      stopped = true;
    },
    crashHost(i: number): void {
      hosts[i]!.alive = false;
      network.hostCrashed(hosts[i]!);
      group.crash(i);
      replicaDown[i] = true;
    },
    /**
     * The reference: replay the total order (as the replica of RM `from` executed it) on a fresh
     * register; the right reply of each request.
     */
    reference(from: number): Map<string, number> {
      let x = 1;
      const out = new Map<string, number>();
      for (const e of [...logs[from]!].sort((a, b) => a.seq - b.seq)) {
        out.set(`${e.session}:${e.n}`, x);
        x = rmw(x, e.add);
      }
      return out;
    },
  };
}
