import type { FaultRate, LoadFaultKind } from './fault-load.js';

/** Hours in a year (365.25 days). */
export const HOURS_PER_YEAR = 8766;

/** What one fault of a kind did to a protected service, as measured in a run with that fault alone. */
export interface MeasuredFault {
  readonly kind: LoadFaultKind;
  /** The longest time a client waited beyond its normal latency, seconds. */
  readonly outageS: number;
  /** Nothing was serving at the end of the run: the service stays down until repaired. */
  readonly serviceLost: boolean;
  /** Replies clients accepted that were wrong, from the fault to the end of the run. */
  readonly wrongReplies: number;
  /** Seconds from the fault to the end of the run (a Byzantine replica's wrong replies go on at their measured rate until it is repaired). */
  readonly afterS: number;
  /** Replies lost: output clients had seen that the protection took back, or requests never answered. */
  readonly lostReplies: number;
}

/** How many components of a kind a protection exposes to faults (hosts for host and RM crashes, …). */
export interface Exposure {
  readonly hosts: number;
  readonly replicas: number;
}

export interface KindDependability {
  readonly kind: LoadFaultKind;
  readonly faultsPerYear: number;
  readonly downtimeSPerFault: number;
}

export interface Dependability {
  /** Expected seconds per year the service is down. */
  readonly downtimeSPerYear: number;
  /** 1 − downtime ÷ a year. */
  readonly availability: number;
  /** −log10(1 − availability); null when no fault caused any downtime (infinitely many nines). */
  readonly nines: number | null;
  readonly wrongRepliesPerYear: number;
  readonly lostRepliesPerYear: number;
  readonly perKind: readonly KindDependability[];
}

/** Components a fault kind strikes: each host (and its RM), each running replica, the one link. */
function components(kind: LoadFaultKind, e: Exposure): number {
  switch (kind) {
    case 'hostCrash':
    case 'rmCrash':
      return e.hosts;
    case 'vmCrash':
    case 'byzantine':
      return e.replicas;
    case 'linkDown':
      return 1;
  }
}

/**
 * Expected annual downtime and wrong or lost replies of a protection (docs/compare.md):
 * for each kind k with a rate, faults per year n_k = components_k × HOURS_PER_YEAR ÷ mttfH_k; a
 * fault costs its measured outage, or — when it left nothing serving — its repair time, repairH_k;
 * downtime = Σ n_k × cost_k, availability = 1 − downtime ÷ a year, nines = −log10(1 − availability);
 * wrong (lost) replies per year = Σ n_k × the wrong (lost) replies of one such fault — for a
 * Byzantine replica, which stays faulty until repaired, its measured rate of wrong replies × the
 * repair time (a crash's wrong replies are the failover's, counted once). A kind with no
 * measurement (the protection cannot express it) adds nothing: the table says "not applicable".
 */
export function dependability(measured: readonly MeasuredFault[], rates: readonly FaultRate[], exposure: Exposure): Dependability {
  let downtime = 0;
  let wrong = 0;
  let lost = 0;
  const perKind: KindDependability[] = [];
  for (const rate of rates) {
    const m = measured.find((x) => x.kind === rate.kind);
    if (m === undefined) continue;
    const n = (components(rate.kind, exposure) * HOURS_PER_YEAR) / rate.mttfH;
    const cost = m.serviceLost ? rate.repairH * 3600 : m.outageS;
    downtime += n * cost;
    wrong += n * (rate.kind === 'byzantine' ? (m.afterS > 0 ? (m.wrongReplies / m.afterS) * rate.repairH * 3600 : 0) : m.wrongReplies);
    lost += n * m.lostReplies;
    perKind.push({ kind: rate.kind, faultsPerYear: n, downtimeSPerFault: cost });
  }
  const year = HOURS_PER_YEAR * 3600;
  const unavailability = Math.min(1, downtime / year);
  return {
    downtimeSPerYear: downtime,
    availability: 1 - unavailability,
    nines: unavailability > 0 ? -Math.log10(unavailability) : null,
    wrongRepliesPerYear: wrong,
    lostRepliesPerYear: lost,
    perKind,
  };
}
