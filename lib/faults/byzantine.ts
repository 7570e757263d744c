import { InputError, type Params } from '../params/index.js';
import type { ServiceMisbehaviour } from '../replication/index.js';
import { s as seconds, type Nanos } from '../sim/index.js';
import type { Packet, VM } from '../vm/index.js';

/**
 * Byzantine behaviours of a service VM (SPARE's fault model: the guest may fail arbitrarily):
 * - `wrong-reply`: every reply leaves its NIC changed by the service's fixed rule — the same rule on
 *   every faulty replica, so they collude on one wrong reply;
 * - `corrupt-state`: the guest overwrites its own state with wrong bytes (through its own memory
 *   writes, so dirty tracking and checkpoints see them) and answers from it;
 * - `silent`: the guest sends nothing any more;
 * - `slow`: the guest's vCPU runs at a twentieth of its speed (`SLOW_REPLICA_THROTTLE`).
 */
export const BYZANTINE_KINDS = ['wrong-reply', 'corrupt-state', 'silent', 'slow'] as const;
export type ByzantineKind = (typeof BYZANTINE_KINDS)[number];

/** Share of time a `slow` replica's vCPU is kept from running: it runs 20× slower. Estimate. */
export const SLOW_REPLICA_THROTTLE = 0.95;


/**
 * Turn `vm` faulty now. Replies travel as lib/net TCP payloads (`{ requestId, body }`): the
 * wrong-reply rule changes the body.
 */
export function misbehave(vm: VM, kind: ByzantineKind, service: ServiceMisbehaviour): void {
  switch (kind) {
    case 'wrong-reply':
      vm.nic.setTamper((p: Packet) => {
        const pl = p.payload as { body?: unknown } | undefined;
        if (pl === undefined || pl.body === undefined) return p;
        return { ...p, payload: { ...pl, body: service.falsify(pl.body) } };
      });
      return;
    case 'silent':
      vm.nic.setTamper(() => null);
      return;
    case 'slow':
      if (vm.status !== 'crashed') vm.vcpu.setThrottle(SLOW_REPLICA_THROTTLE);
      return;
    case 'corrupt-state':
      if (vm.status !== 'crashed') service.corrupt(vm);
      return;
  }
}

/** The run's Byzantine fault (`faults.byzantine*` keys). */
export interface ByzantineFault {
  readonly kind: ByzantineKind;
  readonly atNs: Nanos;
  /** How many replicas turn faulty (the active ones with the highest host index). */
  readonly replicas: number;
}

/** The run's Byzantine fault from its keys, or null. All three keys go together. */
export function byzantineFault(params: Params, durationS: number): ByzantineFault | null {
  const n = params.optNum('faults.byzantineReplicas');
  const at = params.optNum('faults.byzantineAtS');
  const kind = params.optStr('faults.byzantineKind');
  if (n === undefined && at === undefined && kind === undefined) return null;
  const need = 'missing: a Byzantine fault needs faults.byzantineReplicas, faults.byzantineAtS and faults.byzantineKind';
  if (n === undefined) throw new InputError('faults.byzantineReplicas', need, 'an integer ≥ 1');
  if (at === undefined) throw new InputError('faults.byzantineAtS', need, `0 ≤ value < ${durationS}`);
  if (kind === undefined) throw new InputError('faults.byzantineKind', need, BYZANTINE_KINDS.join(' | '));
  if (at >= durationS) throw new InputError('faults.byzantineAtS', `fault at ${at} s is not before the end of the run (run.durationS = ${durationS})`, `0 ≤ value < ${durationS}`);
  return { kind: kind as ByzantineKind, atNs: seconds(at), replicas: n };
}
