export { FAULT_PARAMS, faultSchedule, type FaultKind, type ScheduledFault } from './schedule.js';
export { SLOW_REPLICA_THROTTLE, misbehave, byzantineFault } from './byzantine.js';
