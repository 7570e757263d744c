export { ReplicationGroup, type GroupRequest, type ReplicationGroupOptions, type Suspicion } from './group.js';
export { VoteCollector } from './vote.js';
export { ReplyAudit, type ReferenceMachine } from './audit.js';
export { digestOf, isOrderedRequest } from './digest.js';
export { type ServiceMisbehaviour } from './misbehaviour.js';
