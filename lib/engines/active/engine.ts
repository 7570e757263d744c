import { InputError } from '../../params/index.js';
import { ReplicationGroup } from '../../replication/index.js';
import type { EngineDef, RunLayout } from '../engine.js';
import { ResourceMeter } from '../resources.js';
import { ReplicatedFrontEnd } from '../replicated-front-end.js';
import type { ActiveMetrics } from './metrics.js';
import { ACTIVE_PARAMS } from './params.js';

/** Host names of a layout: A, B, C, … */
const hostName = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : `H${i}`);

/** 2f + 1 hosts, one replica of service 0 on each. */
export function activeLayout(f: number): RunLayout {
  const n = 2 * f + 1;
  return { hosts: Array.from({ length: n }, (_, i) => hostName(i)), guests: Array.from({ length: n }, (_, i) => ({ host: i, service: 0 })) };
}

/**
 * The 2f + 1 baseline SPARE is measured against: 2f + 1 hosts, each with a trusted replica manager
 * and one always-running service replica. The RMs order every client request (lib/replication),
 * every replica executes it, and the session's contact RM answers once f + 1 replicas — a majority
 * — gave identical replies. Tolerates f faulty replicas (crashed or Byzantine) and crashes of RMs
 * or hosts up to f in all.
 */
export const activeEngine: EngineDef = {
  name: 'active',
  description: '2f+1 always-running replicas behind replica managers that order requests and vote on replies (the majority decides)',
  params: ACTIVE_PARAMS,
  layout: (p) => activeLayout(p.num('active.f')),
  replicas: (p) => ({ active: 2 * p.num('active.f') + 1, passive: 0 }),
  replicated: true,
  // Crashes of faults.targetHost's host, its replica or its RM; no partitions (there is no one link).
  faultKinds: ['hostCrash', 'vmCrash', 'rmCrash'],
  tolerates: ['hostCrash', 'vmCrash', 'rmCrash', 'byzantine'],
  // Its replies are checked by the scenario (`noWrongReply`), not by the engine.
  invariants: { everyRun: [] },
  faultBudget: (p) => p.num('active.f'),
  targetsHosts: true,
  create(ctx) {
    const f = ctx.params.num('active.f');
    const n = 2 * f + 1;
    const target = ctx.params.optNum('faults.targetHost') ?? 0;
    if (target >= n) throw new InputError('faults.targetHost', `host ${target} does not exist: active with f = ${f} has ${n} hosts`, `0 … ${n - 1}`);
    const service = ctx.services[0]!;
    const replicas = ctx.guests.map((g) => g.vm);
    const hosts = ctx.hosts;
    const meter = new ResourceMeter(ctx.sim);
    const front = new ReplicatedFrontEnd(ctx.network, service, hosts, replicas);
    const group = new ReplicationGroup({
      sim: ctx.sim,
      network: ctx.network,
      hosts,
      quorum: f + 1,
      deliver: (rm, seq, req) => front.deliver(rm, seq, req),
      answer: (rm, _req, reply) => front.answer(rm, reply),
      crashDetected: (_rm, dead) => {
        // Virtual-IP takeover: clients reach the service through another live host.
        if (service.entry === hosts[dead]) ctx.network.redirect(hosts[group.contactFor(0)]!, service);
        countReplicas();
      },
    });
    front.attach(group);
    service.setFrontEnd(front);
    const running = (i: number): boolean => group.isAlive(i) && replicas[i]!.status !== 'crashed' && hosts[i]!.alive;
    const countReplicas = (): void => {
      let active = 0;
      for (let i = 0; i < n; i++) if (running(i)) active++;
      meter.replicas(active, 0);
    };
    for (const vm of replicas) meter.vmExists(vm.name, vm.memory.sizeBytes);

    const crashHost = (i: number): void => {
      const h = hosts[i]!;
      if (!h.alive) return;
      h.alive = false;
      ctx.network.hostCrashed(h);
      group.crash(i);
      replicas[i]!.crash();
      meter.vmGone(replicas[i]!.name);
      countReplicas();
    };
    return {
      start() {
        countReplicas();
        group.start();
        for (const fault of ctx.faults) {
          ctx.sim.at(fault.atNs, () => {
            if (fault.kind === 'hostCrash') crashHost(target);
            else if (fault.kind === 'vmCrash') {
              replicas[target]!.crash();
              meter.vmGone(replicas[target]!.name);
              countReplicas();
            } else if (fault.kind === 'rmCrash') {
              group.crash(target);
              countReplicas();
            } else throw new Error(`active cannot apply a ${fault.kind} fault`);
          });
        }
      },
      activeVms: () => replicas.filter((vm) => vm.status !== 'crashed'),
      finish(endNs) {
        // Before the replicas are counted: the meter charges the RMs' CPU.
        const metrics = meter.replicatedReport(endNs, { hosts: n, vms: replicas, group, hostLinkBytes: ctx.network.hostLinkBytes() });
        let live = 0;
        for (let i = 0; i < n; i++) if (running(i)) live++;
        return {
          metrics: { ...metrics, serviceLost: live < f + 1, suspicions: group.totals().suspicions } satisfies ActiveMetrics,
          invariants: {},
          series: { replicas: meter.replicaSeries },
        };
      },
    };
  },
};
