/**
 * What the replica managers' own work costs. None of these is published for SPARE or its
 * relatives (their evaluations were not readable); each is an estimate of ours, stated with its
 * reasoning, and the docs call them estimates.
 */

/**
 * Domain-0 CPU per RM-to-RM message sent or received, ns: a kernel TCP send or receive of a small
 * message plus the RM's dispatch. Estimate: ≈ 5 µs on a 2008-era core (a loopback TCP round trip
 * of a small message costs ≈ 10–20 µs there, both ends and both directions included).
 */
export const RM_MESSAGE_CPU_NS = 5_000;

/**
 * Domain-0 CPU to compute a reply digest, ns per KiB of reply: a cryptographic hash at ≈ 200 MB/s
 * (SHA-1/MD5 class on a 2008-era core). Estimate.
 */
export const RM_DIGEST_CPU_NS_PER_KIB = 5_000;

/** Fixed CPU per digest computed or compared (set-up, table look-up), ns. Estimate. */
export const RM_DIGEST_CPU_NS = 1_000;

/** Header bytes of every RM-to-RM message: TCP/IP headers and the RM's framing. Estimate. */
export const RM_HEADER_BYTES = 64;

/** Bytes of a reply digest on the wire (a 20-byte hash plus request id and replica index). */
export const RM_DIGEST_BYTES = 32;

/**
 * Heartbeat period between replica managers, ms. Estimate: an order below the suspicion timeout,
 * so one lost beat never causes a suspicion.
 */
export const RM_HEARTBEAT_MS = 10;

/**
 * An RM that has not been heard from for this long is declared crashed, ms. This is the
 * synchronous assumption: every message between live RMs arrives within it. Estimate (the order
 * of a LAN failure detector's timeout; Remus's heartbeat timeout is 1000 ms, tuned for a WAN-safe
 * default, far longer than needed on one switch).
 */
export const RM_SUSPECT_TIMEOUT_MS = 100;

/** The cost table a group runs with (tests and engines may override any entry). */
export interface RmCosts {
  readonly messageNs: number;
  readonly digestNs: number;
  readonly digestNsPerKiB: number;
  readonly headerBytes: number;
  readonly digestBytes: number;
}

export const DEFAULT_RM_COSTS: RmCosts = {
  messageNs: RM_MESSAGE_CPU_NS,
  digestNs: RM_DIGEST_CPU_NS,
  digestNsPerKiB: RM_DIGEST_CPU_NS_PER_KIB,
  headerBytes: RM_HEADER_BYTES,
  digestBytes: RM_DIGEST_BYTES,
};

/** CPU (ns) to digest a reply of `bytes` bytes. */
export function digestCpuNs(costs: RmCosts, bytes: number): number {
  return costs.digestNs + (costs.digestNsPerKiB * bytes) / 1024;
}
