import { describe, expect, it } from 'vitest';
import { expressFaults, type LoadFault } from '../../lib/compare/index.js';
import { getEngine } from '../../lib/scenario/index.js';

const shape = (engine: string, hosts: number, activeReplicas = 1) => ({ engine: getEngine(engine), hosts, activeReplicas });

describe('expressFaults(faults, shape)', () => {
  const load: LoadFault[] = [
    { kind: 'hostCrash', atS: 5 },
    { kind: 'hostCrash', atS: 7, host: 1 },
    { kind: 'linkDown', atS: 2, forS: 1 },
    { kind: 'rmCrash', atS: 3, host: 2 },
    { kind: 'byzantine', atS: 4, byzantineKind: 'wrong-reply' },
  ];

  it('remus: host 0 is the primary, host 1 the backup; no RMs', () => {
    const e = expressFaults(load, shape('remus', 2));
    expect(e.params).toEqual({ 'faults.primaryCrashAtS': 5, 'faults.backupCrashAtS': 7, 'faults.linkDownAtS': 2, 'faults.linkDownForS': 1, 'faults.byzantineReplicas': 1, 'faults.byzantineAtS': 4, 'faults.byzantineKind': 'wrong-reply' });
    expect(e.notApplicable.map((n) => [n.index, n.kind])).toEqual([[3, 'rmCrash']]);
  });

  it('unprotected: one host, no link', () => {
    const e = expressFaults(load, shape('unprotected', 1));
    expect(e.params).toMatchObject({ 'faults.hostCrashAtS': 5 });
    expect(e.notApplicable.map((n) => n.index)).toEqual([1, 2, 3]);
  });

  it('active: a target host, one per run — a second host is not applicable, never dropped silently', () => {
    const e = expressFaults(load, shape('active', 3, 3));
    expect(e.params).toMatchObject({ 'faults.hostCrashAtS': 5, 'faults.targetHost': 0, 'faults.byzantineReplicas': 1 });
    expect(e.notApplicable.map((n) => [n.index, n.reason.slice(0, 30)])).toEqual([
      [1, 'faults.hostCrashAtS is 5 alrea'],
      [2, 'active has no host-to-host lin'],
      [3, 'faults.targetHost is 0 already'],
    ]);
  });

  it('Byzantine faults at one time add replicas, up to the replicas there are', () => {
    const byz: LoadFault = { kind: 'byzantine', atS: 1, byzantineKind: 'silent' };
    expect(expressFaults([byz, byz], shape('active', 3, 3)).params['faults.byzantineReplicas']).toBe(2);
    expect(expressFaults([byz, byz], shape('remus', 2)).notApplicable).toHaveLength(1);
  });
});
