export { FAULT_PARAMS, faultSchedule, type FaultKind, type FaultClass, type ScheduledFault } from './schedule.js';
export { BYZANTINE_KINDS, SLOW_REPLICA_THROTTLE, misbehave, byzantineFault, type ByzantineKind } from './byzantine.js';
export { FAULT_CLASSES, FAULT_KINDS } from './schedule.js';
