export { ReplicationGroup, type GroupRequest, type ReplicationGroupOptions, type RmStats, type Suspicion } from './group.js';
export { VoteCollector } from './vote.js';
export {
  DEFAULT_RM_COSTS,
  RM_MESSAGE_CPU_NS,
  RM_DIGEST_CPU_NS,
  RM_DIGEST_CPU_NS_PER_KIB,
  RM_HEARTBEAT_MS,
  RM_SUSPECT_TIMEOUT_MS,
  type RmCosts,
} from './costs.js';
export { ReplyAudit, type ReferenceMachine, type AuditResult } from './audit.js';
export { digestOf, isOrderedRequest } from './digest.js';
export { type ServiceMisbehaviour } from './misbehaviour.js';
