export { FAULT_PARAMS, faultSchedule, type FaultKind, type ScheduledFault } from './schedule.js';
