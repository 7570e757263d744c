import { InputError } from '../../params/index.js';
import { type EngineDef, type RunLayout, TWO_HOST_FAULT_KINDS } from '../engine.js';
import { injectFaults } from './faults.js';
import { REMUS_PARAMS, remusConfig } from './params.js';
import { remusReport } from './report.js';
import { Watchdogs } from './watch.js';
import { wireRemus } from './wire.js';

/**
 * Remus's machines: each primary VM on a host of its own serving a service of its own (its own
 * clients), and one backup host, last. One primary: hosts A and B; N: A0 … A(N−1) and B.
 */
export function remusLayout(primaries: number): RunLayout {
  const hosts = primaries === 1 ? ['A'] : Array.from({ length: primaries }, (_, i) => `A${i}`);
  return { hosts: [...hosts, 'B'], guests: hosts.map((_, i) => ({ host: i, service: i })) };
}

/**
 * Remus in four phases, each in its own file: `wireRemus` builds the primaries, the backup and the
 * replication link; `Watchdogs` detect a silent partner and fail over; `injectFaults` applies the
 * scheduled faults; `remusReport` turns what happened into metrics, invariants and series.
 */
export const remusEngine: EngineDef = {
  name: 'remus',
  description: 'Remus: asynchronous VM replication by frequent checkpoints, output commit, disk replication, failover',
  params: REMUS_PARAMS,
  faultKinds: TWO_HOST_FAULT_KINDS,
  // Crash-stop of either host; a crashed guest alone stops the checkpoint stream, so the backup
  // takes over as for a host crash; a partition leaves the primary running unprotected.
  tolerates: ['hostCrash', 'vmCrash', 'linkDown'],
  // Memory and disk are checked at a failover, at a backup crash, or drained at the end while the
  // pair is still protected; memory only when it is replicated (`remus.memory`).
  invariants: { everyRun: ['noLostOutput', 'outputCommitted'], whenChecked: ['memoryConsistent', 'diskConsistent'] },
  layout: (params) => remusLayout(remusConfig(params).primaries),
  // Each primary's backup image exists on the backup host from the start.
  replicas: () => ({ active: 1, passive: 1 }),
  extraVms: (params) => Array.from({ length: remusConfig(params).primaries }, () => ({ fromS: 0 })),
  // `remus.checkpointsPerS` is another way to say the epoch: the epoch that runs is recorded as
  // `remus.epochMs`, and saying both is ambiguous input.
  derivedDefaults(input): Record<string, number> {
    const cps = input['remus.checkpointsPerS'];
    if (cps === undefined) return {};
    if (input['remus.epochMs'] !== undefined)
      throw new InputError('remus.checkpointsPerS', 'set together with remus.epochMs', 'one of remus.epochMs or remus.checkpointsPerS');
    const n = Number(cps);
    return Number.isFinite(n) && n > 0 ? { 'remus.epochMs': 1000 / n } : {};
  },
  create(ctx) {
    const run = wireRemus(ctx);
    const watchdogs = new Watchdogs(run);
    return {
      start() {
        run.primaries.forEach((p, i) => {
          p.start();
          // clientOutageMs and the output series are about the first primary's clients (client
          // numbers are per service: another primary's clients have the same ones).
          if (i === 0) p.output?.onRelease((pkt) => run.gaps.observe(pkt, run.sim.now));
          run.outputCommit.watch(p);
          watchdogs.watch(i);
        });
        injectFaults(run, ctx.faults);
      },
      finish(endNs) {
        watchdogs.stop();
        return remusReport(run, endNs);
      },
    };
  },
};
