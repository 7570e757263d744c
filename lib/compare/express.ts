import type { EngineDef } from '../engines/engine.js';
import type { FaultKind } from '../faults/index.js';
import type { ParamValue } from '../params/index.js';
import type { LoadFault } from './fault-load.js';

/** A fault of the load that a protection cannot express, and why. */
export interface NotApplicable {
  /** Position in the load's `faults`. */
  readonly index: number;
  readonly kind: LoadFault['kind'];
  readonly reason: string;
}

/** What a protection runs for a fault load: its `faults.*` keys, and the faults it cannot express. */
export interface ExpressedFaults {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly notApplicable: readonly NotApplicable[];
}

/** What the expression needs to know of a protection's run. */
export interface ProtectionShape {
  readonly engine: EngineDef;
  /** Hosts of its layout. */
  readonly hosts: number;
  /** Service replicas running at the start. */
  readonly activeReplicas: number;
}

/**
 * Express a fault load in one protection's `faults.*` keys. An engine whose faults can name a host
 * (`targetsHosts`: one replica per host) sets `faults.<kind>AtS` and `faults.targetHost`; the
 * others map host 0 to their primary or source (`primaryCrash`, or `hostCrash` where there is one
 * host) and host 1 to their backup or target. A run has one fault of each kind, one target host and
 * one Byzantine fault (several replicas turning faulty at one time): a fault beyond that, or one the
 * engine does not apply, is *not applicable* — reported, never dropped silently.
 */
export function expressFaults(faults: readonly LoadFault[], shape: ProtectionShape): ExpressedFaults {
  const params: Record<string, ParamValue> = {};
  const notApplicable: NotApplicable[] = [];
  const { engine } = shape;
  const can = (k: FaultKind): boolean => engine.faultKinds.includes(k);
  faults.forEach((f, index) => {
    const skip = (reason: string): void => void notApplicable.push({ index, kind: f.kind, reason });
    const set = (entries: Record<string, ParamValue>): void => {
      for (const [k, v] of Object.entries(entries))
        if (k in params && params[k] !== v) return skip(`${k} is ${JSON.stringify(params[k])} already: one ${k === 'faults.targetHost' ? 'target host' : 'fault of each kind'} per run`);
      Object.assign(params, entries);
    };
    if (f.kind === 'byzantine') {
      const n = params['faults.byzantineReplicas'];
      if (n === undefined) return set({ 'faults.byzantineReplicas': 1, 'faults.byzantineAtS': f.atS, 'faults.byzantineKind': f.byzantineKind! });
      if (params['faults.byzantineAtS'] !== f.atS || params['faults.byzantineKind'] !== f.byzantineKind) return skip('one Byzantine fault per run: further replicas must turn faulty at the same time, the same way');
      if ((n as number) + 1 > shape.activeReplicas) return skip(`${engine.name} runs ${shape.activeReplicas} replica${shape.activeReplicas === 1 ? '' : 's'}`);
      params['faults.byzantineReplicas'] = (n as number) + 1;
      return;
    }
    if (f.kind === 'linkDown') {
      if (!can('linkDown')) return skip(`${engine.name} has no host-to-host link to cut`);
      return set(f.forS === undefined ? { 'faults.linkDownAtS': f.atS } : { 'faults.linkDownAtS': f.atS, 'faults.linkDownForS': f.forS });
    }
    const target = f.kind === 'vmCrash' ? (f.replica ?? 0) : (f.host ?? 0);
    if (engine.targetsHosts === true) {
      if (!can(f.kind)) return skip(`${engine.name} cannot apply a ${f.kind}`);
      if (target >= shape.hosts) return skip(`${engine.name} has ${shape.hosts} hosts here`);
      return set({ [`faults.${f.kind}AtS`]: f.atS, 'faults.targetHost': target });
    }
    if (f.kind === 'rmCrash') return skip(`${engine.name} has no replica managers`);
    if (f.kind === 'vmCrash') return target === 0 ? set({ 'faults.vmCrashAtS': f.atS }) : skip(`${engine.name} runs one replica`);
    if (target === 0) return set(can('primaryCrash') && can('backupCrash') ? { 'faults.primaryCrashAtS': f.atS } : { 'faults.hostCrashAtS': f.atS });
    if (target === 1 && can('backupCrash')) return set({ 'faults.backupCrashAtS': f.atS });
    return skip(`${engine.name} has no host ${target}`);
  });
  return { params, notApplicable };
}
