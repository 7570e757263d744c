/** Live migration: stop-and-copy and pre-copy under the Xen, QEMU, SimGrid and textbook policies. */
export { migrationEngine } from './engine.js';
export { Migration, type MigrationSetup } from './rounds.js';
export { MIGRATION_PARAMS } from './params.js';
export { POLICIES, POLICY_NAMES, resolvePolicy, stopRule, nextRateMbps, isStable, hasAdaptiveRate, type Policy, type StopReason, type RoundOutcome } from './policy.js';
export { StopPhase, DEFAULT_STOP_PHASE_COSTS, type StopPhaseCosts } from './downtime.js';
export { FixedRateChannel, NetworkChannel, Dom0Work, type Channel } from './transfer.js';
export { memoryImage, diskImage, type Image } from './image.js';
export { permute, unpermute, orderBits, allPages, inSendOrder, type SendOrder } from './order.js';
export { EgressMeter } from './meter.js';
export * from './costs.js';
