/**
 * Accepting a state update: the replica managers compare the digests the active replicas produced
 * for the same update point; with at most f faulty replicas, f + 1 identical digests prove the
 * content correct (at least one of them comes from a correct replica). Pure functions of the
 * digests, so they are tested on their own.
 */

export interface UpdateDecision {
  /** f + 1 or more digests agree (and no other digest does). */
  readonly accepted: boolean;
  /** The agreed digest, or null. */
  readonly digest: string | null;
  /** Replicas whose digest is the agreed one (ascending); empty when not accepted. */
  readonly agreeing: readonly number[];
  /** Replicas that sent a digest other than the agreed one (all senders when not accepted). */
  readonly dissenting: readonly number[];
  /** Replicas with no digest (null: nothing arrived in time). */
  readonly missing: readonly number[];
  /** Something is off: a digest differs or is missing — a reason to activate shadows. */
  readonly suspicious: boolean;
}

/**
 * Decide on one update point from the digests by replica (`null`: none arrived). Accepted when one
 * digest value is held by at least f + 1 replicas and no other value is; two values that both reach
 * f + 1 mean more than f replicas are faulty, and nothing is accepted.
 */
export function decideUpdate(digests: readonly (string | null)[], f: number): UpdateDecision {
  if (!(Number.isInteger(f) && f >= 0)) throw new Error(`bad fault bound f=${f}`);
  const counts = new Map<string, number>();
  const missing: number[] = [];
  digests.forEach((d, i) => {
    if (d === null) missing.push(i);
    else counts.set(d, (counts.get(d) ?? 0) + 1);
  });
  const quorums = [...counts].filter(([, n]) => n >= f + 1).map(([d]) => d);
  const suspicious = missing.length > 0 || counts.size > 1;
  if (quorums.length !== 1) {
    const senders = digests.flatMap((d, i) => (d === null ? [] : [i]));
    return { accepted: false, digest: null, agreeing: [], dissenting: senders, missing, suspicious: true };
  }
  const digest = quorums[0]!;
  const agreeing: number[] = [];
  const dissenting: number[] = [];
  digests.forEach((d, i) => {
    if (d === digest) agreeing.push(i);
    else if (d !== null) dissenting.push(i);
  });
  return { accepted: true, digest, agreeing, dissenting, missing, suspicious };
}

/**
 * Where a host's shadow gets the accepted payload: from its own host's active replica when that one
 * agreed (only digests crossed hosts), else from the lowest-numbered agreeing replica — the only
 * case in which pages cross hosts. Null when nothing was accepted.
 */
export function payloadSource(decision: UpdateDecision, localReplica: number): number | null {
  if (!decision.accepted) return null;
  if (decision.agreeing.includes(localReplica)) return localReplica;
  return decision.agreeing[0] ?? null;
}
