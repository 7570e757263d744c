import type { SeriesRecord } from '../../metrics/index.js';
import { faultBoundHeld, type InjectedFault, type ProactiveRecovery } from '../../replication/shadow/index.js';
import type { EngineReport } from '../engine.js';
import type { Activation, Activations } from './activation.js';
import type { SpareMetrics } from './metrics.js';
import type { SpareRun } from './run.js';
import type { VerifiedState } from './updates.js';

/**
 * The run's metrics (resources, the replica managers' work, suspicions, activations, updates,
 * recoveries), its invariants (`shadowsConsistent`, `faultBoundHeld`) and its series.
 */
export function spareReport(run: SpareRun, verified: VerifiedState, activations: Activations, recovery: ProactiveRecovery | null, endNs: number): EngineReport {
  const { n, f, group, updates, meter, injected, replacements } = run;
  const resources = meter.replicatedReport(endNs, { hosts: n, vms: run.everyVm, group, hostLinkBytes: run.network.hostLinkBytes() });
  let live = 0;
  for (let h = 0; h < n; h++) if (run.hostUp(h) && run.active[h]!.status !== 'crashed') live++;
  for (let h = 0; h < n; h++) if (run.shadowLive[h]) live++;
  const all = activations.all;
  const done = all.filter((a) => a.hosts.length > 0 && a.finishedAt >= 0);
  const activationNs = done.map((a) => Math.max(...[...a.doneAt.values()], a.suspectedAt) - a.suspectedAt);
  const series: Record<string, SeriesRecord[]> = {
    replicas: meter.replicaSeries,
    activations: all.map((a) => activationRecord(a, injected)),
    updates: updates.records.map((r) => ({ seq: r.seq, atS: r.at / 1e9, pages: Math.max(...r.pages), accepted: r.accepted.some((x) => x) })),
    recoveries: (recovery?.records ?? []).map((r) => ({ host: r.host, dueAtS: r.dueAtS, startedAtS: r.startedAtS, doneAtS: r.stepDoneAtS[r.stepDoneAtS.length - 1] ?? null })),
  };
  // A fault is resolved when the first activation suspected after it ends (else at once).
  const windows = injected.map((fl): [number, number] => {
    const a = all.find((x) => x.suspectedAt >= fl.atS * 1e9 && x.finishedAt >= 0);
    return [fl.atS * 1e9, a === undefined ? fl.atS * 1e9 : Math.max(a.finishedAt, a.replacedAt)];
  });
  const faultLatency = run.latencies.faultLatencyMs(windows, endNs);
  verified.close();
  const recoveryS = run.params.num('spare.recoveryIntervalS');
  return {
    metrics: {
      ...resources,
      serviceLost: live < f + 1,
      suspicions: activations.suspicions,
      activations: all.length,
      ...(activationNs.length > 0 ? { activationMs: activationNs.reduce((x, y) => x + y, 0) / activationNs.length / 1e6 } : {}),
      ...(faultLatency === null ? {} : { faultLatencyMs: faultLatency }),
      replacements: replacements.length,
      recoveries: recovery?.records.length ?? 0,
      updates: updates.records.length,
      updatesAccepted: updates.records.filter((r) => r.accepted.some((x) => x)).length,
      updatePointsSkipped: updates.skipped + verified.pointsDeferred,
      shadowsChecked: updates.consistencyChecks.shadows,
      shadowComparisons: updates.consistencyChecks.comparisons,
      updatePagesMean: updates.records.length > 0 ? updates.records.reduce((x, r) => x + Math.max(...r.pages), 0) / updates.records.length : 0,
    } satisfies SpareMetrics,
    invariants: {
      shadowsConsistent: updates.shadowsConsistent,
      faultBoundHeld: faultBoundHeld(injected, f, recoveryS > 0 ? recoveryS : null, replacements),
    },
    series,
  };
}

/** One row of the `activations` series. */
function activationRecord(a: Activation, injected: readonly InjectedFault[]): SeriesRecord {
  const sec = (ns: number): number | null => (ns >= 0 ? ns / 1e9 : null);
  const maxOf = (m: Map<number, number>): number => (m.size === 0 ? -1 : Math.max(...m.values()));
  let faultAt = -1;
  for (const fl of injected) if (fl.atS * 1e9 <= a.suspectedAt) faultAt = Math.max(faultAt, fl.atS * 1e9);
  return {
    faultAtS: sec(faultAt),
    suspectedAtS: a.suspectedAt / 1e9,
    unpausedAtS: sec(maxOf(a.unpausedAt)),
    caughtUpAtS: sec(maxOf(a.caughtUpAt)),
    decidedAtS: sec(a.decidedAt),
    replacedAtS: sec(a.replacedAt),
    replica: a.faulty.length === 0 ? 'none' : [...new Set(a.faulty)].sort((x, y) => x - y).join(' '),
    cause: a.cause,
  };
}
