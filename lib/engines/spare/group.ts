import type { ServiceFrontEnd } from '../../net/index.js';
import type { TcpReplyPayload, TcpRequestPayload } from '../../net/tcp.js';
import { ReplicationGroup, digestOf, type GroupRequest, type Suspicion } from '../../replication/index.js';
import type { SpareRun } from './run.js';

/** What the replica managers hand on to the other phases. */
export interface GroupHooks {
  /** Request `req` is ordered at `seq` for host `h`'s replicas. */
  deliver(h: number, seq: number, req: GroupRequest): void;
  /**
   * Voter `v` of host `h` replied `digest` to request `n` of `session`: note it, let `forward` pass
   * it to the vote, then act on the vote's outcome.
   */
  replied(v: number, h: number, session: number, n: number, digest: string, isShadow: boolean, forward: () => void): void;
  /** Request `req` was answered (`digest`: the answer's digest, computed when asked for). */
  answered(req: GroupRequest, digest: () => string): void;
  /** The vote on a request failed (differing replies, or too few in time). */
  suspect(rm: number, req: GroupRequest, why: Suspicion): void;
  /** A replica manager was found crashed. */
  crashDetected(): void;
}

/**
 * The replica managers of the f + 1 hosts (lib/replication: ordering, voting, f + 1 identical
 * replies answering) and the service's front end that feeds them, set on `run.group`.
 */
export function wireGroup(run: SpareRun, hooks: GroupHooks): void {
  const { sim, network, service, hosts, front, n } = run;
  const fe: ServiceFrontEnd = {
    request(p, at) {
      const pl = p.payload as TcpRequestPayload;
      run.latencies.arrived(p.client, pl.requestId, sim.now);
      front.request(p, at);
    },
    reply(p, vm) {
      const v = run.voterOf.get(vm);
      if (v === undefined) return; // the reference replica
      const h = v % n;
      const isShadow = vm === run.standby[h] && run.shadowLive[h]!;
      if (vm !== run.active[h] && !isShadow) return; // no longer executing
      const pl = p.payload as TcpReplyPayload;
      const digest = digestOf(pl.body);
      let m = run.recent.get(v);
      if (m === undefined) run.recent.set(v, (m = new Map()));
      m.set(p.client, { n: pl.requestId, digest });
      hooks.replied(v, h, p.client, pl.requestId, digest, isShadow, () => group.replicaReplied(h, p.client, pl.requestId, p, p.bytes, digest, v));
    },
  };
  const group: ReplicationGroup = new ReplicationGroup({
    sim,
    network,
    hosts,
    quorum: run.f + 1,
    replyTimeoutNs: run.replyTimeoutNs,
    deliver: (rm, seq, req) => hooks.deliver(rm, seq, req),
    answer: (rm, req, reply) => {
      run.latencies.answered(req.session, req.n, sim.now);
      hooks.answered(req, () => digestOf((reply as { payload: TcpReplyPayload }).payload.body));
      front.answer(rm, reply);
    },
    suspect: (rm, req, why) => hooks.suspect(rm, req, why),
    crashDetected: (_rm, dead) => {
      if (service.entry === hosts[dead]) network.redirect(hosts[group.contactFor(0)]!, service);
      run.countReplicas();
      hooks.crashDetected();
    },
  });
  run.group = group;
  front.attach(group);
  service.setFrontEnd(fe);
}
