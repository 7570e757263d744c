/**
 * The fault bound of a replicated service with proactive recovery: at most f faulty replicas in any
 * window of vulnerability. Recovery replaces one host's active replica every recovery interval R,
 * host after host, so each of the f + 1 hosts is renewed once per rotation of W = (f + 1) × R; a
 * faulty replica lasts at most until its host's next recovery. The bound then reads: for every
 * window [t, t + W), at most f distinct replicas are faulty at some moment in it (the definition of
 * BFT with proactive recovery; without recovery W is the whole run).
 *
 * `faultBoundHeld` computes it from what happened — the faults injected and the replacements made —
 * so a run that broke the bound says so instead of claiming a protection it did not have.
 */

/** A fault injected into the active replica on `host` at `atS` (seconds). */
export interface InjectedFault {
  readonly host: number;
  readonly atS: number;
}

/** The active replica on `host` was replaced at `atS` (its old VM discarded). */
export interface Replacement {
  readonly host: number;
  readonly atS: number;
}

/** One replica's faulty time: from its first fault until it was replaced (Infinity: never). */
export interface FaultyInterval {
  readonly host: number;
  /** How many replacements on this host came before it: (host, generation) names the replica. */
  readonly generation: number;
  readonly fromS: number;
  readonly toS: number;
}

/** The rotation window (f + 1) × R in seconds; Infinity without proactive recovery. */
export function rotationWindowS(f: number, recoveryIntervalS: number | null): number {
  if (!(Number.isInteger(f) && f >= 0)) throw new Error(`bad fault bound f=${f}`);
  if (recoveryIntervalS === null) return Infinity;
  if (!(recoveryIntervalS > 0)) throw new Error(`bad recovery interval ${recoveryIntervalS} s`);
  return (f + 1) * recoveryIntervalS;
}

/**
 * Which replicas were faulty, and when: a fault on `host` at time a hits the replica running there
 * then — the one after the host's replacements made before a (a replacement at exactly a has already
 * happened) — and that replica stays faulty until the host's next replacement. Several faults on the
 * same replica make one interval.
 */
export function faultyIntervals(faults: readonly InjectedFault[], replacements: readonly Replacement[]): FaultyInterval[] {
  const byHost = new Map<number, number[]>();
  for (const r of replacements) {
    if (!(r.atS >= 0)) throw new Error(`bad replacement time ${r.atS} s on host ${r.host}`);
    const list = byHost.get(r.host) ?? [];
    list.push(r.atS);
    byHost.set(r.host, list);
  }
  for (const list of byHost.values()) list.sort((a, b) => a - b);
  const replicas = new Map<string, FaultyInterval>();
  for (const fault of faults) {
    if (!(fault.atS >= 0)) throw new Error(`bad fault time ${fault.atS} s on host ${fault.host}`);
    const list = byHost.get(fault.host) ?? [];
    let generation = 0;
    while (generation < list.length && list[generation]! <= fault.atS) generation++;
    const toS = generation < list.length ? list[generation]! : Infinity;
    const key = `${fault.host}/${generation}`;
    const seen = replicas.get(key);
    if (seen === undefined || fault.atS < seen.fromS) replicas.set(key, { host: fault.host, generation, fromS: fault.atS, toS });
  }
  return [...replicas.values()].sort((a, b) => a.fromS - b.fromS || a.host - b.host);
}

/**
 * The most distinct faulty replicas any window [t, t + W) sees. A replica faulty during [a, c)
 * meets the windows that start in (a − W, c); the answer is the deepest overlap of those open
 * intervals (a sweep over their ends: O(k log k) for k faulty replicas).
 */
export function maxFaultyPerWindow(intervals: readonly FaultyInterval[], windowS: number): number {
  if (!(windowS > 0)) throw new Error(`bad window ${windowS} s`);
  const events: Array<[number, number]> = [];
  for (const iv of intervals) {
    if (!(iv.toS > iv.fromS)) continue; // replaced at the instant it failed: never faulty
    events.push([iv.fromS - windowS, +1], [iv.toS, -1]);
  }
  // Open intervals: at equal coordinates an end comes before a start (touching ones do not meet).
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let depth = 0;
  let max = 0;
  for (const [, d] of events) {
    depth += d;
    if (depth > max) max = depth;
  }
  return max;
}

/**
 * True when no window of (f + 1) × `recoveryIntervalS` seconds (the whole run when recovery is off:
 * null) saw more than f faulty replicas, given the faults injected and the replacements made.
 */
export function faultBoundHeld(
  faults: readonly InjectedFault[],
  f: number,
  recoveryIntervalS: number | null,
  replacements: readonly Replacement[] = [],
): boolean {
  const w = rotationWindowS(f, recoveryIntervalS);
  const intervals = faultyIntervals(faults, replacements);
  if (w === Infinity) return intervals.filter((iv) => iv.toS > iv.fromS).length <= f;
  return maxFaultyPerWindow(intervals, w) <= f;
}

/**
 * The proactive-recovery rotation as planned: the k-th recovery (k = 1, 2, …) is due at k × R and
 * renews host (k − 1) mod (f + 1); each takes `durationS` (its five steps), after which the host's
 * active replica is replaced. Recoveries that would end after `endS` are left out.
 */
export function plannedReplacements(f: number, recoveryIntervalS: number, endS: number, durationS = 0): Replacement[] {
  rotationWindowS(f, recoveryIntervalS);
  if (!(durationS >= 0)) throw new Error(`bad recovery duration ${durationS} s`);
  const out: Replacement[] = [];
  for (let k = 1; k * recoveryIntervalS + durationS <= endS; k++) out.push({ host: (k - 1) % (f + 1), atS: k * recoveryIntervalS + durationS });
  return out;
}
