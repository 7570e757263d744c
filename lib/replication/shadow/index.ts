export {
  SHADOW_COST_PROFILES,
  XEN_2008_SHADOW_COSTS,
  MODERN_SHADOW_COSTS,
  shadowCosts,
  digestCpuNs,
  capturePauseNs,
  type ShadowCostProfile,
  type ShadowCosts,
} from './costs.js';
export { ResourceLedger, type ResourceMeter } from './ledger.js';
export { UpdateProducer, payloadDigest, payloadMatches, type StateUpdate } from './update.js';
export { decideUpdate, payloadSource, type UpdateDecision } from './acceptance.js';
export { ShadowReplica, writtenPages, type ApplyRecord } from './shadow.js';
export { ShadowConsistency, ChangeRecorder } from './consistency.js';
export {
  faultBoundHeld,
  faultyIntervals,
  maxFaultyPerWindow,
  rotationWindowS,
  plannedReplacements,
  type InjectedFault,
  type Replacement,
} from './fault-bound.js';
export {
  RECOVERY_STEPS,
  initialRecoveryState,
  recoveryReducer,
  recoveryReplacements,
  type RecoveryState,
  type RecoveryAction,
  type RecoveryRecord,
  } from './recovery.js';
export {
  VerifiedUpdates,
  } from './update-round.js';
export { ProactiveRecovery } from './recovery-driver.js';
