export { FAULT_PARAMS, faultSchedule, type FaultKind, type ScheduledFault } from './schedule.js';
export { SLOW_REPLICA_THROTTLE, BYZANTINE_KINDS, misbehave, byzantineFault, type ByzantineFault, type ByzantineKind } from './byzantine.js';
