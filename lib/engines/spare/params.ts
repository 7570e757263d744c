import { numberParam, type ParamSpec } from '../../params/index.js';

/**
 * Default update interval, ms. Estimate: SPARE never published its interval (docs/spare.md, "The engine").
 * Well below a run's length (a 30 s kvstore run sees 60 updates) and long enough that waking the
 * shadows costs less CPU than a third executing replica would.
 */
export const SPARE_UPDATE_INTERVAL_MS = 500;

/**
 * Default reply timeout, ms: a vote without f + 1 identical replies after this long is a suspicion.
 * Estimate: two orders above the kvstore's sub-millisecond fault-free latency, so queueing never
 * trips it, and short against a client's 200 ms retransmission timeout.
 */
export const SPARE_REPLY_TIMEOUT_MS = 20;

/**
 * Default proactive-recovery period, s. Estimate: SPARE never published one; with f + 1 = 2 hosts a
 * 30 s run sees each host renewed once or more, and a recovery (≈ 0.7 s of save and restore on the
 * Xen-era host) stays a small share of the period.
 */
export const SPARE_RECOVERY_INTERVAL_S = 10;

/** Keys of the `spare` engine. */
export const SPARE_PARAMS: readonly ParamSpec[] = [
  numberParam('spare.f', 1, 'faults tolerated: f + 1 hosts, each with a replica manager, one active replica and one paused shadow replica; f + 1 identical replies answer a client', {
    min: 1,
    max: 10,
    integer: true,
  }),
  numberParam(
    'spare.updateIntervalMs',
    SPARE_UPDATE_INTERVAL_MS,
    'ms between verified state updates: the active replicas capture the pages written since the last accepted update, the RMs compare digests and wake each shadow to apply it (estimate: SPARE published none)',
    { min: 1, max: 3_600_000 },
  ),
  numberParam(
    'spare.replyTimeoutMs',
    SPARE_REPLY_TIMEOUT_MS,
    'ms a vote (or an update’s digest exchange) may run without f + 1 identical replies before the RMs suspect a fault and activate the shadows (estimate)',
    { positive: true, max: 60_000 },
  ),
  numberParam(
    'spare.recoveryIntervalS',
    SPARE_RECOVERY_INTERVAL_S,
    's between proactive recoveries, host after host (each renews one host’s replica from verified state); 0 = no proactive recovery (estimate: SPARE published no period)',
    { min: 0, max: 86_400 },
  ),
];
