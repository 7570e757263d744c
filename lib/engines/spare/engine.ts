import { InputError } from '../../params/index.js';
import { ms } from '../../sim/index.js';
import type { EngineDef, RunLayout } from '../engine.js';
import { Activations } from './activation.js';
import { UpdateBarrier } from './barrier.js';
import { injectFaults } from './faults.js';
import { wireGroup } from './group.js';
import { SPARE_PARAMS } from './params.js';
import { proactiveRecovery, scheduleRecoveries } from './recovery.js';
import { spareReport } from './report.js';
import { SpareRun } from './run.js';
import { VerifiedState } from './updates.js';

/** Host names of a layout: A, B, C, … */
const hostName = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : `H${i}`);

/** The host of the reference replica the `shadowsConsistent` check compares shadows with. */
export const REFERENCE_HOST = 'REF';

/**
 * f + 1 hosts, each with an active replica (guests 0 … f) and a shadow (guests f + 1 … 2f + 1) of
 * service 0; then the reference replica on a host of its own (guest 2f + 2), outside the service's
 * resources: it executes every ordered request and is never faulty — what "verified state" is.
 */
export function spareLayout(f: number): RunLayout {
  const n = f + 1;
  const guests = [...Array.from({ length: n }, (_, i) => ({ host: i, service: 0 })), ...Array.from({ length: n }, (_, i) => ({ host: i, service: 0 })), { host: n, service: 0 }];
  return { hosts: [...Array.from({ length: n }, (_, i) => hostName(i)), REFERENCE_HOST], guests };
}

/**
 * SPARE (Distler et al., NDSS '11): f + 1 hosts, each with a trusted replica manager, one active
 * service replica and one paused shadow replica (docs/spare.md). Requests are ordered and voted as
 * under `active` (lib/replication), f + 1 identical replies answering. Every
 * `spare.updateIntervalMs` the active replicas produce a verified state update at one position of
 * the order, which the shadows apply while briefly woken. Differing replies or update digests, or
 * too few replies in `spare.replyTimeoutMs`, activate the shadows; a majority over all replies
 * decides, the faulty replica is replaced by its host's shadow, and new shadows are made from
 * verified state. Proactive recovery renews one host every `spare.recoveryIntervalS`.
 */
export const spareEngine: EngineDef = {
  name: 'spare',
  description: 'SPARE: f+1 active replicas behind replica managers, one paused shadow replica per host updated from verified state, activated on suspicion; proactive recovery',
  params: SPARE_PARAMS,
  layout: (p) => spareLayout(p.num('spare.f')),
  replicas: (p) => ({ active: p.num('spare.f') + 1, passive: p.num('spare.f') + 1 }),
  replicated: true,
  // Updates carry the service's state; the guest kernel's network buffers are not part of it (a
  // shadow's kernel has seen other traffic than the active replica's), so SPARE's guests have none.
  derivedDefaults(input) {
    const mib = input['vm.netBufferMiB'];
    if (mib !== undefined && Number(mib) !== 0)
      throw new InputError('vm.netBufferMiB', 'spare’s state updates carry the service’s state, not the guest kernel’s network buffers', '0');
    return { 'vm.netBufferMiB': 0 };
  },
  // Crashes of faults.targetHost's host, its active replica or its RM; no partitions (there is no one link).
  faultKinds: ['hostCrash', 'vmCrash', 'rmCrash'],
  targetsHosts: true,
  // Within f faulty replicas per window of (f + 1) × spare.recoveryIntervalS.
  tolerates: ['hostCrash', 'vmCrash', 'rmCrash', 'byzantine'],
  invariants: { everyRun: ['shadowsConsistent', 'faultBoundHeld'] },
  faultBudget: (p) => p.num('spare.f'),
  create(ctx) {
    const run = new SpareRun(ctx);
    // The phases call one another through these hooks; each is built in the order it needs the others.
    wireGroup(run, {
      deliver: (h, seq, req) => barrier.deliver(h, seq, req),
      replied: (v, h, session, n, digest, isShadow, forward) => activations.replied(v, h, session, n, digest, isShadow, forward),
      answered: (req, digest) => {
        barrier.answered(req);
        activations.answered(req, digest);
      },
      suspect: (rm, req, why) => activations.suspicion(why === 'mismatch' ? 'reply-mismatch' : 'reply-timeout', { kind: 'request', rm, session: req.session, n: req.n }),
      crashDetected: () => activations.recheck(),
    });
    const barrier: UpdateBarrier = new UpdateBarrier(run, () => activations.takeDeferred());
    const verified: VerifiedState = new VerifiedState(run, barrier, {
      suspect: (seq) => activations.suspicion('update-digest', { kind: 'update', seq }),
      activating: () => activations.current !== null,
      recovering: () => recovery?.running === true,
    });
    const activations: Activations = new Activations(run, barrier, verified);
    const recovery = proactiveRecovery(run, barrier, verified, () => activations.takeDeferred());
    activations.recovery = recovery;
    return {
      start() {
        run.countReplicas();
        run.group.start();
        startUpdates(run, verified);
        if (recovery !== null) scheduleRecoveries(run, () => activations.recoveryFallsDue());
        injectFaults(run, activations, ctx.faults, ctx.durationNs);
      },
      activeVms: () => run.activeVms(),
      finish: (endNs) => spareReport(run, verified, activations, recovery, endNs),
    };
  },
};

/** An update point every `spare.updateIntervalMs`. */
function startUpdates(run: SpareRun, verified: VerifiedState): void {
  const intervalNs = ms(run.params.num('spare.updateIntervalMs'));
  const tick = (): void => {
    run.sim.schedule(intervalNs, () => {
      verified.point();
      tick();
    });
  };
  tick();
}

