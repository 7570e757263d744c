/** Live migration: stop-and-copy and pre-copy under the Xen, QEMU, SimGrid and textbook policies. */
export { migrationEngine } from './engine.js';
export { POLICIES, POLICY_NAMES, resolvePolicy, stopRule, nextRateMbps, isStable, type RoundOutcome } from './policy.js';
export { permute, unpermute, orderBits, allPages, inSendOrder } from './order.js';
export * from './costs.js';
