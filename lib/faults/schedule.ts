import { InputError, enumParam, numberParam, type ParamSpec, type Params } from '../params/index.js';
import { BYZANTINE_KINDS } from './byzantine.js';
import { s, type Nanos } from '../sim/index.js';

/** Fault keys of the contract: crash-stop of a host or of the VM alone, and partitions of the host-to-host link. */
export const FAULT_PARAMS: readonly ParamSpec[] = [
  numberParam('faults.primaryCrashAtS', undefined, 'crash-stop the host running the VM (Remus primary, migration source) at this time', { min: 0 }),
  numberParam('faults.backupCrashAtS', undefined, 'crash-stop the second host (Remus backup, migration target) at this time', { min: 0 }),
  numberParam('faults.hostCrashAtS', undefined, 'crash-stop whichever host runs the VM at this time', { min: 0 }),
  numberParam('faults.vmCrashAtS', undefined, 'crash the VM alone (its host survives) at this time', { min: 0 }),
  numberParam('faults.linkDownAtS', undefined, 'partition the host-to-host link at this time', { min: 0 }),
  numberParam('faults.linkDownForS', undefined, 'how long the partition lasts (default: to the end of the run)', { positive: true }),
  numberParam('faults.targetHost', undefined, 'the host faults.hostCrashAtS and faults.vmCrashAtS act on, by index (default 0)', { min: 0, integer: true }),
  numberParam('faults.rmCrashAtS', undefined, 'crash the replica manager of faults.targetHost alone at this time (replicated engines)', { min: 0 }),
  numberParam('faults.byzantineReplicas', undefined, 'how many service replicas turn Byzantine (the active ones with the highest host index)', { min: 1, integer: true }),
  numberParam('faults.byzantineAtS', undefined, 'when the Byzantine replicas turn faulty', { min: 0 }),
  enumParam('faults.byzantineKind', BYZANTINE_KINDS, undefined, 'what the Byzantine replicas do: wrong-reply (colluding), corrupt-state, silent, slow'),
];

/**
 * The scheduled fault kinds, each set by its `faults.<kind>AtS` key. `rmCrash` exists only under the
 * replicated engines (a replica manager in domain 0); Byzantine faults are not scheduled here but
 * applied by the scenario under every engine (./byzantine.ts).
 */
export const FAULT_KINDS = ['primaryCrash', 'backupCrash', 'hostCrash', 'vmCrash', 'linkDown', 'rmCrash'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The faults a protection may say it tolerates, in the terms of a fault load (docs/compare.md): a
 * host crash (with its RM and VMs), a VM crash alone, an RM crash alone, a partition of the
 * host-to-host link, a replica turning Byzantine.
 */
export const FAULT_CLASSES = ['hostCrash', 'vmCrash', 'rmCrash', 'linkDown', 'byzantine'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export interface ScheduledFault {
  readonly kind: FaultKind;
  readonly atNs: Nanos;
  /** linkDown only: how long (undefined = until the end). */
  readonly forNs?: Nanos;
}

/**
 * The run's fault schedule from its `faults.*` keys, in time order. A fault at or after the end of
 * the run is bad input — a test must never pass because its fault never happened.
 */
export function faultSchedule(params: Params, durationS: number): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  const add = (key: string, kind: FaultKind): void => {
    const at = params.optNum(key);
    if (at === undefined) return;
    if (at >= durationS)
      throw new InputError(key, `fault at ${at} s is not before the end of the run (run.durationS = ${durationS})`, `0 ≤ value < ${durationS}`);
    out.push({ kind, atNs: s(at) });
  };
  add('faults.primaryCrashAtS', 'primaryCrash');
  add('faults.backupCrashAtS', 'backupCrash');
  add('faults.hostCrashAtS', 'hostCrash');
  add('faults.vmCrashAtS', 'vmCrash');
  add('faults.rmCrashAtS', 'rmCrash');
  const linkAt = params.optNum('faults.linkDownAtS');
  const linkFor = params.optNum('faults.linkDownForS');
  if (linkFor !== undefined && linkAt === undefined)
    throw new InputError('faults.linkDownForS', 'set without faults.linkDownAtS', 'set faults.linkDownAtS too');
  if (linkAt !== undefined) {
    if (linkAt >= durationS)
      throw new InputError('faults.linkDownAtS', `fault at ${linkAt} s is not before the end of the run (run.durationS = ${durationS})`, `0 ≤ value < ${durationS}`);
    out.push(linkFor === undefined ? { kind: 'linkDown', atNs: s(linkAt) } : { kind: 'linkDown', atNs: s(linkAt), forNs: s(linkFor) });
  }
  return out.sort((a, b) => a.atNs - b.atNs);
}
